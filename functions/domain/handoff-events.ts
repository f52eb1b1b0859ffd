import { type CaseRecord, caseKey } from './case.js';
import { isoUtc } from './clock.js';
import { fromMinor } from './money.js';
import { agencyRecall, type ClearedReason, type OutboundInput, type OutboundType } from './outbound.js';

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
 * - the bureau's correction and the blacklist entry's removal, when a negative report or a blacklist
 *   report was made and the case has cleared (clearances); the case records each (so it is asked once).
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
  out.push(...clearances(after, base, cleared(after, owedMinor), now));
  return out;
}

/**
 * Why the adverse information about a case must go, if it must: CURED (paid in full), SETTLED (an
 * agreement fulfilled), paid in full with legal after the handoff, or CLOSED by an upheld dispute
 * (the debt as reported was wrong).
 */
function cleared(c: CaseRecord, owedMinor: number): ClearedReason | undefined {
  if (c.status === 'CURED' || (c.status === 'HANDED_OVER' && owedMinor <= 0)) return 'PAID';
  if (c.status === 'SETTLED') return 'SETTLED';
  if (c.status === 'CLOSED' && c.closedReason === 'DISPUTE_UPHELD') return 'DISPUTE_UPHELD';
  return undefined;
}

/**
 * The bureau's correction and the blacklist's removal of a cleared case, each once: the case records
 * that it was asked (`after` is changed), and the key is fixed by the report it names.
 */
function clearances(
  after: CaseRecord,
  base: Omit<OutboundInput<'CreditBureauCorrectionRequested'>, 'reason' | 'reportKey' | 'idempotencyKey'>,
  reason: ClearedReason | undefined,
  now: number,
): Outbound[] {
  if (!reason) return [];
  const out: Outbound[] = [];
  const report = after.bureauReport;
  if (report && !report.correctedAt) {
    const key = `${report.reportKey}#CORRECTION`;
    out.push({
      type: 'CreditBureauCorrectionRequested',
      detail: { ...base, reason, reportKey: report.reportKey, idempotencyKey: key },
    });
    after.bureauReport = { ...report, correctedAt: isoUtc(now) };
  }
  const entry = after.blacklist;
  if (entry && !entry.removalRequestedAt) {
    const key = `${entry.reportKey}#REMOVAL`;
    out.push({
      type: 'BlacklistRemovalRequested',
      detail: { ...base, registry: entry.registry, reason, reportKey: entry.reportKey, idempotencyKey: key },
    });
    after.blacklist = { ...entry, removalRequestedAt: isoUtc(now) };
  }
  return out;
}

/** Publishes the events in order. (The type checker cannot pair a union's type with its detail: one cast, here.) */
export async function publishAll(bus: Publisher, events: readonly Outbound[]): Promise<void> {
  for (const e of events) await bus.publish(e.type, e.detail as never);
}
