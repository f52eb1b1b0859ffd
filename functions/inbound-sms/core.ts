import * as z from 'zod';
import type { ContactStore } from '../adapters/contact-store.js';
import { type Clock, isoUtc } from '../domain/clock.js';
import { smsOptIn, smsOptOut } from '../domain/consent.js';
import { LadderError, ValidationError } from '../domain/errors.js';
import type { EventsDeps } from '../events/apply.js';
import type { EventResult } from '../events/core.js';

/**
 * Two-way SMS: a borrower's reply. A STOP-style keyword (functions/domain/consent.ts) from a number
 * opts every borrower with that number out of SMS, through the events core, exactly as an upstream
 * BorrowerOptedOut event would; START or UNSTOP opts them back in (BorrowerOptedIn). Anything else is
 * not acted on here (no content is stored or logged).
 */
export interface InboundSmsDeps {
  contacts: Pick<ContactStore, 'borrowersByPhone'>;
  /** The events core (createEventsCore): the one place a profile's consent changes. */
  events: (detailType: string, detail: unknown) => Promise<EventResult>;
  clock: Clock;
}

/**
 * What the events core gets here (on AWS and locally alike): the case store and no task store or
 * callbacks. An opt-out changes the profile only; it never ends a wait or withdraws a task, so this
 * function has no Step Functions or Tasks permission. Should that change, this fails loudly instead
 * of silently not waking an execution.
 */
export const inboundSmsEventsDeps = (deps: Pick<EventsDeps, 'cases' | 'clock' | 'policies'>): EventsDeps => ({
  ...deps,
  callbacks: {
    succeed: () => Promise.reject(new LadderError('the inbound SMS function cannot call back tasks')),
  },
});

export const InboundSmsSchema = z.object({
  from: z.string().regex(/^\+[1-9]\d{6,14}$/, 'must be an E.164 phone number'),
  body: z.string().max(1600),
});
export type InboundSms = z.infer<typeof InboundSmsSchema>;

export interface InboundResult {
  optOut: boolean;
  optIn: boolean;
  /** The keyword matched, normalised ("stop", "退订", "start"). */
  keyword?: string;
  /** Borrowers opted out, or back in (0 when the number is unknown). */
  borrowers: number;
}

export function createInboundSmsCore(deps: InboundSmsDeps) {
  return async function inboundSmsCore(input: unknown): Promise<InboundResult> {
    const parsed = InboundSmsSchema.safeParse(input);
    // Names the field, never the value: the value is a phone number or a borrower's words.
    if (!parsed.success) throw new ValidationError(`inbound SMS: ${parsed.error.issues[0]?.path.join('.')}`);
    const out = smsOptOut(parsed.data.body);
    const back = smsOptIn(parsed.data.body);
    const keyword = out.optOut ? out.keyword : back.optIn ? back.keyword : undefined;
    if (!keyword) return { optOut: false, optIn: false, borrowers: 0 };
    const borrowers = await deps.contacts.borrowersByPhone(parsed.data.from);
    const at = isoUtc(deps.clock.now());
    const detailType = out.optOut ? 'BorrowerOptedOut' : 'BorrowerOptedIn';
    for (const borrowerId of borrowers) {
      await deps.events(detailType, { borrowerId, channel: 'SMS', at });
    }
    return { optOut: out.optOut, optIn: !out.optOut, keyword, borrowers: borrowers.length };
  };
}
