import type { CaseRecord } from './case.js';
import type { LadderPolicy } from './policy.js';
import { type AgreementProblem, amountMinor, daysFromToday } from './promise.js';

/**
 * The negotiated repayment plan (DOMAIN.md's eight steps): proposed (instalments and dates, from the
 * agent or self-service), signed by the borrower before it expires, then monitored instalment by
 * instalment. One definition, used by the agent-call outcome and by the RepaymentPlanAccepted event.
 */
export type PlanProblem =
  | AgreementProblem
  | 'TOO_MANY_INSTALMENTS'
  | 'INSTALMENT_BEFORE_AGREEMENT'
  | 'INSTALMENTS_OUT_OF_ORDER'
  | 'PLAN_TOO_LONG';

/** A plan runs at most a month per instalment the policy allows, and one more. */
const DAYS_PER_INSTALMENT = 31;

/**
 * Why these instalments cannot make a plan, or undefined: at most the policy's number, each on a real
 * date from the day of the agreement on, in date order, within the plan's horizon, each for a
 * positive amount.
 */
export function planProblem(
  instalments: ReadonlyArray<{ amount: string; date: string }>,
  currency: string,
  policy: Pick<LadderPolicy, 'plan'>,
  now: number,
  timeZone: string,
): PlanProblem | undefined {
  if (instalments.length > policy.plan.maxInstalments) return 'TOO_MANY_INSTALMENTS';
  const horizon = (policy.plan.maxInstalments + 1) * DAYS_PER_INSTALMENT;
  let previous = Number.NEGATIVE_INFINITY;
  for (const instalment of instalments) {
    const days = daysFromToday(instalment.date, now, timeZone);
    if (days === undefined) return 'NOT_A_CALENDAR_DATE';
    if (days < 0) return 'INSTALMENT_BEFORE_AGREEMENT';
    if (days <= previous) return 'INSTALMENTS_OUT_OF_ORDER';
    if (days > horizon) return 'PLAN_TOO_LONG';
    previous = days;
    const minor = amountMinor(instalment.amount, currency);
    if (typeof minor === 'string') return minor;
  }
  return undefined;
}

/** Proposes the plan on the case, or says why it cannot be one (and changes nothing). */
export function proposePlan(
  c: CaseRecord,
  instalments: ReadonlyArray<{ amount: string; date: string }>,
  policy: LadderPolicy,
  now: number,
  timeZone: string,
): PlanProblem | undefined {
  const problem = planProblem(instalments, c.currency, policy, now, timeZone);
  if (problem) return problem;
  c.plan = {
    instalments: instalments.map((i) => ({
      amountMinor: amountMinor(i.amount, c.currency) as number,
      date: i.date,
    })),
    proposedAt: new Date(now).toISOString(),
    expiresAt: new Date(now + policy.plan.signingExpiryDays * 86_400_000).toISOString(),
    acceptedAt: '',
    paidAtAcceptMinor: c.paidMinor,
    status: 'PROPOSED',
    confirmed: 0,
  };
  return undefined;
}

/** The borrower signed: monitoring starts, counting payments from now. */
export function signPlan(c: CaseRecord, now: number): void {
  if (!c.plan) return;
  c.plan = {
    ...c.plan,
    status: 'ACTIVE',
    acceptedAt: new Date(now).toISOString(),
    paidAtAcceptMinor: c.paidMinor,
  };
}
