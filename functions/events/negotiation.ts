import type { CaseRecord } from '../domain/case.js';
import { isoUtc } from '../domain/clock.js';
import { hearHardship } from '../domain/hardship.js';
import { proposePlan } from '../domain/plan.js';
import { amountMinor, promiseProblem, takePromise } from '../domain/promise.js';
import { type EventsDeps, type Handlers, onLoan } from './apply.js';

/**
 * A plan proposed after the legal handoff is legal's to decide: the case remembers it was forwarded
 * (onLoan then publishes AccountUpdateRequested to legal with its total) and nothing else changes.
 */
function forwardToLegal(
  c: CaseRecord,
  instalments: ReadonlyArray<{ amount: string }>,
  now: number,
): string | undefined {
  let totalMinor = 0;
  for (const i of instalments) {
    const minor = amountMinor(i.amount, c.currency);
    if (typeof minor === 'string') return minor;
    totalMinor += minor;
  }
  c.forwardedToLegal = [...(c.forwardedToLegal ?? []), { at: isoUtc(now), totalMinor }];
  return undefined;
}

/**
 * What the borrower offers in self-service: a promise to pay, a repayment plan, or hardship. Promises
 * and plans are checked in the borrower's time zone by the same rules as an agent's (functions/domain/
 * promise.ts, plan.ts); a refused one changes nothing and says why.
 */
export function negotiationHandlers(
  deps: EventsDeps,
): Handlers<'PromiseToPayMade' | 'RepaymentPlanAccepted' | 'HardshipReported'> {
  const { policies } = deps;
  return {
    PromiseToPayMade: (d) =>
      onLoan(deps, d.loanId, (c, now, profile) => {
        if (c.status !== 'ACTIVE') return 'CASE_CLOSED';
        const problem = promiseProblem(d, c, policies.get(c.policyId), now, profile?.timeZone ?? 'UTC');
        if (problem) return problem;
        takePromise(c, d, now);
        return undefined;
      }),
    RepaymentPlanAccepted: (d) =>
      onLoan(deps, d.loanId, (c, now, profile) => {
        if (c.status === 'HANDED_OVER') return forwardToLegal(c, d.instalments, now);
        if (c.status !== 'ACTIVE') return 'CASE_CLOSED';
        return proposePlan(c, d, policies.get(c.policyId), now, profile?.timeZone ?? 'UTC');
      }),
    HardshipReported: (d) =>
      onLoan(deps, d.loanId, (c, now) => {
        if (c.status !== 'ACTIVE') return 'CASE_CLOSED';
        // Heard: escalation pauses and the plan offer goes out with the next stage (domain/hardship.ts).
        hearHardship(c, policies.get(c.policyId), now, 'EVENT');
        return undefined;
      }),
  };
}
