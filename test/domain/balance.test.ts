import { describe, expect, it } from 'vitest';
import { owedAt } from '../../functions/domain/balance.js';
import type { CaseRecord } from '../../functions/domain/case.js';
import { settleOrCure } from '../../functions/domain/cure.js';
import { loadPolicy } from '../../functions/domain/policy.js';
import { minimumDueMinor } from '../../functions/domain/policy-money.js';
import defaultPolicy from '../../policies/default.json' with { type: 'json' };

/**
 * What is owed, by fixed vectors worked out by hand (simple interest, actual/365, rounded down once;
 * the CN cap is 24% a year of the overdue amount):
 * - ¥3,000.00 at 18.25% a year (万分之五 a day) for 10 days: 3000 x 0.0005 x 10 = ¥15.00;
 * - the cap after 1 day: 3000 x 0.24 / 365 = ¥1.972... -> 197 fen; after 10 days ¥19.72 (1972);
 *   after 100 days 19726 fen (197.26027...);
 * - a ¥50.00 late fee at D+1 waits for room under the cap: 1972 - 1500 = 472 fen at D+10;
 * - ¥1,000.00 paid at D+10 pays 472 fees, 1500 penalty, 98028 principal: 201972 left; by D+20 the
 *   penalty is floor((300000 + 201972) x 1825 x 10 / 3650000) = floor(2509.86) = 2509 in all (1009
 *   unpaid), the cap floor((300000 + 201972) x 2400 x 10 / 3650000) = 3300, fees 3300 - 2509 = 791 in
 *   all (319 unpaid): 201972 + 1009 + 319 = 203300 owed.
 */
const TZ = 'Asia/Shanghai';
const at = (day: number, hour = 9) =>
  Date.parse(`2026-12-10T${String(hour).padStart(2, '0')}:00:00+08:00`) + day * 86_400_000;

const kase = (over: Partial<CaseRecord> = {}): CaseRecord => ({
  loanId: 'L-1',
  cycle: 1,
  borrowerId: 'B-1',
  policyId: 'accruing',
  policyVersion: 1,
  currency: 'CNY',
  amountDueMinor: 300000,
  paidMinor: 0,
  dueDate: '2026-12-10',
  openedAt: '2026-12-06T00:00:00.000Z',
  status: 'ACTIVE',
  promises: [],
  payments: [],
  notices: {},
  shiftDays: 0,
  ...over,
});

const policy = (balance: unknown, extra: Record<string, unknown> = {}) =>
  loadPolicy({ ...defaultPolicy, id: 'accruing', balance, ...extra });
const penaltyOnly = policy({ penaltyInterest: { annualRateBasisPoints: 1825 } });
const withFee = policy({
  penaltyInterest: { annualRateBasisPoints: 1825 },
  lateFees: [{ daysPastDue: 1, amount: { CNY: '50.00' } }],
});

const pay = (amountMinor: number, day: number, hour = 12) => ({
  paymentId: `p${day}`,
  amountMinor,
  paidAt: new Date(at(day, hour)).toISOString(),
  recordedAt: new Date(at(day, hour)).toISOString(),
});

describe('owed now: the policy accrues penalty interest and fees', () => {
  it('accrues nothing under a policy without accrual: the amount due, less payments', () => {
    const c = kase({ payments: [pay(100000, 3)], paidMinor: 100000 });
    expect(owedAt(c, loadPolicy(defaultPolicy), at(40), TZ)).toMatchObject({
      totalMinor: 200000,
      penaltyMinor: 0,
      feesMinor: 0,
    });
  });

  it('penalty interest is simple, actual/365, rounded down: ¥15.00 after 10 days at 18.25%', () => {
    expect(owedAt(kase(), penaltyOnly, at(0), TZ).penaltyMinor).toBe(0);
    expect(owedAt(kase(), penaltyOnly, at(1), TZ).penaltyMinor).toBe(150);
    expect(owedAt(kase(), penaltyOnly, at(10), TZ)).toMatchObject({ penaltyMinor: 1500, totalMinor: 301500 });
  });

  it('grace days and the days an agreement held accrue nothing', () => {
    const grace = policy({ penaltyInterest: { annualRateBasisPoints: 1825, graceDays: 3 } });
    expect(owedAt(kase(), grace, at(3), TZ).penaltyMinor).toBe(0);
    expect(owedAt(kase(), grace, at(10), TZ).penaltyMinor).toBe(1050);
    const paused = kase({
      accrualPauses: [{ from: new Date(at(5, 12)).toISOString(), to: new Date(at(8, 12)).toISOString() }],
    });
    // Days 6, 7 and 8 paused: 7 of 10 days accrue.
    expect(owedAt(paused, penaltyOnly, at(10), TZ).penaltyMinor).toBe(1050);
  });

  it('the CN cap (24% a year) holds a late fee back until there is room under it', () => {
    expect(owedAt(kase(), withFee, at(1), TZ)).toMatchObject({ penaltyMinor: 150, feesMinor: 47 });
    expect(owedAt(kase(), withFee, at(10), TZ)).toMatchObject({ penaltyMinor: 1500, feesMinor: 472 });
    expect(owedAt(kase(), withFee, at(100), TZ)).toMatchObject({ penaltyMinor: 15000, feesMinor: 4726 });
    expect(owedAt(kase(), withFee, at(200), TZ)).toMatchObject({ feesMinor: 5000, totalMinor: 335000 });
  });

  it('a partial payment pays fees, then penalty interest, then the amount due, and accrual goes on on the rest', () => {
    const c = kase({ payments: [pay(100000, 10)], paidMinor: 100000 });
    expect(owedAt(c, withFee, at(10, 13), TZ)).toMatchObject({
      principalMinor: 201972,
      penaltyMinor: 0,
      feesMinor: 0,
    });
    expect(owedAt(c, withFee, at(20), TZ)).toMatchObject({
      principalMinor: 201972,
      penaltyMinor: 1009,
      feesMinor: 319,
      totalMinor: 203300,
    });
  });

  it('a penalty rate above the pack legal maximum is refused at load, naming the field', () => {
    expect(() => policy({ penaltyInterest: { annualRateBasisPoints: 3650 } })).toThrow(
      'policy accruing: balance.penaltyInterest.annualRateBasisPoints: 3650 is above the CN pack',
    );
    // The US pack states no maximum: the lender sets its state's.
    expect(() =>
      policy({ penaltyInterest: { annualRateBasisPoints: 3650 } }, { rulePack: 'US' }),
    ).not.toThrow();
  });
});

describe('owed now: the loan system reports the balance', () => {
  const report = {
    asOf: new Date(at(5)).toISOString(),
    principalMinor: 290000,
    interestMinor: 10000,
    penaltyMinor: 2000,
    feesMinor: 500,
    recordedAt: new Date(at(5)).toISOString(),
  };

  it('its latest report is the truth, less the payments made after it (fees, penalty, interest, principal)', () => {
    const c = kase({ balances: [report], payments: [pay(50000, 2), pay(3000, 6)], paidMinor: 53000 });
    // The payment of day 2 is in the report already; ¥30.00 on day 6 pays ¥5 fees, ¥20 penalty, ¥5 interest.
    expect(owedAt(c, withFee, at(9), TZ)).toEqual({
      principalMinor: 290000,
      interestMinor: 9500,
      penaltyMinor: 0,
      feesMinor: 0,
      totalMinor: 299500,
      source: 'FEED',
    });
    // Before the report, the policy's own accrual on the amount due (less the day-2 payment).
    expect(owedAt(c, penaltyOnly, at(4), TZ).source).toBe('INTAKE');
  });
});

describe('cure and the card minimum payment', () => {
  const card = policy({ minimumDue: { basisPoints: 1000, floor: { CNY: '100.00' } }, cureOn: 'MINIMUM_DUE' });

  it('the minimum due is the event s, else 10% of the amount due with a floor, never above the amount due', () => {
    expect(minimumDueMinor(card.balance, 300000, 'CNY')).toBe(30000);
    expect(minimumDueMinor(card.balance, 50000, 'CNY')).toBe(10000);
    expect(minimumDueMinor(card.balance, 8000, 'CNY')).toBe(8000);
    expect(minimumDueMinor(card.balance, 300000, 'CNY', 45000)).toBe(45000);
  });

  it('paying the minimum cures a card delinquency; a smaller payment does not', () => {
    const short = kase({ minimumDueMinor: 30000, payments: [pay(29999, 3)], paidMinor: 29999 });
    expect(settleOrCure(short, card, at(3, 13), TZ)).toBeUndefined();
    expect(short.status).toBe('ACTIVE');
    const paid = kase({ minimumDueMinor: 30000, payments: [pay(30000, 3)], paidMinor: 30000 });
    expect(settleOrCure(paid, card, at(3, 13), TZ)).toBe('MINIMUM_PAID');
    expect(paid.status).toBe('CURED');
    // Under a policy that cures on the balance, the minimum is not enough.
    const instalment = kase({ minimumDueMinor: 30000, payments: [pay(30000, 3)], paidMinor: 30000 });
    expect(settleOrCure(instalment, loadPolicy(defaultPolicy), at(3, 13), TZ)).toBeUndefined();
  });

  it('a balance report at or under the cure threshold cures (paid through another channel)', () => {
    const c = kase({
      balances: [
        {
          asOf: new Date(at(4)).toISOString(),
          principalMinor: 1000,
          interestMinor: 0,
          penaltyMinor: 0,
          feesMinor: 0,
          recordedAt: new Date(at(4)).toISOString(),
        },
      ],
    });
    expect(settleOrCure(c, loadPolicy(defaultPolicy), at(4, 10), TZ)).toBe('PAID');
  });
});
