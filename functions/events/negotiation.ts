import { hearHardship } from '../domain/hardship.js';
import { proposePlan } from '../domain/plan.js';
import { promiseProblem, takePromise } from '../domain/promise.js';
import { type EventsDeps, type Handlers, onLoan } from './apply.js';

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
        if (c.status !== 'ACTIVE') return 'CASE_CLOSED';
        return proposePlan(c, d.instalments, policies.get(c.policyId), now, profile?.timeZone ?? 'UTC');
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
