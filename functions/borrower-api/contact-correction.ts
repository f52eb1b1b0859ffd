import * as z from 'zod';
import type { CaseStore } from '../adapters/case-store.js';
import type { ContactStore } from '../adapters/contact-store.js';
import type { Messaging } from '../adapters/messaging.js';
import type { BorrowerProfile } from '../domain/case.js';
import { type Clock, isoUtc } from '../domain/clock.js';
import { ConcurrentUpdateError, TransientError } from '../domain/errors.js';
import { lineMessage } from '../domain/lines.js';
import type { LinkClaims } from '../domain/links.js';
import { once } from '../domain/once.js';
import {
  CODE_TTL_MS,
  checkCode,
  hashCode,
  MAX_ATTEMPTS,
  newCode,
  newSalt,
  type PendingChange,
  sendAllowed,
} from '../domain/otp.js';
import type { Locale } from '../domain/policy.js';
import { parseBody } from '../domain/request-body.js';
import type { MacKey } from '../domain/seal.js';
import { type ProfileLedgerDeps, recordProfileChange } from '../events/profile-ledger.js';

/**
 * The borrower corrects their phone number or e-mail address from the page. A one-time code goes to
 * the NEW point (nothing else does until it is verified); the new point and a salted hash of the code
 * wait in the contacts table, under the contact key, beside the old details; once the right code is
 * typed the new point replaces the old one, is marked verified, and the ledger records the change
 * (the channel only). The point itself is never in an answer, an error, a log or the ledger.
 */
export interface ContactCorrectionDeps {
  contacts: Pick<ContactStore, 'get' | 'startChange' | 'countAttempt' | 'applyChange'>;
  messaging: Pick<Messaging, 'sms' | 'email'>;
  cases: Pick<CaseStore, 'borrowerView' | 'saveProfile'>;
  clock: Clock;
  profileLedger: ProfileLedgerDeps;
  /** The phone line's pseudonym (intake's line key): a new number is a new line for the call caps. */
  lines?: Pick<MacKey, 'mac'>;
}

const ChangeBody = once(() =>
  z.discriminatedUnion('channel', [
    z.object({
      channel: z.literal('SMS'),
      value: z
        .string()
        .regex(/^\+[1-9]\d{6,14}$/, 'must be an E.164 phone number: + then country code and digits'),
    }),
    z.object({ channel: z.literal('EMAIL'), value: z.email('must be an e-mail address').max(254) }),
  ]),
);
const VerifyBody = once(() => z.object({ code: z.string().regex(/^\d{6}$/, 'must be the 6 digits sent') }));

const CODE_TEXT: Record<Locale, (code: string) => { subject: string; body: string }> = {
  en: (code) => ({
    subject: 'Your verification code',
    body: `Your verification code is ${code}. It expires in 10 minutes. If you did not ask for it, ignore this message.`,
  }),
  'zh-CN': (code) => ({
    subject: '您的验证码',
    body: `您的验证码为 ${code}，10 分钟内有效。如非本人操作，请忽略本消息。`,
  }),
};

type Answer = { status: number; body: unknown };

export function contactCorrection(deps: ContactCorrectionDeps) {
  /** POST /contact/change {"channel": "SMS" | "EMAIL", "value": "..."}: sends a code to the new point. */
  async function change(claims: LinkClaims, body: string | null): Promise<Answer> {
    const { channel, value } = parseBody(ChangeBody(), body);
    const now = deps.clock.now();
    const stored = await deps.contacts.get(claims.borrowerId);
    const view = await deps.cases.borrowerView(claims.borrowerId);
    if (!stored || !view.profile) return { status: 409, body: { error: 'NO_CONTACT_DETAILS' } };
    if ((channel === 'SMS' ? stored.phone : stored.email) === value)
      return { status: 409, body: { error: 'SAME_CONTACT_POINT' } };
    const limit = sendAllowed(stored.codeSends ?? [], now);
    if (!limit.allowed) return { status: 429, body: { error: 'TOO_MANY_CODES' } };
    const code = newCode();
    const salt = newSalt();
    const pending: PendingChange = {
      channel,
      point: value,
      salt,
      codeHash: hashCode(salt, claims.borrowerId, channel, value, code),
      expiresAt: isoUtc(now + CODE_TTL_MS),
      attempts: 0,
    };
    // Stored before it is sent: a code that went out can always be checked.
    await deps.contacts.startChange(claims.borrowerId, pending, [...limit.recent, isoUtc(now)]);
    const text = CODE_TEXT[view.profile.item.locale](code);
    const ref = `verify:${claims.borrowerId}`;
    const sent =
      channel === 'SMS'
        ? await deps.messaging.sms(value, text.body, ref)
        : await deps.messaging.email(value, text.subject, text.body, ref);
    if (!sent.ok) {
      if (sent.retryable) throw new TransientError(`sending the code: ${sent.error}`);
      return { status: 409, body: { error: 'CODE_NOT_DELIVERABLE' } };
    }
    await recordProfileChange(deps.profileLedger, view, isoUtc(now), 'CONTACT_CODE_SENT', { channel });
    return { status: 202, body: { sent: true, channel, expiresAt: pending.expiresAt } };
  }

  /** POST /contact/verify {"code": "123456"}: the right code applies the pending change. */
  async function verify(claims: LinkClaims, body: string | null): Promise<Answer> {
    const { code } = parseBody(VerifyBody(), body);
    const now = deps.clock.now();
    const pending = (await deps.contacts.get(claims.borrowerId))?.pendingChange;
    if (!pending) return { status: 409, body: { error: 'NO_PENDING_CHANGE' } };
    const result = checkCode(pending, claims.borrowerId, code, now);
    if (result === 'LOCKED') return { status: 409, body: { error: 'CODE_LOCKED' } };
    if (result === 'EXPIRED') return { status: 409, body: { error: 'CODE_EXPIRED' } };
    if (result === 'WRONG') {
      await deps.contacts.countAttempt(claims.borrowerId, pending);
      const left = MAX_ATTEMPTS - pending.attempts - 1;
      if (left > 0) return { status: 409, body: { error: 'CODE_WRONG', attemptsLeft: left } };
      const view = await deps.cases.borrowerView(claims.borrowerId);
      await recordProfileChange(deps.profileLedger, view, isoUtc(now), 'CONTACT_CODE_LOCKED', {
        channel: pending.channel,
      });
      return { status: 409, body: { error: 'CODE_LOCKED' } };
    }
    await deps.contacts.applyChange(claims.borrowerId, pending);
    const view = await markVerified(claims.borrowerId, pending, now);
    await recordProfileChange(deps.profileLedger, view, isoUtc(now), 'CONTACT_POINT_CHANGED', {
      channel: pending.channel,
    });
    return { status: 200, body: { changed: true, channel: pending.channel } };
  }

  /** The profile: the point verified, the change logged, a new line for a new number. */
  async function markVerified(borrowerId: string, pending: PendingChange, now: number) {
    const lineId =
      pending.channel === 'SMS' && deps.lines
        ? (await deps.lines.mac(lineMessage(pending.point))).slice(0, 32)
        : undefined;
    for (let attempt = 0; attempt < 5; attempt++) {
      const view = await deps.cases.borrowerView(borrowerId);
      if (!view.profile) return view;
      const p: BorrowerProfile = structuredClone(view.profile.item);
      p.contactPoints[pending.channel] = { verified: true };
      if (lineId) p.lineId = lineId;
      const at = isoUtc(now);
      p.changes = [
        ...(p.changes ?? []),
        { type: 'CONTACT_POINT', channel: pending.channel, at, recordedAt: at },
      ];
      try {
        await deps.cases.saveProfile(p, view.profile.rev);
        return view;
      } catch (error) {
        if (!(error instanceof ConcurrentUpdateError)) throw error;
      }
    }
    throw new ConcurrentUpdateError(`borrower ${borrowerId}: the verified point could not be noted`);
  }

  return { change, verify };
}
