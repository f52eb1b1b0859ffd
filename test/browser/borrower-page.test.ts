import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pageLedgerId } from '../../functions/domain/ledger.js';
import { linkIssuer, newLinkId, signLink } from '../../functions/domain/links.js';
import { CONTENT_SECURITY_POLICY } from '../../web/headers.js';
import { type Harness, snapshot, startHarness } from './harness.js';
import { advance, delinquent, ledger, linkFrom, post, smsTo, states, virtualNow } from './scenario.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h?.close());

/** The status line of the loan's section, as the borrower reads it. */
const status = (page: Page) => page.getByTestId('status').first().textContent();

/** Opens the link in a fresh page and waits for the loan to show. */
async function open(link: string) {
  const { page, errors } = await h.page();
  await page.goto(link);
  await page.getByRole('heading', { level: 2 }).first().waitFor();
  return { page, errors };
}

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

  it('opens the link from the SMS, shows what is owed and why, takes a promise and the ladder pauses', async () => {
    const { loanId, phone } = await delinquent(h, 1);
    const link = await linkFrom(h, phone);
    const { page, errors } = await open(link);
    expect(await page.getByRole('heading', { level: 2 }).first().textContent()).toBe(`Loan ${loanId}`);
    expect(await status(page)).toBe('Status: Overdue');
    expect(await page.locator('dd.total').textContent()).toBe('CN¥1,200.00');
    await snapshot(page, 'borrower-overdue-en');
    await page.getByRole('button', { name: '中文' }).click();
    expect(await status(page)).toBe('状态: 逾期中');
    await snapshot(page, 'borrower-overdue-zh');
    await page.getByRole('button', { name: 'English' }).click();

    await page.getByLabel(/^Amount/).fill('1200.00');
    await page.getByRole('button', { name: 'Promise', exact: true }).click();
    await expect.poll(() => status(page)).toBe('Status: Overdue · Reminders paused: you promised to pay');
    await snapshot(page, 'borrower-promised');
    // The ladder pauses: the D+3 reminder's day comes and goes with no message; the ledger says why.
    const sent = (await smsTo(h, phone)).length;
    await advance(h, 4);
    expect(await smsTo(h, phone)).toHaveLength(sent);
    expect((await states(h, loanId)).at(-1)).toBe('Promise to pay: waiting');
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('refuses a tampered link, an expired one, and another borrower’s loan', async () => {
    const { loanId, phone } = await delinquent(h, 2);
    const other = await delinquent(h, 3);
    const link = await linkFrom(h, phone);
    const token = link.split('#t=')[1] ?? '';
    const tampered = `${link.slice(0, -1)}${link.endsWith('A') ? 'B' : 'A'}`;
    const { page } = await h.page();
    await page.goto(tampered);
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('not valid or has expired');
    await snapshot(page, 'borrower-tampered');
    // Expired: signed with the run's own link key, a second before now.
    const expired = await signLink(h.service.ladder.keys.link, {
      borrowerId: 'B-2',
      loanIds: [loanId],
      expiresAt: Math.floor(h.service.ladder.clock.now() / 1000) - 1,
      linkId: 'expired',
    });
    await page.goto(`${h.base}/b/#t=${expired}`);
    await page.reload();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('not valid or has expired');
    await page.context().close();
    // B-2's link reads B-2's loan only, and cannot act on B-3's.
    const api = (path: string, method = 'GET', body?: unknown) =>
      fetch(`${h.base}/api/borrower${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
    const view = await (await api('')).text();
    expect(view).toContain(loanId);
    for (const foreign of [other.loanId, 'B-3', other.phone, 'borrower3@example.com', 'Borrower Name']) {
      expect(view).not.toContain(foreign);
    }
    expect(view).not.toContain(phone);
    const at = virtualNow(h).slice(0, 10);
    expect((await api(`/loans/${other.loanId}/promise`, 'POST', { amount: '1.00', date: at })).status).toBe(
      403,
    );
    expect((await api(`/loans/${other.loanId}/dispute`, 'POST', {})).status).toBe(403);
  });

  it('disputes the debt with a small PDF, the document is stored by its hash, and collection holds', async () => {
    const { loanId, phone } = await delinquent(h, 4);
    const { page, errors } = await open(await linkFrom(h, phone));
    await page.getByLabel('Why?').selectOption('WRONG_AMOUNT');
    // The borrower's statement: a PDF whose SHA-256 coreutils' sha256sum gives as below.
    const pdf = Buffer.from('%PDF-1.4\n%%EOF\n', 'latin1');
    const sha256 = '14bcd090baf31edba64e9cbd8cdfc15f943344aa72cb3675ad8e91bfcbce03ad';
    await page
      .getByLabel('A document (optional)')
      .setInputFiles({ name: 'statement.pdf', mimeType: 'application/pdf', buffer: pdf });
    await page.getByRole('button', { name: 'I dispute this debt' }).click();
    await expect.poll(() => status(page)).toContain('Disputed: collection is on hold');
    expect(await page.getByText('Why? The amount is wrong').count()).toBe(1);
    expect(await page.getByText('We have your document.').count()).toBe(1);
    await snapshot(page, 'borrower-disputed');
    const key = `dispute-documents/${loanId}/${sha256}.pdf`;
    const stored = h.service.ladder.evidenceObjects.get(key);
    expect(Buffer.from(stored?.body ?? []).equals(pdf)).toBe(true);
    // The page action is in the ledger by the document's key and hash, on the loan's page chain.
    const records = await h.service.ladder.stores.ledger().list(pageLedgerId(loanId, 1));
    expect(records.map((r) => r.detail)).toEqual([
      expect.objectContaining({
        action: 'dispute',
        outcome: 'APPLIED',
        documentKey: key,
        documentSha256: sha256,
      }),
    ]);
    const sent = (await smsTo(h, phone)).length;
    await advance(h, 10);
    expect(await smsTo(h, phone)).toHaveLength(sent);
    expect((await states(h, loanId)).at(-1)).toBe('Dispute hold');
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('chooses a plan, signs the agreement, pays the instalments and sees SETTLED', async () => {
    const { loanId, phone } = await delinquent(h, 5);
    const { page, errors } = await open(await linkFrom(h, phone));
    await page
      .getByRole('region', { name: 'plan-2' })
      .getByRole('button', { name: 'Choose this plan' })
      .click();
    await expect.poll(() => status(page)).toContain('Plan chosen');
    await snapshot(page, 'borrower-plan-chosen');
    // The ladder opens the agreement for signing at its next step.
    await advance(h, 3);
    await page.reload();
    await expect.poll(() => status(page)).toContain('Your agreement is ready to sign');
    await snapshot(page, 'borrower-plan-to-sign');
    await page.getByLabel(/I have read the plan above/).check();
    await page.getByRole('button', { name: 'Sign the agreement' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toBe('Done.');
    // The ladder records the signature at its next step (the clock is the test's).
    await advance(h, 0.01);
    await page.reload();
    await expect.poll(() => status(page)).toContain('Repayment plan signed and running');
    await snapshot(page, 'borrower-plan-signed');
    const signed = (await ledger(h, loanId)).find((r) => r.detail?.plan === 'SIGNED');
    expect(signed?.detail?.signedVia).toMatch(/^link:[A-Za-z0-9_-]{12}$/);
    // The instalments arrive from upstream as PaymentReceived, each before its date.
    const pay = async (n: number) => {
      const paid = await post(h, '/events', {
        detailType: 'PaymentReceived',
        detail: { paymentId: `P-5-${n}`, loanId, amount: '600.00', currency: 'CNY', paidAt: virtualNow(h) },
      });
      expect(paid.status).toBe(202);
    };
    await advance(h, 2);
    await pay(1);
    await advance(h, 0.01);
    await page.reload();
    await expect.poll(() => page.locator('dd.total').textContent()).toBe('CN¥600.00');
    await advance(h, 31);
    await pay(2);
    await advance(h, 40);
    // Weeks later the first link has expired: a fresh one, as the next message (or `ladder link`) gives.
    const fresh = await linkIssuer(h.service.ladder.keys.link, () => h.base, newLinkId).issue(
      'B-5',
      [loanId],
      h.service.ladder.clock.now(),
    );
    await page.goto(fresh);
    await page.reload();
    await expect.poll(() => status(page)).toBe('Status: Settled: the agreement is fulfilled');
    await snapshot(page, 'borrower-settled');
    expect(errors).toEqual([]);
    await page.context().close();
  });
});
