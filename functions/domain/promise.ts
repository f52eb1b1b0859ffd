import { DateTime } from 'luxon';
import { owedAt } from './balance.js';
import type { CaseRecord } from './case.js';
import { isoUtc } from './clock.js';
import { ValidationError } from './errors.js';
import { toMinor } from './money.js';
import type { LoadedPolicy } from './policy.js';
import { zone } from './zone.js';

/**
 * What a promise to pay or a plan instalment must be before the ladder acts on it. One definition for
 * every way one arrives (an agent's outcome, a PromiseToPayMade or RepaymentPlanAccepted event, the
 * borrower's page), so a date the calendar does not have or an amount of nothing is refused where it
 * is entered, with a reason, instead of failing the execution later or parking the ladder for years.
 */
export type AgreementProblem =
  | 'NOT_A_CALENDAR_DATE'
  | 'DATE_PASSED'
  | 'PROMISE_TOO_FAR'
  | 'AMOUNT_INVALID'
  | 'AMOUNT_NOT_POSITIVE'
  | 'AMOUNT_OVER_BALANCE';

/** The borrower's local date, as a luxon DateTime at the start of that day; undefined if not a date. */
export function localDate(date: string, timeZone: string): DateTime | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) return undefined;
  const d = DateTime.fromISO(date, { zone: zone(timeZone) });
  return d.isValid ? d.startOf('day') : undefined;
}

/** Whole local days from today (in the borrower's zone) to `date`; undefined if not a calendar date. */
export function daysFromToday(date: string, now: number, timeZone: string): number | undefined {
  const day = localDate(date, timeZone);
  if (!day) return undefined;
  const today = DateTime.fromMillis(now, { zone: zone(timeZone) }).startOf('day');
  return Math.round(day.diff(today, 'days').days);
}

/** An amount in minor units, or the problem with it (malformed, too precise, zero). */
export function amountMinor(amount: string, currency: string): number | AgreementProblem {
  let minor: number;
  try {
    minor = toMinor(amount, currency);
  } catch (error) {
    if (error instanceof ValidationError) return 'AMOUNT_INVALID';
    throw error;
  }
  return minor > 0 ? minor : 'AMOUNT_NOT_POSITIVE';
}

/**
 * Why this promise cannot be taken, or undefined: its date is a real date, today or later and at most
 * the policy's `promiseToPay.maxDaysAhead` days away, and its amount is positive and at most what is owed.
 */
export function promiseProblem(
  promise: { amount: string; date: string },
  c: CaseRecord,
  policy: Pick<LoadedPolicy, 'promiseToPay' | 'balance' | 'rules'>,
  now: number,
  timeZone: string,
): AgreementProblem | undefined {
  const days = daysFromToday(promise.date, now, timeZone);
  if (days === undefined) return 'NOT_A_CALENDAR_DATE';
  if (days < 0) return 'DATE_PASSED';
  if (days > policy.promiseToPay.maxDaysAhead) return 'PROMISE_TOO_FAR';
  const minor = amountMinor(promise.amount, c.currency);
  if (typeof minor === 'string') return minor;
  return minor > owedAt(c, policy, now, timeZone).totalMinor ? 'AMOUNT_OVER_BALANCE' : undefined;
}

/** A new promise replaces any pending one (which is then broken): one promise decides the pause. */
export function takePromise(c: CaseRecord, promise: { amount: string; date: string }, now: number): void {
  for (const p of c.promises) if (p.status === 'PENDING') p.status = 'BROKEN';
  c.promises.push({
    amountMinor: toMinor(promise.amount, c.currency),
    date: promise.date,
    madeAt: isoUtc(now),
    paidAtMakeMinor: c.paidMinor,
    status: 'PENDING',
  });
}
