import { describe, expect, it } from 'vitest';
import { planProblem, proposePlan, signPlan } from '../../functions/domain/plan.js';
import { amountMinor, daysFromToday, promiseProblem, takePromise } from '../../functions/domain/promise.js';
import { at, caseRecord, DAY, POLICY, promiseToPay, repaymentPlan } from './fixtures.js';

/**
 * Promises and plans at their edges, under the default policy (promiseToPay.maxDaysAhead 30;
 * plan.maxInstalments 12, so a horizon of (12 + 1) x 31 = 403 days; signing expires after 7 days).
 * "Now" is 07:00 on 1 December in Shanghai, which is still 30 November in UTC: a date counted in UTC
 * instead of the borrower's zone is off by one. Calendar offsets checked once with Python
 * (date(2026, 12, 1) + timedelta(days=30) == 2026-12-31, + 403 == 2028-01-08).
 *
 * Survivor judged equivalent (promise.ts, amountMinor): `error instanceof ValidationError` mutated to
 * true, since toMinor throws nothing but ValidationError (malformed amount, too many decimals,
 * malformed currency code).
 */
const TZ = 'Asia/Shanghai';
const NOW = at('2026-12-01T07:00:00+08:00');
/** Paid `minor` before now: the balance counts the payments themselves (functions/domain/balance.ts). */
const paid = (minor: number) => ({
  paidMinor: minor,
  payments: [{ paymentId: 'P1', amountMinor: minor, paidAt: '2026-11-30T00:00:00.000Z', recordedAt: 'r' }],
});
/** Owes 1200.00 CNY, has paid 200.00: the balance is 1000.00 (100000 fen). */
const owing = caseRecord({ amountDueMinor: 120000, ...paid(20000) });
const promise = (amount: string, date: string, c = owing, now = NOW, tz = TZ) =>
  promiseProblem({ amount, date }, c, POLICY, now, tz);

describe('promiseProblem: the date', () => {
  it('today (local) is allowed; yesterday (local, though today in UTC) has passed', () => {
    expect(promise('100.00', '2026-12-01')).toBeUndefined();
    expect(promise('100.00', '2026-11-30')).toBe('DATE_PASSED');
  });

  it('maxDaysAhead (30) days ahead is allowed, 31 is too far', () => {
    expect(promise('100.00', '2026-12-31')).toBeUndefined();
    expect(promise('100.00', '2027-01-01')).toBe('PROMISE_TOO_FAR');
  });

  it('30 days across a daylight-saving change are still 30 days (New York, March 2027)', () => {
    const ny = at('2027-03-01T23:30:00-05:00');
    expect(promise('100.00', '2027-03-31', owing, ny, 'America/New_York')).toBeUndefined();
    expect(promise('100.00', '2027-04-01', owing, ny, 'America/New_York')).toBe('PROMISE_TOO_FAR');
  });

  it("in +14:00 (Kiritimati) the date is the borrower's calendar date, not UTC's", () => {
    const kiritimati = at('2026-12-01T00:30:00+14:00');
    expect(promise('1', '2026-12-01', owing, kiritimati, 'Pacific/Kiritimati')).toBeUndefined();
    expect(promise('1', '2026-12-31', owing, kiritimati, 'Pacific/Kiritimati')).toBeUndefined();
    expect(promise('1', '2027-01-01', owing, kiritimati, 'Pacific/Kiritimati')).toBe('PROMISE_TOO_FAR');
    expect(daysFromToday('2026-12-31', at('2026-12-01T23:30:00+14:00'), 'Pacific/Kiritimati')).toBe(30);
  });

  it.each([
    '2026-02-29',
    '2026-13-01',
    '2026-12-1',
    '20261201',
    '2026-12-01T10:00',
    '+002026-12-01',
    ' 2026-12-01',
    '',
  ])('"%s" is not a calendar date (checked before the amount)', (date) => {
    expect(promise('not money', date)).toBe('NOT_A_CALENDAR_DATE');
  });

  it('a leap day is a date in a leap year', () => {
    expect(daysFromToday('2028-02-29', NOW, TZ)).toBe(455);
    expect(daysFromToday('2026-12-01', NOW, TZ)).toBe(0);
    expect(daysFromToday('2026-11-30', NOW, TZ)).toBe(-1);
  });
});

describe('promiseProblem: the amount', () => {
  it('exactly the balance is allowed; one minor unit over is not', () => {
    expect(promise('1000.00', '2026-12-05')).toBeUndefined();
    expect(promise('1000.01', '2026-12-05')).toBe('AMOUNT_OVER_BALANCE');
    expect(promise('0.01', '2026-12-05')).toBeUndefined();
  });

  it('0 minor units is not a promise; a malformed or over-precise amount is invalid', () => {
    expect(promise('0', '2026-12-05')).toBe('AMOUNT_NOT_POSITIVE');
    expect(promise('0.00', '2026-12-05')).toBe('AMOUNT_NOT_POSITIVE');
    expect(promise('1.234', '2026-12-05')).toBe('AMOUNT_INVALID');
    expect(promise('-1', '2026-12-05')).toBe('AMOUNT_INVALID');
    expect(promise('1,000', '2026-12-05')).toBe('AMOUNT_INVALID');
  });

  it('JPY has no minor digits: 5000 of a 5000 balance is allowed, 5001 is over, 4999.5 invalid', () => {
    const yen = caseRecord({ currency: 'JPY', amountDueMinor: 5000, paidMinor: 0 });
    expect(promise('5000', '2026-12-05', yen)).toBeUndefined();
    expect(promise('5001', '2026-12-05', yen)).toBe('AMOUNT_OVER_BALANCE');
    expect(promise('4999.5', '2026-12-05', yen)).toBe('AMOUNT_INVALID');
    // The same minor units in CNY are 50.00: "50.01" is over, "5000" is far over.
    const yuan = caseRecord({ currency: 'CNY', amountDueMinor: 5000, paidMinor: 0 });
    expect(promise('50.00', '2026-12-05', yuan)).toBeUndefined();
    expect(promise('50.01', '2026-12-05', yuan)).toBe('AMOUNT_OVER_BALANCE');
    expect(promise('5000', '2026-12-05', yuan)).toBe('AMOUNT_OVER_BALANCE');
  });

  it('overpaid (balance 0): any promise is over the balance', () => {
    expect(promise('0.01', '2026-12-05', caseRecord({ amountDueMinor: 100, ...paid(150) }))).toBe(
      'AMOUNT_OVER_BALANCE',
    );
  });

  it('amountMinor: minor units, or the problem (a malformed currency code too)', () => {
    expect(amountMinor('12.34', 'USD')).toBe(1234);
    expect(amountMinor('1.234', 'KWD')).toBe(1234);
    expect(amountMinor('0', 'USD')).toBe('AMOUNT_NOT_POSITIVE');
    expect(amountMinor('1e3', 'USD')).toBe('AMOUNT_INVALID');
    expect(amountMinor('1.00', 'US')).toBe('AMOUNT_INVALID');
  });
});

describe('takePromise', () => {
  it('breaks the pending promise, keeps the others, and records the new one as made now', () => {
    const c = caseRecord({
      paidMinor: 3000,
      promises: [promiseToPay('KEPT', '2026-11-20'), promiseToPay('PENDING', '2026-11-28')],
    });
    takePromise(c, { amount: '450.50', date: '2026-12-08' }, NOW);
    expect(c.promises.map((p) => p.status)).toEqual(['KEPT', 'BROKEN', 'PENDING']);
    expect(c.promises[2]).toEqual({
      amountMinor: 45050,
      date: '2026-12-08',
      madeAt: '2026-11-30T23:00:00.000Z',
      paidAtMakeMinor: 3000,
      status: 'PENDING',
    });
  });
});

/** n instalments of 10.00, the first `firstDay` days from NOW (tomorrow: the first day after the agreement), then a day `step` apart. */
const instalments = (n: number, firstDay = 1, step = 1, amount = '10.00') =>
  Array.from({ length: n }, (_, i) => ({
    amount,
    date: new Date(Date.UTC(2026, 11, 1 + firstDay + i * step)).toISOString().slice(0, 10),
  }));
/** The problem of these instalments as a plan of a case that owes exactly their sum (so they add up). */
const owingSum = (list: ReadonlyArray<{ amount: string; date: string }>, currency: string) =>
  caseRecord({
    currency,
    amountDueMinor: list.reduce((sum, i) => {
      const minor = amountMinor(i.amount, currency);
      return sum + (typeof minor === 'number' ? minor : 0);
    }, 0),
  });
const plan = (list: ReadonlyArray<{ amount: string; date: string }>, currency = 'CNY') =>
  planProblem({ instalments: list }, owingSum(list, currency), POLICY, NOW, TZ);

describe('planProblem at its edges', () => {
  it('maxInstalments (12) is allowed, 13 is too many', () => {
    expect(plan(instalments(12))).toBeUndefined();
    expect(plan(instalments(13))).toBe('TOO_MANY_INSTALMENTS');
  });

  it('the first instalment may be tomorrow (local), not the day of the agreement', () => {
    expect(plan([{ amount: '10.00', date: '2026-12-02' }])).toBeUndefined();
    expect(plan([{ amount: '10.00', date: '2026-12-01' }])).toBe('INSTALMENT_NOT_AFTER_AGREEMENT');
  });

  it('instalments in date order are allowed; the same day twice or out of order is not', () => {
    expect(plan(instalments(3, 1, 1))).toBeUndefined();
    const sameDay = [
      { amount: '10.00', date: '2026-12-05' },
      { amount: '10.00', date: '2026-12-05' },
    ];
    expect(plan(sameDay)).toBe('INSTALMENTS_OUT_OF_ORDER');
    const backwards = [
      { amount: '10.00', date: '2026-12-06' },
      { amount: '10.00', date: '2026-12-05' },
    ];
    expect(plan(backwards)).toBe('INSTALMENTS_OUT_OF_ORDER');
  });

  it('the horizon: 403 days ahead is allowed, 404 is too long', () => {
    expect(plan([{ amount: '10.00', date: '2028-01-08' }])).toBeUndefined();
    expect(plan([{ amount: '10.00', date: '2028-01-09' }])).toBe('PLAN_TOO_LONG');
    const oneInstalment = { plan: { ...POLICY.plan, maxInstalments: 1 } };
    // (1 + 1) x 31 = 62 days: 2027-02-01 is day 62, 2027-02-02 day 63.
    const one = (date: string) => {
      const list = [{ amount: '1', date }];
      return planProblem(
        { instalments: list },
        owingSum(list, 'CNY'),
        { ...POLICY, ...oneInstalment },
        NOW,
        TZ,
      );
    };
    expect(one('2027-02-01')).toBeUndefined();
    expect(one('2027-02-02')).toBe('PLAN_TOO_LONG');
  });

  it('each instalment is a calendar date and a positive amount: every date is checked before any amount', () => {
    expect(plan([...instalments(1), { amount: '10.00', date: '2026-02-30' }])).toBe('NOT_A_CALENDAR_DATE');
    expect(plan([{ amount: '0', date: '2026-12-02' }])).toBe('AMOUNT_NOT_POSITIVE');
    expect(plan([{ amount: '1.001', date: '2026-12-02' }])).toBe('AMOUNT_INVALID');
    expect(
      plan([
        { amount: '0', date: '2026-12-02' },
        { amount: '1', date: '2026-02-30' },
      ]),
    ).toBe('NOT_A_CALENDAR_DATE');
  });

  it('JPY instalments are whole yen; CNY ones may have fen', () => {
    expect(plan([{ amount: '1000', date: '2026-12-02' }], 'JPY')).toBeUndefined();
    expect(plan([{ amount: '1000.5', date: '2026-12-02' }], 'JPY')).toBe('AMOUNT_INVALID');
    expect(plan([{ amount: '1000.5', date: '2026-12-02' }], 'CNY')).toBeUndefined();
  });
});

describe('proposePlan and signPlan', () => {
  // The fixture owes 1,200.00; 200.00 paid leaves 1,000.00, which the plan covers.
  const list = {
    instalments: [
      { amount: '600.00', date: '2026-12-15' },
      { amount: '400.00', date: '2027-01-15' },
    ],
  };
  const AGREEMENT = { key: 'evidence/agreements/L-1/1/plan-1', sha256: 'a'.repeat(64) };

  it('proposes the plan: minor units, proposed now, expiring after signingExpiryDays (7)', () => {
    const c = caseRecord(paid(20000));
    expect(proposePlan(c, list, POLICY, NOW, TZ)).toBeUndefined();
    // Not signed yet: acceptedAt '', status PROPOSED, nothing confirmed (the fixture's defaults).
    expect(c.plan).toEqual(
      repaymentPlan({
        instalments: [
          { amountMinor: 60000, date: '2026-12-15' },
          { amountMinor: 40000, date: '2027-01-15' },
        ],
        proposedAt: '2026-11-30T23:00:00.000Z',
        expiresAt: '2026-12-07T23:00:00.000Z',
        paidAtAcceptMinor: 20000,
        balanceAtAgreementMinor: 100000,
        agreedMinor: 100000,
      }),
    );
  });

  it('a refused plan changes nothing and says why', () => {
    const c = caseRecord();
    expect(proposePlan(c, { instalments: [{ amount: '1', date: '2026-11-30' }] }, POLICY, NOW, TZ)).toBe(
      'INSTALMENT_NOT_AFTER_AGREEMENT',
    );
    expect(c.plan).toBeUndefined();
  });

  it('signing activates it, names the agreement, and counts payments from the proposal (the balance agreed on)', () => {
    const c = caseRecord(paid(20000));
    proposePlan(c, list, POLICY, NOW, TZ);
    c.paidMinor = 25000;
    signPlan(c, NOW + 2 * DAY, AGREEMENT);
    expect(c.plan).toMatchObject({
      status: 'ACTIVE',
      acceptedAt: '2026-12-02T23:00:00.000Z',
      paidAtAcceptMinor: 20000,
      proposedAt: '2026-11-30T23:00:00.000Z',
      agreement: AGREEMENT,
    });
  });

  it('signing without a plan does nothing', () => {
    const c = caseRecord();
    signPlan(c, NOW, AGREEMENT);
    expect(c).toEqual(caseRecord());
  });
});
