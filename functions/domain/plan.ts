import { owedAt } from './balance.js';
import { type CaseRecord, close } from './case.js';
import { isoUtc } from './clock.js';
import type { LoadedPolicy } from './policy.js';
import { type AgreementProblem, amountMinor, daysFromToday } from './promise.js';

/**
 * The negotiated repayment plan (DOMAIN.md's eight steps): proposed (instalments and dates, from the
 * agent or self-service), signed by the borrower before it expires, then monitored instalment by
 * instalment. One definition, used by the agent-call outcome, the work-queue API and the
 * RepaymentPlanAccepted event. A plan adds up: its instalments cover the balance at agreement, or a
 * settlement for less within the policy's discount limit (above its approval limit only with an
 * approver's recorded decision).
 */
export type PlanProblem =
  | AgreementProblem
  | 'TOO_MANY_INSTALMENTS'
  | 'INSTALMENT_NOT_AFTER_AGREEMENT'
  | 'INSTALMENTS_OUT_OF_ORDER'
  | 'PLAN_TOO_LONG'
  | 'PLAN_OVER_BALANCE'
  | 'PLAN_SHORT_OF_BALANCE'
  | 'DISCOUNT_OVER_LIMIT'
  | 'APPROVAL_REQUIRED'
  | 'RENEGOTIATIONS_EXHAUSTED';

/** What the borrower and the lender agree: the instalments, and for a settlement above the approval limit, who approved it. */
export interface PlanProposal {
  instalments: ReadonlyArray<{ amount: string; date: string }>;
  approval?: { approverId: string; at?: string };
}

/** A plan runs at most a month per instalment the policy allows, and one more. */
const DAYS_PER_INSTALMENT = 31;

/** The instalments' dates: each a real date after the day of the agreement, in order, within the horizon. */
function datesProblem(
  instalments: PlanProposal['instalments'],
  policy: Pick<LoadedPolicy, 'plan'>,
  now: number,
  timeZone: string,
): PlanProblem | undefined {
  if (instalments.length > policy.plan.maxInstalments) return 'TOO_MANY_INSTALMENTS';
  const horizon = (policy.plan.maxInstalments + 1) * DAYS_PER_INSTALMENT;
  let previous = Number.NEGATIVE_INFINITY;
  for (const instalment of instalments) {
    const days = daysFromToday(instalment.date, now, timeZone);
    if (days === undefined) return 'NOT_A_CALENDAR_DATE';
    if (days < 1) return 'INSTALMENT_NOT_AFTER_AGREEMENT';
    if (days <= previous) return 'INSTALMENTS_OUT_OF_ORDER';
    if (days > horizon) return 'PLAN_TOO_LONG';
    previous = days;
  }
  return undefined;
}

/**
 * Does a total of `agreed` settle `owed` under the policy? Equal: a plan for the whole balance. Less:
 * a settlement, if the discount is within the limit, and approved when it is above the approval limit.
 * In integers: discount x 10,000 <= limit (basis points) x owed.
 */
export function discountProblem(
  agreed: number,
  owed: number,
  settlement: LoadedPolicy['settlement'],
  approved: boolean,
): PlanProblem | undefined {
  if (agreed > owed) return 'PLAN_OVER_BALANCE';
  const discount = BigInt(owed - agreed);
  if (discount === 0n) return undefined;
  if (settlement.maxDiscountBasisPoints === 0) return 'PLAN_SHORT_OF_BALANCE';
  if (discount * 10_000n > BigInt(settlement.maxDiscountBasisPoints) * BigInt(owed))
    return 'DISCOUNT_OVER_LIMIT';
  const approvalAbove = settlement.approvalAboveBasisPoints ?? settlement.maxDiscountBasisPoints;
  if (!approved && discount * 10_000n > BigInt(approvalAbove) * BigInt(owed)) return 'APPROVAL_REQUIRED';
  return undefined;
}

/** A new plan in place of a signed one still running (kept, or an instalment missed): a renegotiation. */
const replacesAgreement = (c: CaseRecord): boolean =>
  c.plan?.status === 'ACTIVE' || c.plan?.status === 'MISSED';

/** Why these instalments cannot make a plan for this case now, or undefined. */
export function planProblem(
  proposal: PlanProposal,
  c: CaseRecord,
  policy: LoadedPolicy,
  now: number,
  timeZone: string,
): PlanProblem | undefined {
  if (replacesAgreement(c) && (c.plan?.renegotiations ?? 0) >= policy.plan.maxRenegotiations)
    return 'RENEGOTIATIONS_EXHAUSTED';
  const dates = datesProblem(proposal.instalments, policy, now, timeZone);
  if (dates) return dates;
  let agreed = 0;
  for (const instalment of proposal.instalments) {
    const minor = amountMinor(instalment.amount, c.currency);
    if (typeof minor === 'string') return minor;
    agreed += minor;
  }
  const owed = owedAt(c, policy, now, timeZone).totalMinor;
  return discountProblem(agreed, owed, policy.settlement, proposal.approval !== undefined);
}

/** Proposes the plan on the case, or says why it cannot be one (and changes nothing). */
export function proposePlan(
  c: CaseRecord,
  proposal: PlanProposal,
  policy: LoadedPolicy,
  now: number,
  timeZone: string,
): PlanProblem | undefined {
  const problem = planProblem(proposal, c, policy, now, timeZone);
  if (problem) return problem;
  const instalments = proposal.instalments.map((i) => ({
    amountMinor: amountMinor(i.amount, c.currency) as number,
    date: i.date,
  }));
  c.plan = {
    instalments,
    proposedAt: isoUtc(now),
    expiresAt: isoUtc(now + policy.plan.signingExpiryDays * 86_400_000),
    acceptedAt: '',
    paidAtAcceptMinor: c.paidMinor,
    balanceAtAgreementMinor: owedAt(c, policy, now, timeZone).totalMinor,
    agreedMinor: instalments.reduce((sum, i) => sum + i.amountMinor, 0),
    ...(proposal.approval
      ? { approval: { approverId: proposal.approval.approverId, at: proposal.approval.at ?? isoUtc(now) } }
      : {}),
    renegotiations: (c.plan?.renegotiations ?? 0) + (replacesAgreement(c) ? 1 : 0),
    status: 'PROPOSED',
    confirmed: 0,
  };
  return undefined;
}

/**
 * The borrower signed: monitoring starts. Payments count from the agreement's proposal (the balance it
 * was agreed on), and the policy accrues nothing while it holds.
 */
export function signPlan(c: CaseRecord, now: number, agreement: { key: string; sha256: string }): void {
  if (!c.plan) return;
  c.plan = { ...c.plan, status: 'ACTIVE', acceptedAt: isoUtc(now), agreement };
  // Accrual stops from the agreement (its proposal: the balance it was agreed on), until it is broken.
  c.accrualPauses = [...(c.accrualPauses ?? []), { from: c.plan.proposedAt }];
}

/** The agreement ended unkept: accrual resumes the day after. */
export function breakPlan(c: CaseRecord, now: number): void {
  if (!c.plan) return;
  c.plan.status = 'BROKEN';
  for (const pause of c.accrualPauses ?? []) pause.to ??= isoUtc(now);
}

/**
 * Every instalment paid: the agreement is fulfilled, SETTLED for what was paid on the loan in all, and
 * waived what the agreement left out of the balance it was agreed on (0 for a plan of the whole balance).
 */
export function completePlan(c: CaseRecord, now: number): void {
  const plan = c.plan;
  if (!plan) return;
  plan.status = 'COMPLETED';
  c.settlement = {
    settledForMinor: c.paidMinor,
    waivedMinor: plan.balanceAtAgreementMinor - plan.agreedMinor,
    at: isoUtc(now),
  };
  close(c, 'SETTLED', 'PLAN_COMPLETED', now);
}
