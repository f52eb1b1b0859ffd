import { randomBytes } from 'node:crypto';
import { LinkRefusedError } from './errors.js';
import { Id } from './events.js';
import type { MacKey } from './seal.js';

/**
 * Signed links to the borrower's page. A link carries a token: who it is for (borrowerId), the loans
 * it may read and act on, when it expires, and its own id (recorded with every action taken through
 * it, a signature's included). The token is `base64url(claims) "." base64url(HMAC-SHA256)`, the MAC
 * over `LINK_FORMAT "\n" claims`, made with the link key: on AWS a KMS HMAC key (GenerateMac for the
 * stage, VerifyMac for the borrower API: functions/adapters/mac-key.ts), locally a key file under the
 * data directory. It holds no contact detail and no amount: only ids the borrower already has.
 *
 * The claims are `borrowerId~loan1,loan2~expiresAt~linkId` (ids are letters, digits and . _ : - only,
 * so `~` and `,` never occur in them; expiresAt in epoch seconds).
 */
export const LINK_FORMAT = 'ladder-link-v1';

/** How long a link works: a message's link outlives the next message (a ladder's steps are days apart). */
export const LINK_TTL_SECONDS = 14 * 24 * 3600;

export interface LinkClaims {
  borrowerId: string;
  loanIds: string[];
  /** Epoch seconds. */
  expiresAt: number;
  linkId: string;
}

const b64url = (bytes: Buffer): string => bytes.toString('base64url');

const claimsText = (c: LinkClaims): string =>
  `${c.borrowerId}~${c.loanIds.join(',')}~${c.expiresAt}~${c.linkId}`;

/** The bytes the MAC covers: versioned, so no other MAC made with a key of this kind is a link's. */
export const linkMessage = (claims: string): string => `${LINK_FORMAT}\n${claims}`;

/** Makes a token for `claims` (ids checked: a token never carries anything else). */
export async function signLink(key: Pick<MacKey, 'mac'>, claims: LinkClaims): Promise<string> {
  for (const id of [claims.borrowerId, claims.linkId, ...claims.loanIds]) Id().parse(id);
  if (claims.loanIds.length === 0) throw new LinkRefusedError('a link names at least one loan');
  if (!Number.isInteger(claims.expiresAt)) throw new LinkRefusedError('expiresAt: epoch seconds');
  const text = claimsText(claims);
  const mac = await key.mac(linkMessage(text));
  return `${b64url(Buffer.from(text, 'utf8'))}.${b64url(Buffer.from(mac, 'hex'))}`;
}

/** The claims of a well-formed token, before its MAC is checked; undefined when it is not one. */
function parse(token: string): { text: string; mac: string; claims: LinkClaims } | undefined {
  const match = /^([A-Za-z0-9_-]{1,600})\.([A-Za-z0-9_-]{43})$/.exec(token);
  if (!match?.[1] || !match[2]) return undefined;
  const text = Buffer.from(match[1], 'base64url').toString('utf8');
  // Canonical only: re-encoding gives the same token text (no padding or stray bits smuggled in).
  if (b64url(Buffer.from(text, 'utf8')) !== match[1]) return undefined;
  const mac = Buffer.from(match[2], 'base64url');
  if (mac.length !== 32 || b64url(mac) !== match[2]) return undefined;
  const [borrowerId, loans, expires, linkId, ...rest] = text.split('~');
  if (rest.length > 0 || !borrowerId || !loans || !expires || !linkId || !/^\d{1,12}$/.test(expires)) {
    return undefined;
  }
  const loanIds = loans.split(',');
  const ids = [borrowerId, linkId, ...loanIds];
  if (!ids.every((id) => Id().safeParse(id).success)) return undefined;
  return {
    text,
    mac: mac.toString('hex'),
    claims: { borrowerId, loanIds, expiresAt: Number(expires), linkId },
  };
}

/**
 * The claims of a token whose MAC verifies (constant-time: MacKey.verify) and that has not expired at
 * `nowMs`; LinkRefusedError otherwise. The MAC is checked before the expiry is believed.
 */
export async function verifyLink(
  key: Pick<MacKey, 'verify'>,
  token: string,
  nowMs: number,
): Promise<LinkClaims> {
  const parsed = parse(token);
  if (!parsed) throw new LinkRefusedError('malformed link');
  if (!(await key.verify(linkMessage(parsed.text), parsed.mac))) throw new LinkRefusedError('link MAC');
  if (parsed.claims.expiresAt * 1000 <= nowMs) throw new LinkRefusedError('link expired');
  return parsed.claims;
}

/** A verified link's loan, or LinkRefusedError: a link acts on the loans it names and no other. */
export function requireLoan(claims: LinkClaims, loanId: string): string {
  if (!claims.loanIds.includes(loanId)) throw new LinkRefusedError('loan not in link');
  return loanId;
}

/** The borrower page's URL for a token: the token in the fragment, which no server or log sees. */
export const pageUrl = (pagesUrl: string, token: string): string =>
  `${pagesUrl.replace(/\/+$/, '')}/b/#t=${token}`;

/** Issues fresh links: what the stage puts in every message's {link}. */
export interface LinkIssuer {
  issue(borrowerId: string, loanIds: readonly string[], nowMs: number): Promise<string>;
}

/** A fresh link id: 72 random bits, 12 characters. */
export const newLinkId = (): string => randomBytes(9).toString('base64url');

/** A LinkIssuer over a MAC key; `newId` makes each link's id (random in production). */
export function linkIssuer(
  key: Pick<MacKey, 'mac'>,
  pagesUrl: () => string,
  newId: () => string,
  ttlSeconds = LINK_TTL_SECONDS,
): LinkIssuer {
  return {
    async issue(borrowerId, loanIds, nowMs) {
      const expiresAt = Math.floor(nowMs / 1000) + ttlSeconds;
      const token = await signLink(key, { borrowerId, loanIds: [...loanIds], expiresAt, linkId: newId() });
      return pageUrl(pagesUrl(), token);
    },
  };
}
