import type { BalanceReport, CaseRecord } from './case.js';
import { toMinor } from './money.js';
import type { LadderPolicy } from './policy.js';
import type { RulePack } from './rulepacks.js';
import { dayOfDate, localDay } from './zone.js';

/**
 * What a borrower owes now. The loan system is the source of truth: once it has reported a balance
 * (BalanceChanged), the amount owed is its latest report as of `at`, less the payments made after it.
 * Before any report, it is the amount due at intake, plus what the policy accrues itself (penalty
 * interest and late fees, for lenders without that feed and for simulation), less the payments.
 *
 * The policy's accrual, in integer minor units (docs/money.md has worked examples):
 * - penalty interest is simple interest at the policy's annual rate, actual/365, on the overdue amount
 *   due, one day for each local day past due after the first `graceDays`; none for days an agreement
 *   holds (accrualPauses); rounded down to the minor unit (in the borrower's favour);
 * - a late fee is charged once, the day the loan reaches its days past due (not while an agreement holds);
 * - the rule pack's legal maximum caps both together: charges never exceed the pack's annual rate on
 *   the overdue amount, day by day, for every day past due; a fee beyond it waits until there is room;
 * - a payment pays fees first, then penalty interest, then the amount due.
 */
export interface Owed {
  principalMinor: number;
  interestMinor: number;
  penaltyMinor: number;
  feesMinor: number;
  totalMinor: number;
  /** Where the figures come from: the amount due at intake (with the policy's accrual), or the feed. */
  source: 'INTAKE' | 'FEED';
}

const DAYS_PER_YEAR = 365n;
const BASIS = 10_000n;

type Payment = CaseRecord['payments'][number];
type Accrual = NonNullable<LadderPolicy['balance']>;

/** Whole local days from the due date to `at` in the borrower's zone (0 on the due date itself). */
export function dayOfDelinquency(dueDate: string, at: number, timeZone: string): number {
  return localDay(at, timeZone) - dayOfDate(dueDate);
}

/** Pays `amount` into the buckets in order; returns what each bucket keeps and what is left over. */
function waterfall(amount: number, buckets: number[]): { left: number[]; over: number } {
  let rest = amount;
  const left = buckets.map((owed) => {
    const paid = Math.min(owed, rest);
    rest -= paid;
    return owed - paid;
  });
  return { left, over: rest };
}

/** The feed's latest report as of `at`, less the payments made after it (fees, penalty, interest, principal). */
function fromFeed(report: BalanceReport, payments: readonly Payment[], at: number): Owed {
  let buckets = [report.feesMinor, report.penaltyMinor, report.interestMinor, report.principalMinor];
  const asOf = Date.parse(report.asOf);
  for (const p of payments) {
    const t = Date.parse(p.paidAt);
    if (t > asOf && t <= at) buckets = waterfall(p.amountMinor, buckets).left;
  }
  const [feesMinor = 0, penaltyMinor = 0, interestMinor = 0, principalMinor = 0] = buckets;
  return {
    principalMinor,
    interestMinor,
    penaltyMinor,
    feesMinor,
    totalMinor: principalMinor + interestMinor + penaltyMinor + feesMinor,
    source: 'FEED',
  };
}

/** A late fee in minor units: a fixed amount in the case's currency, or basis points of its base. */
function feeAmount(fee: Accrual['lateFees'][number], c: CaseRecord): number {
  if (fee.amount) {
    const fixed = fee.amount[c.currency];
    return fixed === undefined ? 0 : toMinor(fixed, c.currency);
  }
  const base = fee.of === 'MINIMUM_DUE' ? (c.minimumDueMinor ?? c.amountDueMinor) : c.amountDueMinor;
  return Number((BigInt(base) * BigInt(fee.basisPoints ?? 0)) / BASIS);
}

/** The days of delinquency an agreement held (no accrual), as a test on the day number. */
function pausedDays(c: CaseRecord, timeZone: string): (day: number) => boolean {
  const spans = (c.accrualPauses ?? []).map((p) => ({
    from: dayOfDelinquency(c.dueDate, Date.parse(p.from), timeZone),
    to:
      p.to === undefined ? Number.POSITIVE_INFINITY : dayOfDelinquency(c.dueDate, Date.parse(p.to), timeZone),
  }));
  // The day of the agreement still accrues; the day it was broken does not (accrual resumes the next).
  return (day) => spans.some((s) => day > s.from && day <= s.to);
}

/** The policy's accrual on the amount due at intake, day by day to `at`, with the payments made by then. */
function fromIntake(
  c: CaseRecord,
  policy: Pick<LadderPolicy, 'balance'>,
  rules: RulePack,
  at: number,
  tz: string,
): Owed {
  const accrual = policy.balance;
  const rate = BigInt(accrual.penaltyInterest?.annualRateBasisPoints ?? 0);
  const grace = accrual.penaltyInterest?.graceDays ?? 0;
  const cap = rules.charges.maxAnnualRateBasisPoints;
  const paused = pausedDays(c, tz);
  const payments = c.payments
    .filter((p) => Date.parse(p.paidAt) <= at)
    .map((p) => ({ ...p, day: dayOfDelinquency(c.dueDate, Date.parse(p.paidAt), tz) }))
    .sort((a, b) => a.paidAt.localeCompare(b.paidAt));
  let due = c.amountDueMinor;
  let penaltyOwed = 0;
  let feesOwed = 0;
  // Numerators of the day-by-day sums, over 365 x 10,000: exact, and rounded down once when read.
  let penaltyNumerator = 0n;
  let capNumerator = 0n;
  let penaltyCharged = 0;
  let feesCharged = 0;
  let feesScheduled = 0;
  const pay = (amount: number) => {
    const { left } = waterfall(amount, [feesOwed, penaltyOwed, due]);
    [feesOwed, penaltyOwed, due] = left as [number, number, number];
  };
  const today = dayOfDelinquency(c.dueDate, at, tz);
  for (const p of payments) if (p.day <= 0) pay(p.amountMinor);
  for (let day = 1; day <= today; day++) {
    if (!paused(day)) {
      if (day > grace) penaltyNumerator += BigInt(due) * rate;
      capNumerator += BigInt(due) * BigInt(cap ?? 0);
      for (const fee of accrual.lateFees) if (fee.daysPastDue === day) feesScheduled += feeAmount(fee, c);
    }
    const penaltyNow = Number(penaltyNumerator / (DAYS_PER_YEAR * BASIS));
    const room = cap === null ? Number.POSITIVE_INFINITY : Number(capNumerator / (DAYS_PER_YEAR * BASIS));
    // The penalty rate is at most the cap (checked at load), so only fees ever wait for room.
    const penaltyAllowed = Math.min(penaltyNow, room);
    const feesAllowed = Math.max(feesCharged, Math.min(feesScheduled, room - penaltyAllowed));
    penaltyOwed += penaltyAllowed - penaltyCharged;
    feesOwed += feesAllowed - feesCharged;
    penaltyCharged = penaltyAllowed;
    feesCharged = feesAllowed;
    for (const p of payments) if (p.day === day) pay(p.amountMinor);
  }
  return {
    principalMinor: due,
    interestMinor: 0,
    penaltyMinor: penaltyOwed,
    feesMinor: feesOwed,
    totalMinor: due + penaltyOwed + feesOwed,
    source: 'INTAKE',
  };
}

/** The loan system's latest report as of `at`, if it has sent one. */
export const latestReport = (c: Pick<CaseRecord, 'balances'>, at: number): BalanceReport | undefined =>
  (c.balances ?? []).filter((b) => Date.parse(b.asOf) <= at).at(-1);

/** What the borrower owes at `at` (epoch ms), in the borrower's time zone. */
export function owedAt(
  c: CaseRecord,
  policy: Pick<LadderPolicy, 'balance'> & { rules: RulePack },
  at: number,
  timeZone: string,
): Owed {
  const report = latestReport(c, at);
  return report ? fromFeed(report, c.payments, at) : fromIntake(c, policy, policy.rules, at, timeZone);
}
