import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, snapshot, startHarness } from './harness.js';
import { advance, delinquent, linkFrom, smsTo } from './scenario.js';

/**
 * The borrower's own settings on the page in Chromium, on `ladder serve` with the stack's IAM: the
 * language of the messages (the page follows it, and so do the ladder's messages), preferred hours, an
 * e-mail address corrected with the code read from the local e-mail sink, after which the ladder's
 * next e-mail goes to the new address only, and text messages stopped and resumed. axe-core checks
 * every state (snapshot).
 */
let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h?.close());

const CJK = /[\u4e00-\u9fff]/;

interface Mail {
  to: string[];
  subject: string;
  text?: string;
}
const mailTo = async (address: string): Promise<Mail[]> =>
  ((await (await fetch(`${h.base}/email`)).json()) as Mail[]).filter((m) => m.to.includes(address));

const statusLine = (page: Page) => page.getByRole('status').textContent();

describe("the borrower's settings in Chromium", () => {
  it('switches the language of the messages, then corrects the e-mail address with the code from the sink', async () => {
    const { phone } = await delinquent(h, 21);
    const oldAddress = 'borrower21@example.com';
    const newAddress = 'new.address21@example.com';
    const { page, errors } = await h.page();
    await page.goto(await linkFrom(h, phone));
    await page.getByRole('heading', { level: 2 }).first().waitFor();
    expect(await smsTo(h, phone)).toEqual([expect.not.stringMatching(CJK)]);

    // Messages in Chinese from now on; the page, which follows the borrower's language, switches too.
    await page.getByLabel('Language of our messages').selectOption('zh-CN');
    await page.getByRole('button', { name: 'Save language' }).click();
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('我的贷款');
    await snapshot(page, 'borrower-language-zh');
    // Preferred hours: mornings (the ladder's 09:00 stage time is inside them, so nothing moves here).
    await page.getByLabel('上午 08:00–12:00').check();
    await page.getByRole('button', { name: '保存联系时间' }).click();
    await expect.poll(() => statusLine(page)).toBe('已完成。');
    await page.reload();
    expect(await page.getByLabel('上午 08:00–12:00').isChecked()).toBe(true);

    // The e-mail address: a code goes to the new address only.
    await page.getByLabel('更正内容').selectOption('EMAIL');
    await page.getByLabel('新的号码或地址').fill(newAddress);
    await page.getByRole('button', { name: '发送验证码' }).click();
    await expect.poll(() => statusLine(page)).toContain('验证码');
    await snapshot(page, 'borrower-correct-code-sent');
    const [codeMail, ...more] = await mailTo(newAddress);
    expect(more).toEqual([]);
    const code = /(\d{6})/.exec(codeMail?.text ?? '')?.[1] ?? '';
    expect(code).toMatch(/^\d{6}$/);
    // A wrong code first: shown at the field, tied to it.
    await page.getByLabel('验证码', { exact: true }).fill(code === '000000' ? '111111' : '000000');
    await page.getByRole('button', { name: '确认' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('CODE_WRONG');
    expect(await page.getByLabel('验证码', { exact: true }).getAttribute('aria-invalid')).toBe('true');
    await snapshot(page, 'borrower-correct-wrong-code');
    await page.getByLabel('验证码', { exact: true }).fill(code);
    await page.getByRole('button', { name: '确认' }).click();
    await expect.poll(() => statusLine(page)).toBe('已更新：今后将使用新的联系方式。');
    await snapshot(page, 'borrower-corrected');

    // Text messages stopped: D+3, SMS first and e-mail as its fallback, goes by e-mail, to the new
    // address only, in Chinese.
    await page.getByRole('button', { name: '停止 短信' }).click();
    await expect.poll(() => page.getByText('短信: 已停止').count()).toBe(1);
    await snapshot(page, 'borrower-sms-stopped');
    const oldMail = (await mailTo(oldAddress)).length;
    const sms = (await smsTo(h, phone)).length;
    await advance(h, 2);
    expect(await smsTo(h, phone)).toHaveLength(sms);
    const ladderMail = (await mailTo(newAddress)).slice(1);
    expect(ladderMail).toHaveLength(1);
    expect(`${ladderMail[0]?.subject} ${ladderMail[0]?.text}`).toMatch(CJK);
    expect(await mailTo(oldAddress)).toHaveLength(oldMail);
    // And back: the borrower resumes text messages from the page.
    await page.reload();
    await page.getByRole('button', { name: '恢复 短信' }).click();
    await expect.poll(() => page.getByRole('button', { name: '停止 短信' }).count()).toBe(1);
    expect(errors.filter((e) => !e.includes('409'))).toEqual([]);
    await page.context().close();
  });
});
