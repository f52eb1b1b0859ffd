import { owedAt } from './balance.js';
import { type CaseRecord, close, pendingPromise } from './case.js';
import { cureThresholdMinor, type LoadedPolicy } from './policy.js';

/**
 * After money moved (a payment, a balance report): does the case leave the ladder? One definition
 * for every way money arrives. Each final status means one thing:
 * - SETTLED: an agreement (a signed plan, a settlement) was fulfilled (functions/domain/agreement.ts);
 * - CURED: paid in full with no agreement (the balance at or under the cure threshold), or, under a
 *   policy that cures on it, a card's minimum payment made.
 * Returns the reason when the case closed.
 */
export function settleOrCure(
  c: CaseRecord,
  policy: LoadedPolicy,
  now: number,
  timeZone: string,
): string | undefined {
  if (c.status !== 'ACTIVE') return undefined;
  // A payment dated a little ahead of this clock (within the accepted skew) counts already.
  const at = Math.max(now, ...c.payments.map((p) => Date.parse(p.paidAt)));
  const owed = owedAt(c, policy, at, timeZone);
  const cured = (reason: string) => {
    const promise = pendingPromise(c);
    if (promise) promise.status = 'KEPT';
    close(c, 'CURED', reason, now);
    return reason;
  };
  const plan = c.plan?.status === 'ACTIVE' ? c.plan : undefined;
  const planTotal = plan?.instalments.reduce((s, i) => s + i.amountMinor, 0) ?? 0;
  if (plan && c.paidMinor - plan.paidAtAcceptMinor >= planTotal) {
    // Every instalment of the negotiated plan is paid: settled, even if early.
    plan.status = 'COMPLETED';
    close(c, 'SETTLED', 'PLAN_COMPLETED', now);
    return 'PLAN_COMPLETED';
  }
  if (owed.totalMinor <= cureThresholdMinor(policy, c.currency)) return cured('PAID');
  const minimum = c.minimumDueMinor;
  if (policy.balance.cureOn === 'MINIMUM_DUE' && minimum !== undefined && c.paidMinor >= minimum)
    return cured('MINIMUM_PAID');
  return undefined;
}
