import * as z from 'zod';
import type { ContactStore } from '../adapters/contact-store.js';
import { type Clock, isoUtc } from '../domain/clock.js';
import { emailOptOut, smsOptIn, smsOptOut } from '../domain/consent.js';
import { LadderError, ValidationError } from '../domain/errors.js';
import type { Intent } from '../domain/intents.js';
import { classifyReply } from '../domain/intents.js';
import { once } from '../domain/once.js';
import type { EventsDeps } from '../events/apply.js';
import type { EventResult } from '../events/core.js';
import { type ReplyDeps, takeReply } from './replies.js';

/**
 * What a borrower sends back, by SMS (the two-way topic) or e-mail (SES receipt). A STOP-style keyword
 * (functions/domain/consent.ts) from a number opts every borrower with that number out of SMS, through
 * the events core, exactly as an upstream BorrowerOptedOut event would; START or UNSTOP opts them back
 * in (BorrowerOptedIn); UNSUBSCRIBE by e-mail opts out of e-mail. HELP alone is answered by the
 * number's keyword response and needs nobody. Anything else is a conversation item for an agent
 * (replies.ts), when the function has `replies`; no content is logged.
 */
export interface InboundSmsDeps {
  contacts: Pick<ContactStore, 'borrowersByPhone'> & Partial<Pick<ContactStore, 'borrowersByEmail'>>;
  /** The events core (createEventsCore): the one place a profile's consent changes. */
  events: (detailType: string, detail: unknown) => Promise<EventResult>;
  clock: Clock;
  /** Free-text replies become conversation items; without it they are dropped as before. */
  replies?: ReplyDeps;
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

export const InboundSmsSchema = once(() =>
  z.object({
    from: z.string().regex(/^\+[1-9]\d{6,14}$/, 'must be an E.164 phone number'),
    body: z.string().max(1600),
    messageId: z.string().min(1).max(200).optional(),
  }),
);
export type InboundSms = z.infer<ReturnType<typeof InboundSmsSchema>>;

export const InboundEmailSchema = once(() =>
  z.object({
    from: z.email().max(254),
    subject: z.string().max(998).default(''),
    body: z.string().max(100_000),
    messageId: z.string().min(1).max(200).optional(),
  }),
);
export type InboundEmail = z.infer<ReturnType<typeof InboundEmailSchema>>;

export interface InboundResult {
  optOut: boolean;
  optIn: boolean;
  /** The keyword matched, normalised ("stop", "退订", "start"). */
  keyword?: string;
  /** Borrowers opted out, or back in (0 when the number is unknown). */
  borrowers: number;
  /** What the reply asks for, by the intent table (never the words themselves). */
  intent?: Intent;
  /** Conversation items opened for agents. */
  items: number;
}

const fieldOf = (error: z.ZodError) => error.issues[0]?.path.join('.') || 'body';

export function createInboundSmsCore(deps: InboundSmsDeps) {
  /** The free text of each borrower who has this number or address, as a conversation item. */
  async function converse(borrowers: string[], reply: Parameters<typeof takeReply>[2]) {
    let items = 0;
    let intent: Intent | undefined;
    if (!deps.replies) return { items };
    for (const borrowerId of borrowers) {
      const taken = await takeReply(deps.replies, borrowerId, reply);
      items += taken.items;
      intent ??= taken.intent;
    }
    return { items, ...(intent ? { intent } : {}) };
  }

  /** Opts each borrower out of (or back into) a channel through the events core. */
  async function consent(borrowers: string[], type: 'BorrowerOptedOut' | 'BorrowerOptedIn', channel: string) {
    const at = isoUtc(deps.clock.now());
    for (const borrowerId of borrowers) await deps.events(type, { borrowerId, channel, at });
  }

  /** An SMS reply: a keyword acted on, HELP answered by the number, anything else to an agent. */
  async function inboundSms(input: unknown): Promise<InboundResult> {
    const parsed = InboundSmsSchema().safeParse(input);
    // Names the field, never the value: the value is a phone number or a borrower's words.
    if (!parsed.success) throw new ValidationError(`inbound SMS: ${fieldOf(parsed.error)}`);
    const { from, body } = parsed.data;
    const out = smsOptOut(body);
    const back = smsOptIn(body);
    const keyword = out.optOut ? out.keyword : back.optIn ? back.keyword : undefined;
    const none = { optOut: false, optIn: false, borrowers: 0, items: 0 };
    if (!keyword && classifyReply(body, 'SMS', 'en') === 'HELP') return { ...none, intent: 'HELP' };
    if (!keyword && !deps.replies) return none;
    const borrowers = await deps.contacts.borrowersByPhone(from);
    if (keyword) {
      await consent(borrowers, out.optOut ? 'BorrowerOptedOut' : 'BorrowerOptedIn', 'SMS');
      return { ...none, optOut: out.optOut, optIn: !out.optOut, keyword, borrowers: borrowers.length };
    }
    const messageId = parsed.data.messageId ?? `${from}@${deps.clock.now()}`;
    const taken = await converse(borrowers, { channel: 'SMS', text: body, messageId });
    return { ...none, borrowers: borrowers.length, ...taken };
  }

  /** An e-mail reply: UNSUBSCRIBE acted on, anything else to an agent. */
  async function inboundEmail(input: unknown): Promise<InboundResult> {
    const parsed = InboundEmailSchema().safeParse(input);
    if (!parsed.success) throw new ValidationError(`inbound e-mail: ${fieldOf(parsed.error)}`);
    const { from, subject, body } = parsed.data;
    const byEmail = deps.contacts.borrowersByEmail;
    if (!byEmail) throw new LadderError('this function cannot look up borrowers by e-mail');
    const borrowers = await byEmail.call(deps.contacts, from);
    const none = { optOut: false, optIn: false, borrowers: borrowers.length, items: 0 };
    const out = emailOptOut(subject, body);
    if (out.optOut) {
      await consent(borrowers, 'BorrowerOptedOut', 'EMAIL');
      return { ...none, optOut: true, keyword: out.keyword };
    }
    const messageId = parsed.data.messageId ?? `${from}@${deps.clock.now()}`;
    return { ...none, ...(await converse(borrowers, { channel: 'EMAIL', text: body, subject, messageId })) };
  }

  return Object.assign(inboundSms, { sms: inboundSms, email: inboundEmail });
}
