import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caseKey } from '../../functions/domain/case.js';
import { PREFERRED_HOURS } from '../../functions/domain/decide.js';
import { profileLedgerId } from '../../functions/domain/ledger.js';
import { signLink } from '../../functions/domain/links.js';
import { createLocalLadder, type LocalLadder } from '../../local/runtime.js';

/**
 * Preferred contact hours and language chosen on the borrower's page, on the local runtime with the
 * stack's IAM enforced: they change when the next SMS goes out and in which language. Three borrowers
 * in Shanghai, loans due 2026-03-03 (D-3 runs at intake, before any choice; D+1 on 03-04): P-1 asks for
 * evenings, P-2 chooses nothing (the oracle: the same stage at the policy's time), P-3 chooses English
 * over the loan record's Chinese.
 */
const START = Date.parse('2026-03-02T01:00:00Z'); // 09:00 in Shanghai
const D1_OVER = Date.parse('2026-03-04T15:00:00Z'); // 23:00 on D+1
const PHONE = (n: number) => `+861370013${String(n).padStart(4, '0')}`;
const CJK = /[\u4e00-\u9fff]/;
let ladder: LocalLadder;

const localHour = (iso: string) => (new Date(iso).getUTCHours() + 8) % 24;
const smsTo = (n: number) => ladder.services.sms.outbox().filter((m) => m.phoneNumber === PHONE(n));

beforeAll(async () => {
  ladder = await createLocalLadder({ start: START });
  for (const n of [1, 2, 3]) {
    await ladder.send('LoanDelinquent', {
      loanId: `LP-${n}`,
      amountDue: '300.00',
      currency: 'CNY',
      dueDate: '2026-03-03',
      borrower: {
        borrowerId: `BP-${n}`,
        name: `Name ${n}`,
        phone: PHONE(n),
        email: `p${n}@example.com`,
        timeZone: 'Asia/Shanghai',
        locale: 'zh-CN',
      },
    });
  }
  await ladder.clock.runUntilIdle({ until: START + 60_000 });
  const choose = async (n: number, body: unknown) => {
    const token = await signLink(ladder.keys.link, {
      borrowerId: `BP-${n}`,
      loanIds: [`LP-${n}`],
      expiresAt: Math.floor(START / 1000) + 30 * 86_400,
      linkId: `pref-${n}`,
    });
    return ladder.borrowerApi({
      method: 'POST',
      path: '/preferences',
      authorization: `Bearer ${token}`,
      body: JSON.stringify(body),
    });
  };
  expect(await choose(1, { window: 'EVENING' })).toEqual({ status: 200, body: { applied: true } });
  expect(await choose(3, { language: 'en' })).toEqual({ status: 200, body: { applied: true } });
  expect((await choose(2, { window: 'NIGHT' })).status).toBe(400);
  await ladder.clock.runUntilIdle({ until: D1_OVER });
}, 60_000);
afterAll(() => ladder?.close());

describe('preferences chosen on the page, through the local runtime', () => {
  it('the evening window moves D+1 from the policy time to 17:00 local; without one it goes at the policy time', () => {
    const [, d1] = smsTo(1);
    const [, control] = smsTo(2);
    expect(control && localHour(control.receivedAt)).toBeLessThan(17);
    expect(d1 && localHour(d1.receivedAt)).toBeGreaterThanOrEqual(17);
    expect(d1 && localHour(d1.receivedAt)).toBeLessThan(21);
    expect(d1?.receivedAt.slice(0, 10)).toBe(control?.receivedAt.slice(0, 10));
  });

  it('the ledger shows the deferral by the preferred hours, and the choice on the profile chain', async () => {
    const records = await ladder.stores.ledger().list(caseKey('LP-1', 1));
    const deferred = records.flatMap((r) => r.attempts).filter((a) => a.status === 'DEFERRED');
    expect(deferred.map((a) => a.reason)).toContain(PREFERRED_HOURS);
    const chain = await ladder.stores.ledger().list(profileLedgerId('LP-1', 1));
    expect(chain.map((r) => r.detail)).toEqual([
      expect.objectContaining({ event: 'PREFERENCES_CHANGED', window: '17:00-21:00' }),
    ]);
  });

  it('the chosen language switches the template: D-3 in Chinese, D+1 in English', () => {
    const [d3, d1] = smsTo(3).map((m) => m.message);
    expect(d3).toMatch(CJK);
    expect(d1).toMatch(/^Name 3, your payment of CN¥300\.00/);
    expect(d1).not.toMatch(CJK);
    // The oracle: the borrower who chose nothing still gets Chinese.
    expect(smsTo(2)[1]?.message).toMatch(CJK);
  });
});
