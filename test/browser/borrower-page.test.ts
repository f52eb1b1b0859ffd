import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY } from '../../web/headers.js';
import { type Harness, snapshot, startHarness } from './harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h?.close());

describe("the borrower's page in Chromium", () => {
  it('is served with the strict CSP, runs under it, and refuses a link that is not valid', async () => {
    const { page, errors } = await h.page();
    const response = await page.goto(`${h.base}/b/#t=not-a-token`);
    expect(response?.status()).toBe(200);
    expect(response?.headers()['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
    await expect
      .poll(() => page.getByRole('alert').textContent(), { timeout: 10_000 })
      .toContain('This link is not valid or has expired');
    await snapshot(page, 'borrower-refused-en');
    await page.getByRole('button', { name: '中文' }).click();
    await expect.poll(() => page.locator('html').getAttribute('lang')).toBe('zh-CN');
    expect(await page.getByRole('alert').textContent()).toContain('此链接无效或已过期');
    await snapshot(page, 'borrower-refused-zh');
    // The API's 403 is logged by Chromium as a failed resource; nothing else (no CSP violation).
    expect(errors.filter((e) => !e.includes('403'))).toEqual([]);
    await page.context().close();
  });
});
