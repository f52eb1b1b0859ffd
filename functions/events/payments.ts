import { balanceMinor, close, pendingPromise } from '../domain/case.js';
import { isoUtc } from '../domain/clock.js';
import { toMinor } from '../domain/money.js';
import { cureThresholdMinor } from '../domain/policy.js';
import { type EventsDeps, type Handlers, onLoan, recall } from './apply.js';

/** A payment: counted once, and it cures the case, or settles it when it completes the plan. */
export function paymentHandlers(deps: EventsDeps): Handlers<'PaymentReceived'> {
  const { policies } = deps;
  return {
    // The payment id is recorded on the case: a payment delivered twice is counted once.
    PaymentReceived: (d) =>
      onLoan(deps, d.loanId, (c, now) => {
        if (c.currency !== d.currency) return 'CURRENCY_MISMATCH';
        if (c.payments.some((p) => p.paymentId === d.paymentId)) return 'DUPLICATE_PAYMENT';
        const amountMinor = toMinor(d.amount, d.currency);
        c.payments.push({ paymentId: d.paymentId, amountMinor, paidAt: d.paidAt, recordedAt: isoUtc(now) });
        c.paidMinor += amountMinor;
        if (c.status !== 'ACTIVE') return undefined;
        const policy = policies.get(c.policyId);
        const plan = c.plan?.status === 'ACTIVE' ? c.plan : undefined;
        const planTotal = plan?.instalments.reduce((s, i) => s + i.amountMinor, 0) ?? 0;
        if (plan && c.paidMinor - plan.paidAtAcceptMinor >= planTotal) {
          // Every instalment of the negotiated plan is paid: settled, even if early.
          plan.status = 'COMPLETED';
          close(c, 'SETTLED', 'PLAN_COMPLETED', now);
        } else if (balanceMinor(c) <= cureThresholdMinor(policy, c.currency)) {
          const promise = pendingPromise(c);
          if (promise) promise.status = 'KEPT';
          close(c, 'CURED', 'PAID', now);
        }
        if (c.status !== 'ACTIVE') recall(c, 'PAID', now);
        return undefined;
      }),
  };
}
