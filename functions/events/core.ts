import { ValidationError } from '../domain/errors.js';
import { BORROWER_EVENT_TYPES, describeZodError, EVENT_SCHEMAS } from '../domain/events.js';
import type { BorrowerEventType, EventResult, EventsDeps, Handlers } from './apply.js';
import { consentHandlers } from './consent.js';
import { disputeHandlers } from './disputes.js';
import { negotiationHandlers } from './negotiation.js';
import { paymentHandlers } from './payments.js';
import { preferenceHandlers } from './preferences.js';
import { statusHandlers } from './status.js';

export type { BorrowerEventType, EventResult, EventsDeps } from './apply.js';

/**
 * How far ahead of this system's clock an event may be dated: clocks drift, by seconds, not years.
 * A consent change dated in the future would otherwise outrank every later STOP (the newer wins).
 */
export const MAX_CLOCK_SKEW_MS = 5 * 60_000;

/** The instant an event says it happened (`at`, a payment's `paidAt`, a balance's `asOf`). */
function datedField(detail: object): { field: string; value: string } | undefined {
  const d = detail as { at?: string; paidAt?: string; asOf?: string };
  if (d.at) return { field: 'at', value: d.at };
  if (d.asOf) return { field: 'asOf', value: d.asOf };
  return d.paidAt ? { field: 'paidAt', value: d.paidAt } : undefined;
}

/**
 * Payments and what borrowers say (opt-outs, disputes, promises, plans, hardship, status changes,
 * verified contact points, erasure). Each event updates the case or profile at once; the ladder acts
 * on it at its next boundary, because the stage executor re-reads the case before any contact. Events
 * that end a wait (cure, dispute resolved, closure) also call back the hold or human task the
 * execution is waiting on.
 */
export function createEventsCore(deps: EventsDeps) {
  const handlers: Handlers = {
    ...paymentHandlers(deps),
    ...disputeHandlers(deps),
    ...negotiationHandlers(deps),
    ...consentHandlers(deps),
    ...statusHandlers(deps),
    ...preferenceHandlers(deps),
  };

  return async function eventsCore(detailType: string, detail: unknown): Promise<EventResult> {
    if (!(BORROWER_EVENT_TYPES as string[]).includes(detailType)) {
      // Echoed only when it looks like a detail-type: an error stays one line that repeats no input.
      const shown = /^[A-Za-z]{1,40}$/.test(String(detailType)) ? ` "${detailType}"` : '';
      throw new ValidationError(`unknown event type${shown}`);
    }
    const type = detailType as BorrowerEventType;
    const parsed = EVENT_SCHEMAS[type].safeParse(detail);
    if (!parsed.success) throw new ValidationError(`${type}: ${describeZodError(parsed.error)}`);
    const dated = datedField(parsed.data);
    if (dated && Date.parse(dated.value) - deps.clock.now() > MAX_CLOCK_SKEW_MS) {
      throw new ValidationError(
        `${type}: ${dated.field}: dated more than ${MAX_CLOCK_SKEW_MS / 60_000} minutes ahead of this system's clock`,
      );
    }
    // Only the result: the borrower's view (with the tokens executions wait on) never leaves.
    const { applied, note } = await (handlers[type] as (d: unknown) => Promise<EventResult>)(parsed.data);
    return { applied, ...(note ? { note } : {}) };
  };
}
