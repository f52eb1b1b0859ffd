import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signLink } from '../../functions/domain/links.js';
import { createLocalLadder, type LocalLadder } from '../../local/runtime.js';

/**
 * The borrower page's API on the local runtime, without a browser: what a link may read and do, and
 * how each refusal answers. Two borrowers, A and B, one loan each, on a stepped virtual clock.
 */
const START = Date.parse('2026-03-02T02:00:00Z'); // 10:00 in Shanghai
const ZONE = 'Asia/Shanghai';
let ladder: LocalLadder;
let tokenA: string;

const borrower = (n: string) => ({
  borrowerId: `BA-${n}`,
  name: `Name ${n}`,
  phone: `+86138001399${n.charCodeAt(0) % 10}${n.charCodeAt(0) % 7}`,
  email: `${n}@example.com`,
  timeZone: ZONE,
  locale: 'zh-CN',
});

beforeAll(async () => {
  ladder = await createLocalLadder({ start: START, iam: false });
  const dueDate = DateTime.fromMillis(START, { zone: ZONE }).minus({ days: 1 }).toISODate();
  for (const n of ['A', 'B']) {
    await ladder.send('LoanDelinquent', {
      loanId: `LA-${n}`,
      amountDue: '300.00',
      currency: 'CNY',
      dueDate,
      borrower: borrower(n),
    });
  }
  await ladder.clock.runUntilIdle({ until: START + 60_000 });
  tokenA = await signLink(ladder.keys.link, {
    borrowerId: 'BA-A',
    loanIds: ['LA-A'],
    expiresAt: Math.floor(START / 1000) + 86_400,
    linkId: 'test-a',
  });
});
afterAll(() => ladder?.close());

const call = (path: string, method = 'GET', body: unknown = null, token = tokenA) =>
  ladder.borrowerApi({
    method,
    path,
    authorization: token === '' ? undefined : `Bearer ${token}`,
    body: body === null ? null : JSON.stringify(body),
  });

describe('the borrower API', () => {
  it("shows the link's loan only, in the borrower's language, with no contact detail", async () => {
    const out = await call('');
    expect(out.status).toBe(200);
    const text = JSON.stringify(out.body);
    expect(out.body).toMatchObject({
      locale: 'zh-CN',
      loans: [{ loanId: 'LA-A', owed: { total: '300.00' } }],
    });
    for (const other of ['LA-B', 'BA-B', 'Name', '@example.com', '+86138']) expect(text).not.toContain(other);
  });

  it("refuses every action on another borrower's loan, and requests with no or a bad token", async () => {
    for (const action of ['promise', 'plan', 'sign', 'dispute', 'hardship']) {
      expect((await call(`/loans/LA-B/${action}`, 'POST', {})).status, action).toBe(403);
    }
    expect((await call('', 'GET', null, '')).status).toBe(403);
    expect((await call('', 'GET', null, `${tokenA}x`)).status).toBe(403);
    expect((await call('', 'GET', null, tokenA.replace('.', '.A'))).status).toBe(403);
    expect(await call('')).toMatchObject({ status: 200 });
  });

  it('answers 400 naming the field for a bad body, 409 naming the rule for a refused action', async () => {
    expect(await call('/loans/LA-A/promise', 'POST', { amount: '10.00' })).toEqual({
      status: 400,
      body: { error: 'date: Invalid input: expected string, received undefined' },
    });
    expect(await call('/loans/LA-A/promise', 'POST', { amount: '10.00', date: '2026-12-31' })).toEqual({
      status: 409,
      body: { error: 'PROMISE_TOO_FAR' },
    });
    expect(await call('/loans/LA-A/promise', 'POST', { amount: '999.00', date: '2026-03-05' })).toEqual({
      status: 409,
      body: { error: 'AMOUNT_OVER_BALANCE' },
    });
    expect(await call('/loans/LA-A/plan', 'POST', { option: 'plan-9' })).toEqual({
      status: 409,
      body: { error: 'OPTION_NOT_OFFERED' },
    });
    expect(await call('/loans/LA-A/sign', 'POST', {})).toEqual({
      status: 409,
      body: { error: 'NOTHING_TO_SIGN' },
    });
    expect((await call('/loans/LA-A/frobnicate', 'POST', {})).status).toBe(404);
  });

  it('applies hardship and an opt-out as the same events upstream sends, and the view says so', async () => {
    expect(await call('/loans/LA-A/hardship', 'POST', {})).toEqual({ status: 200, body: { applied: true } });
    expect(await call('/opt-out', 'POST', { channel: 'SMS' })).toEqual({
      status: 200,
      body: { applied: true },
    });
    const view = (await call('')).body as { optedOut: string[]; loans: Array<{ hold?: string }> };
    expect(view.optedOut).toEqual(['SMS']);
    expect(view.loans[0]?.hold).toBe('HARDSHIP');
    // B, whose link was never used, is untouched.
    const tokenB = await signLink(ladder.keys.link, {
      borrowerId: 'BA-B',
      loanIds: ['LA-B'],
      expiresAt: Math.floor(START / 1000) + 86_400,
      linkId: 'test-b',
    });
    const viewB = (await call('', 'GET', null, tokenB)).body as typeof view;
    expect(viewB.optedOut).toEqual([]);
    expect(viewB.loans[0]?.hold).toBeUndefined();
  });

  it('opens a dispute with its reason code (required), and the view shows it', async () => {
    expect(await call('/loans/LA-A/dispute', 'POST', {})).toMatchObject({ status: 400 });
    expect(await call('/loans/LA-A/dispute', 'POST', { reason: 'I never borrowed' })).toMatchObject({
      status: 400,
    });
    expect(await call('/loans/LA-A/dispute', 'POST', { reason: 'ALREADY_PAID' })).toEqual({
      status: 200,
      body: { applied: true },
    });
    const view = (await call('')).body as {
      loans: Array<{ hold?: string; dispute?: unknown; options: unknown }>;
    };
    expect(view.loans[0]).toMatchObject({ hold: 'DISPUTED', dispute: { reason: 'ALREADY_PAID' } });
    // Nothing to negotiate while the debt is contested.
    expect(view.loans[0]?.options).toEqual({ plans: [] });
    expect(await call('/loans/LA-A/dispute', 'POST', { reason: 'OTHER' })).toEqual({
      status: 409,
      body: { error: 'DISPUTE_ALREADY_OPEN' },
    });
  });

  it('refuses a link once it has expired', async () => {
    await ladder.clock.runUntilIdle({ until: START + 86_400_000 + 1000 });
    ladder.clock.setTimeout(() => undefined, 86_400_000);
    await ladder.clock.runUntilIdle({ until: START + 2 * 86_400_000 });
    expect((await call('')).status).toBe(403);
  });
});
