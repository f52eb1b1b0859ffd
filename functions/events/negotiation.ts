import { isoUtc } from '../domain/clock.js';
import { toMinor } from '../domain/money.js';
import { proposePlan } from '../domain/plan.js';
import { type EventsDeps, type Handlers, onLoan } from './apply.js';

/** What the borrower offers in self-service: a promise to pay, a repayment plan, or hardship. */
export function negotiationHandlers(
  deps: EventsDeps,
): Handlers<'PromiseToPayMade' | 'RepaymentPlanAccepted' | 'HardshipReported'> {
  const { policies } = deps;
  return {
    PromiseToPayMade: (d) =>
      onLoan(deps, d.loanId, (c, now) => {
        if (c.status !== 'ACTIVE') return 'CASE_CLOSED';
        const policy = policies.get(c.policyId);
        const days = (Date.parse(`${d.date}T00:00:00Z`) - now) / 86_400_000;
        if (days > policy.promiseToPay.maxDaysAhead) return 'PROMISE_TOO_FAR';
        for (const p of c.promises) if (p.status === 'PENDING') p.status = 'BROKEN';
        c.promises.push({
          amountMinor: toMinor(d.amount, c.currency),
          date: d.date,
          madeAt: isoUtc(now),
          paidAtMakeMinor: c.paidMinor,
          status: 'PENDING',
        });
        return undefined;
      }),
    RepaymentPlanAccepted: (d) =>
      onLoan(deps, d.loanId, (c, now) => {
        if (c.status !== 'ACTIVE') return 'CASE_CLOSED';
        return proposePlan(c, d.instalments, policies.get(c.policyId), now);
      }),
    HardshipReported: (d) =>
      onLoan(deps, d.loanId, (c, now) => {
        c.hardshipAt = isoUtc(now);
        return undefined;
      }),
  };
}
