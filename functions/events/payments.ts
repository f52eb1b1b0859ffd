import type { BalanceReport } from '../domain/case.js';
import { isoUtc } from '../domain/clock.js';
import { settleOrCure } from '../domain/cure.js';
import { toMinor } from '../domain/money.js';
import { type EventsDeps, type Handlers, onLoan, recall } from './apply.js';

/**
 * Money: a payment (counted once), and the loan system's balance report (the source of truth for
 * what is owed). Either may cure the case, or settle it when it fulfils an agreement
 * (functions/domain/cure.ts); a payment that does neither is acknowledged in the next message the
 * ladder sends, which shows what is still owed.
 */
export function paymentHandlers(deps: EventsDeps): Handlers<'PaymentReceived' | 'BalanceChanged'> {
  const { policies } = deps;
  return {
    // The payment id is recorded on the case: a payment delivered twice is counted once.
    PaymentReceived: (d) =>
      onLoan(deps, d.loanId, (c, now, profile) => {
        if (c.currency !== d.currency) return 'CURRENCY_MISMATCH';
        if (c.payments.some((p) => p.paymentId === d.paymentId)) return 'DUPLICATE_PAYMENT';
        const amountMinor = toMinor(d.amount, d.currency);
        c.payments.push({ paymentId: d.paymentId, amountMinor, paidAt: d.paidAt, recordedAt: isoUtc(now) });
        c.paidMinor += amountMinor;
        if (settleOrCure(c, policies.get(c.policyId), now, profile?.timeZone ?? 'UTC'))
          recall(c, 'PAID', now);
        return undefined;
      }),
    // Reports may arrive out of order: the newest `asOf` wins, an older or repeated one changes nothing.
    BalanceChanged: (d) =>
      onLoan(deps, d.loanId, (c, now, profile) => {
        if (c.currency !== d.currency) return 'CURRENCY_MISMATCH';
        const latest = c.balances?.at(-1);
        if (latest && Date.parse(latest.asOf) >= Date.parse(d.asOf)) return 'NOT_NEWER_THAN_LATEST_BALANCE';
        const report: BalanceReport = {
          asOf: d.asOf,
          principalMinor: toMinor(d.principal, d.currency),
          interestMinor: toMinor(d.interest, d.currency),
          penaltyMinor: toMinor(d.penaltyInterest, d.currency),
          feesMinor: toMinor(d.fees, d.currency),
          recordedAt: isoUtc(now),
        };
        c.balances = [...(c.balances ?? []), report];
        if (settleOrCure(c, policies.get(c.policyId), now, profile?.timeZone ?? 'UTC'))
          recall(c, 'PAID', now);
        return undefined;
      }),
  };
}
