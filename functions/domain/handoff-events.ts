import { type CaseRecord, caseKey } from './case.js';
import { isoUtc } from './clock.js';
import { fromMinor } from './money.js';
import { agencyRecall, type OutboundInput, type OutboundType } from './outbound.js';

/** Anything that publishes outbound events (functions/adapters/workflow.ts EventPublisher). */
interface Publisher {
  publish<T extends OutboundType>(detailType: T, detail: OutboundInput<T>): Promise<void>;
}

/** An event for the bus, typed by its detail-type's contract (functions/domain/outbound.ts). */
export type Outbound = { [T in OutboundType]: { type: T; detail: OutboundInput<T> } }[OutboundType];

/** Placed with an agency and not recalled: the agency works the account. */
export const placedWithAgency = (c: Pick<CaseRecord, 'agency'>): boolean =>
  c.agency !== undefined && !c.agency.recalledAt;

/**
 * What the world outside must be told after a change to a case (DOMAIN.md, after handoff), from the
 * case before and after it; `owedMinor` is what the borrower owes after it. In order:
 * - a payment received, or a plan proposed after the legal handoff, while the account is with an
 *   agency or with legal: AccountUpdateRequested to whoever holds it, with the amount and the balance;
 * - the agency's recall, when the change recalled it (paid, plan signed, dispute upheld);
 * - the bureau's correction, when a negative report was sent and the case is now CURED or SETTLED,
 *   or paid in full after the handoff; the case then records the correction (so it is asked once).
 * Each event's idempotency key is fixed by what it is about, so a retried step publishes the same
 * request again and the receiver drops the repeat.
 */
export function handoffEvents(
  before: CaseRecord,
  after: CaseRecord,
  owedMinor: number,
  now: number,
): Outbound[] {
  const out: Outbound[] = [];
  const key = caseKey(after.loanId, after.cycle);
  const money = (minor: number) => fromMinor(minor, after.currency);
  const base = {
    loanId: after.loanId,
    cycle: after.cycle,
    borrowerId: after.borrowerId,
    balance: money(owedMinor),
    currency: after.currency,
  };
  const recipient =
    before.status === 'HANDED_OVER' ? 'LEGAL' : placedWithAgency(before) ? 'AGENCY' : undefined;
  if (recipient) {
    const known = new Set(before.payments.map((p) => p.paymentId));
    for (const p of after.payments.filter((x) => !known.has(x.paymentId)))
      out.push({
        type: 'AccountUpdateRequested',
        detail: {
          ...base,
          recipient,
          change: 'PAYMENT',
          amount: money(p.amountMinor),
          idempotencyKey: `${key}#PAYMENT#${p.paymentId}`,
        },
      });
    for (const f of (after.forwardedToLegal ?? []).slice(before.forwardedToLegal?.length ?? 0))
      out.push({
        type: 'AccountUpdateRequested',
        detail: {
          ...base,
          recipient: 'LEGAL',
          change: 'PLAN_PROPOSED',
          amount: money(f.totalMinor),
          idempotencyKey: `${key}#PLAN#${f.at}`,
        },
      });
  }
  if (after.agency?.recalledAt && !before.agency?.recalledAt && after.agency.recallReason)
    out.push({ type: 'AgencyRecallRequested', detail: agencyRecall(after, after.agency.recallReason) });
  const report = after.bureauReport;
  const cleared =
    after.status === 'CURED' ||
    after.status === 'SETTLED' ||
    (after.status === 'HANDED_OVER' && owedMinor <= 0);
  if (report && !report.correctedAt && cleared) {
    out.push({
      type: 'CreditBureauCorrectionRequested',
      detail: {
        ...base,
        reason: after.status === 'SETTLED' ? 'SETTLED' : 'PAID',
        reportKey: report.reportKey,
        idempotencyKey: `${report.reportKey}#CORRECTION`,
      },
    });
    after.bureauReport = { ...report, correctedAt: isoUtc(now) };
  }
  return out;
}

/** Publishes the events in order. (The type checker cannot pair a union's type with its detail: one cast, here.) */
export async function publishAll(bus: Publisher, events: readonly Outbound[]): Promise<void> {
  for (const e of events) await bus.publish(e.type, e.detail as never);
}
