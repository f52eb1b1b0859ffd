import { owedAt } from './balance.js';
import { type CaseRecord, close, pendingPromise } from './case.js';
import { isoUtc } from './clock.js';
import { completePlan } from './plan.js';
import { cureThresholdMinor, type LoadedPolicy } from './policy.js';
import { localDate } from './promise.js';

/**
 * After money moved (a payment, a balance report): does the case leave the ladder? One definition
 * for every way money arrives. Each final status means one thing:
 * - SETTLED: an agreement was fulfilled: every instalment of a signed plan paid (its total may be the
 *   whole balance, `waived` 0, or a settlement for less), or a settlement offer paid in time;
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
  const lastPaid = Math.max(0, ...c.payments.map((p) => Date.parse(p.paidAt)));
  const at = Math.max(now, lastPaid);
  const settled = (settledForMinor: number, waivedMinor: number, reason: string) => {
    c.settlement = { settledForMinor, waivedMinor, at: isoUtc(now) };
    close(c, 'SETTLED', reason, now);
    return reason;
  };
  const cured = (reason: string) => {
    const promise = pendingPromise(c);
    if (promise) promise.status = 'KEPT';
    close(c, 'CURED', reason, now);
    return reason;
  };
  const plan = c.plan?.status === 'ACTIVE' || c.plan?.status === 'MISSED' ? c.plan : undefined;
  if (plan && c.paidMinor - plan.paidAtAcceptMinor >= plan.agreedMinor) {
    // Every instalment of the signed plan is paid (even early): the agreement is fulfilled.
    completePlan(c, now);
    return 'PLAN_COMPLETED';
  }
  if (owedAt(c, policy, at, timeZone).totalMinor <= cureThresholdMinor(policy, c.currency))
    return cured('PAID');
  const offer = c.offer;
  if (offer && c.paidMinor - offer.paidAtOfferMinor >= offer.amountMinor) {
    // Paid in time: the last payment on or before the offer's last local date.
    const last = localDate(offer.validUntil, timeZone)?.plus({ days: 1 }).toMillis() ?? 0;
    if (lastPaid < last)
      return settled(offer.amountMinor, offer.balanceMinor - offer.amountMinor, 'SETTLEMENT_PAID');
  }
  const minimum = c.minimumDueMinor;
  if (policy.balance.cureOn === 'MINIMUM_DUE' && minimum !== undefined && c.paidMinor >= minimum)
    return cured('MINIMUM_PAID');
  return undefined;
}
