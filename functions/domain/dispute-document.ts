import { createHash } from 'node:crypto';

/**
 * The one document a borrower may attach to a dispute from the page: a PDF, JPEG or PNG, recognised
 * by its first bytes (its magic number), never by the name or the type the browser declared, and at
 * most DOCUMENT_LIMIT_BYTES. It is stored in the evidence bucket under a per-loan prefix, named by its
 * SHA-256; the dispute, the case and the ledger carry the key and the hash, never the content.
 */

/**
 * 4 MiB. The page sends the document base64-encoded inside its JSON request (4 MiB become 5,592,408
 * characters), and a synchronous Lambda invocation takes at most 6 MB of payload with API Gateway's
 * event envelope around the body: about 4 MB of raw bytes is the honest ceiling through the API.
 */
export const DOCUMENT_LIMIT_BYTES = 4 * 1024 * 1024;

/** The longest base64 text of a document within the limit (4 characters per 3 bytes, padded). */
export const DOCUMENT_LIMIT_BASE64 = Math.ceil(DOCUMENT_LIMIT_BYTES / 3) * 4;

export const DOCUMENT_TYPES = {
  'application/pdf': { extension: 'pdf', magic: [0x25, 0x50, 0x44, 0x46, 0x2d] }, // "%PDF-"
  'image/png': { extension: 'png', magic: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] },
  'image/jpeg': { extension: 'jpg', magic: [0xff, 0xd8, 0xff] }, // SOI, then a marker
} as const;

export type DocumentType = keyof typeof DOCUMENT_TYPES;

/** The rules a document is refused by (the API answers 413 and 415). */
export type DocumentRule = 'DOCUMENT_TOO_LARGE' | 'DOCUMENT_TYPE_NOT_ACCEPTED';

/** What the dispute records of its document: where it is and what it hashes to. */
export interface DisputeDocumentRef {
  key: string;
  sha256: string;
  type: DocumentType;
  bytes: number;
}

/** The type the bytes begin with, of the three accepted; undefined for anything else (empty too). */
export function sniffDocumentType(bytes: Uint8Array): DocumentType | undefined {
  for (const [type, { magic }] of Object.entries(DOCUMENT_TYPES)) {
    if (bytes.length >= magic.length && magic.every((b, i) => bytes[i] === b)) return type as DocumentType;
  }
  return undefined;
}

/** Where a loan's dispute document is kept: its loan's prefix, named by its content's SHA-256. */
export const disputeDocumentKey = (loanId: string, sha256: string, type: DocumentType): string =>
  `dispute-documents/${loanId}/${sha256}.${DOCUMENT_TYPES[type].extension}`;

export type DocumentCheck =
  | { ok: true; ref: DisputeDocumentRef }
  | { ok: false; rule: DocumentRule; status: 413 | 415 };

/** The size first (413), then the content's type (415); accepted, its key and hash. */
export function checkDocument(
  loanId: string,
  bytes: Uint8Array,
  limit = DOCUMENT_LIMIT_BYTES,
): DocumentCheck {
  if (bytes.length > limit) return { ok: false, rule: 'DOCUMENT_TOO_LARGE', status: 413 };
  const type = sniffDocumentType(bytes);
  if (!type) return { ok: false, rule: 'DOCUMENT_TYPE_NOT_ACCEPTED', status: 415 };
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  return {
    ok: true,
    ref: { key: disputeDocumentKey(loanId, sha256, type), sha256, type, bytes: bytes.length },
  };
}
