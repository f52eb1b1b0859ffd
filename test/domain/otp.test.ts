import { describe, expect, it } from 'vitest';
import {
  CODE_TTL_MS,
  checkCode,
  hashCode,
  MAX_ATTEMPTS,
  newCode,
  newSalt,
  type PendingChange,
  sendAllowed,
} from '../../functions/domain/otp.js';

/**
 * Fixed vectors, computed independently with Python's hmac:
 *   salt = bytes(range(16))
 *   hmac.new(salt, b'ladder-otp-v1\nB-1\nSMS\n+8613800138000\n042917', hashlib.sha256).hexdigest()
 *     == 'fc4a6f62f34d4d6c15c3683ea12ec65f63b4b5c4ef1afb95173bbc8f87c5c84d'
 *   ... b'ladder-otp-v1\nB-1\nEMAIL\nnew@example.com\n042917' -> '1c3c5e78...4cf421'
 *   ... b'ladder-otp-v1\nB-2\nSMS\n+8613800138000\n042917'    -> '5e8d5f6f...a2c9e'
 */
const SALT = '000102030405060708090a0b0c0d0e0f';
const SMS_HASH = 'fc4a6f62f34d4d6c15c3683ea12ec65f63b4b5c4ef1afb95173bbc8f87c5c84d';
const EMAIL_HASH = '1c3c5e78a51c961b6894e3f4643f4c1ebf73a53987abcab3e12ecfa5b34cf421';
const OTHER_BORROWER_HASH = '5e8d5f6fdb8f2952222ff6a46a1ca0418c4e063fcb84a4d4e46916a9449a2c9e';
const T0 = Date.parse('2026-12-01T10:00:00Z');

const pending = (over: Partial<PendingChange> = {}): PendingChange => ({
  channel: 'SMS',
  point: '+8613800138000',
  salt: SALT,
  codeHash: SMS_HASH,
  expiresAt: new Date(T0 + CODE_TTL_MS).toISOString(),
  attempts: 0,
  ...over,
});

describe('one-time code hashing', () => {
  it('is the salted HMAC of the fixed vectors', () => {
    expect(hashCode(SALT, 'B-1', 'SMS', '+8613800138000', '042917')).toBe(SMS_HASH);
    expect(hashCode(SALT, 'B-1', 'EMAIL', 'new@example.com', '042917')).toBe(EMAIL_HASH);
    expect(hashCode(SALT, 'B-2', 'SMS', '+8613800138000', '042917')).toBe(OTHER_BORROWER_HASH);
  });

  it('accepts the right code and no other borrower, point or code', () => {
    expect(checkCode(pending(), 'B-1', '042917', T0)).toBe('OK');
    expect(checkCode(pending(), 'B-2', '042917', T0)).toBe('WRONG');
    expect(checkCode(pending(), 'B-1', '042918', T0)).toBe('WRONG');
    expect(checkCode(pending({ point: '+8613800138001' }), 'B-1', '042917', T0)).toBe('WRONG');
    expect(checkCode(pending({ channel: 'EMAIL' }), 'B-1', '042917', T0)).toBe('WRONG');
    // The leading zero is part of the code.
    expect(checkCode(pending(), 'B-1', '42917', T0)).toBe('WRONG');
    expect(checkCode(pending(), 'B-1', '0042917', T0)).toBe('WRONG');
  });

  it('expires ten minutes after it was made, to the millisecond', () => {
    expect(checkCode(pending(), 'B-1', '042917', T0 + 10 * 60_000 - 1)).toBe('OK');
    expect(checkCode(pending(), 'B-1', '042917', T0 + 10 * 60_000)).toBe('EXPIRED');
  });

  it('locks after five wrong codes: even the right one is refused', () => {
    expect(MAX_ATTEMPTS).toBe(5);
    expect(checkCode(pending({ attempts: 4 }), 'B-1', '042917', T0)).toBe('OK');
    expect(checkCode(pending({ attempts: 5 }), 'B-1', '042917', T0)).toBe('LOCKED');
    // Locked wins over expired: the answer does not tell an attacker whether time ran out.
    expect(checkCode(pending({ attempts: 5 }), 'B-1', '042917', T0 + CODE_TTL_MS)).toBe('LOCKED');
  });

  it('makes six-digit codes and 16-byte salts', () => {
    const codes = new Set(Array.from({ length: 50 }, newCode));
    for (const code of codes) expect(code).toMatch(/^\d{6}$/);
    expect(codes.size).toBeGreaterThan(40);
    expect(newSalt()).toMatch(/^[0-9a-f]{32}$/);
    expect(newSalt()).not.toBe(newSalt());
  });
});

describe('code sends per borrower', () => {
  const at = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();
  it('allows three in any hour and forgets sends older than an hour', () => {
    expect(sendAllowed([], T0).allowed).toBe(true);
    expect(sendAllowed([at(-50), at(-20)], T0).allowed).toBe(true);
    expect(sendAllowed([at(-50), at(-20), at(-1)], T0).allowed).toBe(false);
    // The first of the three is an hour old at T0 + 10 min.
    expect(sendAllowed([at(-50), at(-20), at(-1)], T0 + 10 * 60_000)).toEqual({
      allowed: true,
      recent: [at(-20), at(-1)],
    });
  });
});
