import { createHmac, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';

/**
 * One-time codes that prove the borrower controls a new phone number or e-mail address before Ladder
 * uses it. Only a salted HMAC of the code is stored (the salt random per code, 16 bytes), bound to the
 * borrower, the channel and the new contact point, so a code for one point never confirms another.
 * A code lives 10 minutes and allows 5 tries; it is compared in constant time. Sends are limited per
 * borrower (3 an hour), so the page cannot be used to flood a number or an inbox.
 *
 * Six digits are 10^6 codes: 5 tries in 10 minutes give an attacker 1 chance in 200,000 per code,
 * and 3 codes an hour bound the rate. The HMAC does not make the stored hash safe against a reader of
 * the table (10^6 guesses are fast): the table is encrypted under the contact key, which holds the
 * new point itself, so the hash adds nothing that reader lacks.
 */
export const CODE_DIGITS = 6;
export const CODE_TTL_MS = 10 * 60_000;
export const MAX_ATTEMPTS = 5;
export const MAX_SENDS_PER_HOUR = 3;
const HOUR = 3_600_000;

export type PointChannel = 'SMS' | 'EMAIL';

/** The pending change: the new point waits here, under the contact key, until its code is typed. */
export interface PendingChange {
  channel: PointChannel;
  /** The new phone number (E.164) or e-mail address. */
  point: string;
  /** Hex: 16 random bytes. */
  salt: string;
  /** Hex HMAC-SHA256 of the code (codeMessage), keyed by the salt. */
  codeHash: string;
  expiresAt: string;
  /** Wrong codes typed so far. */
  attempts: number;
}

/** What the HMAC covers: versioned, one field a line (no field can contain a newline). */
export const codeMessage = (borrowerId: string, channel: PointChannel, point: string, code: string): string =>
  `ladder-otp-v1\n${borrowerId}\n${channel}\n${point}\n${code}`;

export function hashCode(
  salt: string,
  borrowerId: string,
  channel: PointChannel,
  point: string,
  code: string,
): string {
  return createHmac('sha256', Buffer.from(salt, 'hex'))
    .update(codeMessage(borrowerId, channel, point, code))
    .digest('hex');
}

/** A fresh code of CODE_DIGITS digits, leading zeros kept, from the CSPRNG. */
export const newCode = (): string => String(randomInt(0, 10 ** CODE_DIGITS)).padStart(CODE_DIGITS, '0');

/** A fresh salt: 16 random bytes, hex. */
export const newSalt = (): string => randomBytes(16).toString('hex');

export type CheckResult = 'OK' | 'WRONG' | 'EXPIRED' | 'LOCKED';

/**
 * Checks a typed code. EXPIRED after the expiry; LOCKED once MAX_ATTEMPTS wrong codes were typed
 * (even the right one is then refused: a new code must be asked for); WRONG counts one more attempt.
 */
export function checkCode(
  pending: PendingChange,
  borrowerId: string,
  code: string,
  now: number,
): CheckResult {
  if (pending.attempts >= MAX_ATTEMPTS) return 'LOCKED';
  if (now >= Date.parse(pending.expiresAt)) return 'EXPIRED';
  if (!/^\d+$/.test(code) || code.length !== CODE_DIGITS) return 'WRONG';
  const expected = Buffer.from(pending.codeHash, 'hex');
  const actual = Buffer.from(hashCode(pending.salt, borrowerId, pending.channel, pending.point, code), 'hex');
  return expected.length === actual.length && timingSafeEqual(expected, actual) ? 'OK' : 'WRONG';
}

/** The sends of the last hour, and whether one more is allowed. */
export function sendAllowed(sends: readonly string[], now: number): { allowed: boolean; recent: string[] } {
  const recent = sends.filter((s) => now - Date.parse(s) < HOUR);
  return { allowed: recent.length < MAX_SENDS_PER_HOUR, recent };
}
