import * as z from 'zod';
import type { EvidenceStore } from '../adapters/evidence-store.js';
import {
  checkDocument,
  type DisputeDocumentRef,
  DOCUMENT_LIMIT_BASE64,
  DOCUMENT_LIMIT_BYTES,
  DOCUMENT_TYPES,
} from '../domain/dispute-document.js';
import { ValidationError } from '../domain/errors.js';
import { DisputeReason } from '../domain/events.js';
import { once } from '../domain/once.js';
import type { LoanView } from './view.js';

/**
 * A dispute from the page, with one optional document: `{"reason": "ALREADY_PAID", "document":
 * "<base64>"}`. The document is checked by its content (functions/domain/dispute-document.ts: PDF,
 * JPEG or PNG by magic bytes, at most 4 MiB) and stored in the evidence bucket under its loan's
 * prefix, named by its SHA-256, before the DisputeOpened that names it (key and hash) is applied.
 */
export const DisputeBody = once(() =>
  z.object({
    reason: DisputeReason(),
    /** Standard base64 (RFC 4648 section 4), padded. */
    document: z.string().optional(),
  }),
);

/** Canonical padded base64: whole quads, padding only at the end (a plain class: no backtracking on 5 MB). */
const isBase64 = (text: string) => text.length % 4 === 0 && /^[A-Za-z0-9+/]*={0,2}$/.test(text);

/** An answer the page gets when the document is not taken (no dispute is opened). */
export interface DocumentRefusal {
  status: 409 | 413 | 415;
  body: { error: string; limitBytes?: number; accepted?: string[] };
}

/**
 * The document taken: checked, then stored (encrypted with the evidence key by the store). Refused
 * before anything is stored when it is too large (413), not one of the types (415), or when the loan
 * cannot take a dispute now (409 with the events core's own rule names: a closed case, a dispute
 * already open), so a link cannot fill the object-locked bucket with documents no dispute names.
 */
export async function takeDisputeDocument(
  evidence: Pick<EvidenceStore, 'putObject'>,
  loan: Pick<LoanView, 'loanId' | 'status' | 'hold'> | undefined,
  base64: string,
): Promise<{ ref: DisputeDocumentRef } | { refused: DocumentRefusal }> {
  const tooLarge = {
    status: 413,
    body: { error: 'DOCUMENT_TOO_LARGE', limitBytes: DOCUMENT_LIMIT_BYTES },
  } as const;
  if (base64.length > DOCUMENT_LIMIT_BASE64) return { refused: tooLarge };
  if (!isBase64(base64)) throw new ValidationError('document: must be base64');
  if (loan?.status !== 'ACTIVE') return { refused: { status: 409, body: { error: 'CASE_CLOSED' } } };
  if (loan.hold === 'DISPUTED') return { refused: { status: 409, body: { error: 'DISPUTE_ALREADY_OPEN' } } };
  const bytes = Buffer.from(base64, 'base64');
  const check = checkDocument(loan.loanId, bytes);
  if (!check.ok) {
    if (check.status === 413) return { refused: tooLarge };
    return { refused: { status: 415, body: { error: check.rule, accepted: Object.keys(DOCUMENT_TYPES) } } };
  }
  const { key, type, sha256 } = check.ref;
  await evidence.putObject({ key, body: bytes, contentType: type, sha256 });
  return { ref: check.ref };
}
