import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { expect } from 'vitest';
import { serve } from '../../local/serve.js';
import { buildWeb } from '../../web/build.js';

/** Screenshots of each state of each page: gitignored, kept by CI as artifacts. */
export const ARTIFACTS = path.join(import.meta.dirname, '..', '..', 'test-artifacts', 'browser');

/** Debian's Chromium (`.ci/run` installs it with apt-get); playwright cannot download one here. */
export const CHROMIUM = process.env.LADDER_CHROMIUM ?? '/usr/bin/chromium';

export interface Harness {
  browser: Browser;
  service: Awaited<ReturnType<typeof serve>>;
  base: string;
  /** A fresh page that records console errors (a CSP violation is one) in `errors`. */
  page(): Promise<{ page: Page; errors: string[] }>;
  close(): Promise<void>;
}

/**
 * One browser and one `ladder serve` per test file, on the local runtime (its clock stopped unless
 * `paced`), serving pages built into a temporary directory (so parallel test files never share a build).
 */
export async function startHarness(paced = false): Promise<Harness> {
  const dir = mkdtempSync(path.join(tmpdir(), 'ladder-pages-'));
  const pagesDir = buildWeb(path.join(dir, 'web'));
  const service = await serve({ port: 0, speed: 1, quiet: true, pagesDir });
  // The test steps the clock itself (scenario.ts, advance): nothing moves between its steps.
  if (!paced) service.ladder.clock.stopPaced();
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true });
  const base = `http://127.0.0.1:${service.port}`;
  mkdirSync(ARTIFACTS, { recursive: true });
  return {
    browser,
    service,
    base,
    async page() {
      const context = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'en-US' });
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(m.text());
      });
      page.on('pageerror', (e) => errors.push(e.message));
      return { page, errors };
    },
    async close() {
      await browser.close();
      await service.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/**
 * axe-core (from node_modules) on the page as it is now: the serious and critical violations, by rule
 * id and target. Evaluated through DevTools rather than `addScriptTag`, whose inline <script> the
 * page's own CSP blocks, as it should.
 */
export async function accessibilityViolations(page: Page): Promise<string[]> {
  if (!(await page.evaluate('typeof axe !== "undefined"'))) await page.evaluate(AXE);
  const results = (await page.evaluate(
    'axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"] } })',
  )) as { violations: Array<{ id: string; impact: string | null; nodes: Array<{ target: unknown }> }> };
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${JSON.stringify(v.nodes.map((n) => n.target))}`);
}

/** Saves a screenshot of the page's state under test-artifacts/browser/ and checks it with axe-core. */
export async function snapshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
  expect(await accessibilityViolations(page), name).toEqual([]);
}
