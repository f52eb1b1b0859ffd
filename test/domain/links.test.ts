import { describe, expect, it } from 'vitest';
import { LinkRefusedError } from '../../functions/domain/errors.js';
import { linkIssuer, requireLoan, signLink, verifyLink } from '../../functions/domain/links.js';
import { hmacKey } from '../../functions/domain/seal.js';

/**
 * Fixed vector, computed independently with Python's hmac:
 *   key = bytes(range(32)); claims = 'B-1~L-1,L-2~1767225600~lnk1'
 *   mac = hmac.new(key, ('ladder-link-v1\n' + claims).encode(), hashlib.sha256).digest()
 *   mac.hex() == '794fefb7d183c1371746c3a5a83df172db3f1bd0008f96af0c9b7eed201a87df'
 *   token = b64url(claims) + '.' + b64url(mac) (no padding), as below.
 */
const KEY = hmacKey(
  Uint8Array.from({ length: 32 }, (_, i) => i),
  'test',
);
const CLAIMS = { borrowerId: 'B-1', loanIds: ['L-1', 'L-2'], expiresAt: 1767225600, linkId: 'lnk1' };
const TOKEN = 'Qi0xfkwtMSxMLTJ-MTc2NzIyNTYwMH5sbmsx.eU_vt9GDwTcXRsOlqD3xcts_G9AAj5avDJt-7SAah98';
const BEFORE = Date.UTC(2025, 11, 31, 23, 59, 59); // 1767225599 s
const EXPIRY = 1767225600 * 1000;

describe('signed links', () => {
  it('signs the fixed vector', async () => {
    expect(await signLink(KEY, CLAIMS)).toBe(TOKEN);
  });

  it('verifies the fixed vector until the second it expires', async () => {
    expect(await verifyLink(KEY, TOKEN, BEFORE)).toEqual(CLAIMS);
    await expect(verifyLink(KEY, TOKEN, EXPIRY)).rejects.toThrow('link expired');
  });

  it('refuses a token with any claim changed, re-encoded with the old MAC', async () => {
    const [, mac] = TOKEN.split('.');
    for (const claims of [
      'B-2~L-1,L-2~1767225600~lnk1', // another borrower
      'B-1~L-1,L-2,L-3~1767225600~lnk1', // a loan added
      'B-1~L-1,L-2~1767225601~lnk1', // a later expiry
      'B-1~L-1,L-2~1767225600~lnk2', // another link id
    ]) {
      const forged = `${Buffer.from(claims).toString('base64url')}.${mac}`;
      await expect(verifyLink(KEY, forged, BEFORE)).rejects.toThrow('link MAC');
    }
  });

  it('refuses a token with one bit of its MAC flipped, or made with another key', async () => {
    const flipped = `${TOKEN.slice(0, -1)}${TOKEN.endsWith('8') ? '9' : '8'}`;
    await expect(verifyLink(KEY, flipped, BEFORE)).rejects.toBeInstanceOf(LinkRefusedError);
    const other = hmacKey(Buffer.alloc(32, 7), 'other');
    await expect(verifyLink(other, TOKEN, BEFORE)).rejects.toThrow('link MAC');
  });

  it('refuses what is not a token at all', async () => {
    for (const token of ['', 'abc', `${TOKEN}.x`, TOKEN.replace('.', ''), `${TOKEN}=`, 'a~b.c']) {
      await expect(verifyLink(KEY, token, BEFORE), token).rejects.toThrow('malformed link');
    }
    // Well-formed base64 and a valid MAC length, but claims that are not ids (a MAC is never asked).
    const bad = `${Buffer.from('B 1~L-1~1~x').toString('base64url')}.${TOKEN.split('.')[1]}`;
    await expect(verifyLink(KEY, bad, BEFORE)).rejects.toThrow('malformed link');
  });

  it('lets a link act on the loans it names and no other', () => {
    expect(requireLoan(CLAIMS, 'L-2')).toBe('L-2');
    expect(() => requireLoan(CLAIMS, 'L-3')).toThrow(LinkRefusedError);
  });

  it('issues page URLs with the token in the fragment, expiring after the TTL, each with its own id', async () => {
    let n = 0;
    const issuer = linkIssuer(
      KEY,
      () => 'https://pages.example/',
      () => `id${++n}`,
      60,
    );
    const url = await issuer.issue('B-1', ['L-1'], 1_000_000);
    expect(url).toMatch(/^https:\/\/pages\.example\/b\/#t=[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
    const claims = await verifyLink(KEY, url.split('#t=')[1] ?? '', 1_000_000);
    expect(claims).toEqual({ borrowerId: 'B-1', loanIds: ['L-1'], expiresAt: 1000 + 60, linkId: 'id1' });
    expect(await issuer.issue('B-1', ['L-1'], 1_000_000)).not.toBe(url);
  });
});
