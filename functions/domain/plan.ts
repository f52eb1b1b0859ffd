import type { CaseRecord } from './case.js';
import { toMinor } from './money.js';
import type { LadderPolicy } from './policy.js';

/**
 * The negotiated repayment plan (DOMAIN.md's eight steps): proposed (instalments and dates, from the
 * agent or self-service), signed by the borrower before it expires, then monitored instalment by
 * instalment. One definition, used by the agent-call outcome and by the RepaymentPlanAccepted event.
 */
export function proposePlan(
  c: CaseRecord,
  instalments: ReadonlyArray<{ amount: string; date: string }>,
  policy: LadderPolicy,
  now: number,
): string | undefined {
  if (instalments.length > policy.plan.maxInstalments) return 'TOO_MANY_INSTALMENTS';
  c.plan = {
    instalments: instalments.map((i) => ({ amountMinor: toMinor(i.amount, c.currency), date: i.date })),
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
