import { pathToFileURL } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';

/**
 * Opens a written manager's report in headless Chromium (Debian's, /usr/bin/chromium: playwright
 * cannot download its own here) with every network request refused, and records the requests the
 * page tried: the report must need none. Used by the screenshot test and `npm run screenshots:report`.
 */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export interface OfflineReport {
  page: Page;
  /** URLs of every request other than the report's own file:// page, each refused. */
  attempted: string[];
  close(): Promise<void>;
}

export async function openReportOffline(file: string, width = 1240): Promise<OfflineReport> {
  const browser: Browser = await chromium.launch({ executablePath: CHROMIUM, headless: true });
  try {
    const context = await browser.newContext({ offline: true, viewport: { width, height: 900 } });
    const page = await context.newPage();
    const own = pathToFileURL(file).href;
    const attempted: string[] = [];
    await context.route('**/*', (route) => {
      const url = route.request().url();
      if (url === own) return route.continue();
      attempted.push(url);
      return route.abort('blockedbyclient');
    });
    await page.goto(own, { waitUntil: 'load' });
    return { page, attempted, close: () => browser.close() };
  } catch (error) {
    await browser.close();
    throw error;
  }
}
