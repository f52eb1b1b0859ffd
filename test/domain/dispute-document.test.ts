import { describe, expect, it } from 'vitest';
import {
  checkDocument,
  DOCUMENT_LIMIT_BASE64,
  DOCUMENT_LIMIT_BYTES,
  disputeDocumentKey,
  sniffDocumentType,
} from '../../functions/domain/dispute-document.js';
import { DisputeOpenedSchema } from '../../functions/domain/events.js';

/** Fixed byte vectors: the first bytes of real files, as their formats define them. */
const bytes = (...values: number[]) => Uint8Array.from(values);
const ascii = (text: string) => Uint8Array.from(Buffer.from(text, 'latin1'));
/** `%PDF-1.4\n%%EOF\n`: sha256sum gives 14bcd090...03ad (coreutils, on this machine). */
const PDF = ascii('%PDF-1.4\n%%EOF\n');
const PDF_SHA256 = '14bcd090baf31edba64e9cbd8cdfc15f943344aa72cb3675ad8e91bfcbce03ad';
/** The PNG signature and the start of the IHDR chunk (length 13). */
const PNG = bytes(
  0x89,
  0x50,
  0x4e,
  0x47,
  0x0d,
  0x0a,
  0x1a,
  0x0a,
  0x00,
  0x00,
  0x00,
  0x0d,
  0x49,
  0x48,
  0x44,
  0x52,
);
/** A JFIF JPEG: SOI, APP0, length 16, "JFIF\0". */
const JPEG = bytes(0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00);
/** An EXIF JPEG (a phone's camera): SOI, APP1. */
const JPEG_EXIF = bytes(0xff, 0xd8, 0xff, 0xe1, 0x00, 0x18, 0x45, 0x78, 0x69, 0x66, 0x00, 0x00);
const HTML = ascii('<!DOCTYPE html><html><body><script>alert(1)</script></body></html>');

describe('a dispute document is recognised by its content', () => {
  it('knows a PDF, a PNG and a JPEG by their first bytes', () => {
    expect(sniffDocumentType(PDF)).toBe('application/pdf');
    expect(sniffDocumentType(PNG)).toBe('image/png');
    expect(sniffDocumentType(JPEG)).toBe('image/jpeg');
    expect(sniffDocumentType(JPEG_EXIF)).toBe('image/jpeg');
  });

  it('a PNG named .pdf is a PNG: the name and declared type are not asked', () => {
    const check = checkDocument('L-1', PNG);
    expect(check).toMatchObject({ ok: true, ref: { type: 'image/png' } });
    expect(check.ok && check.ref.key.endsWith('.png')).toBe(true);
  });

  it('refuses HTML declared as a PDF, an empty body, and near misses of each signature', () => {
    expect(checkDocument('L-1', HTML)).toEqual({
      ok: false,
      rule: 'DOCUMENT_TYPE_NOT_ACCEPTED',
      status: 415,
    });
    expect(checkDocument('L-1', new Uint8Array())).toEqual({
      ok: false,
      rule: 'DOCUMENT_TYPE_NOT_ACCEPTED',
      status: 415,
    });
    expect(sniffDocumentType(ascii('%PDF'))).toBeUndefined(); // cut before the dash
    expect(sniffDocumentType(ascii(' %PDF-1.4'))).toBeUndefined(); // not at the start
    expect(sniffDocumentType(PNG.slice(0, 7))).toBeUndefined();
    expect(sniffDocumentType(bytes(0xff, 0xd8))).toBeUndefined();
    expect(sniffDocumentType(bytes(0x50, 0x4b, 0x03, 0x04))).toBeUndefined(); // a ZIP (docx)
    expect(sniffDocumentType(ascii('GIF89a'))).toBeUndefined();
  });

  it('takes the limit and refuses one byte more, with 413 before the type is looked at', () => {
    expect(DOCUMENT_LIMIT_BYTES).toBe(4_194_304);
    const atLimit = new Uint8Array(DOCUMENT_LIMIT_BYTES);
    atLimit.set(PDF);
    expect(checkDocument('L-1', atLimit)).toMatchObject({ ok: true, ref: { bytes: 4_194_304 } });
    const over = new Uint8Array(DOCUMENT_LIMIT_BYTES + 1);
    over.set(PDF);
    expect(checkDocument('L-1', over)).toEqual({ ok: false, rule: 'DOCUMENT_TOO_LARGE', status: 413 });
    expect(checkDocument('L-1', new Uint8Array(DOCUMENT_LIMIT_BYTES + 1))).toMatchObject({ status: 413 });
    // The base64 of 4 MiB, as the page sends it: 5,592,408 characters.
    expect(DOCUMENT_LIMIT_BASE64).toBe(Buffer.from(atLimit).toString('base64').length);
  });

  it("names the document by its loan and its SHA-256 (an independent sha256sum's)", () => {
    expect(checkDocument('L-1', PDF)).toEqual({
      ok: true,
      ref: {
        key: `dispute-documents/L-1/${PDF_SHA256}.pdf`,
        sha256: PDF_SHA256,
        type: 'application/pdf',
        bytes: 15,
      },
    });
    expect(disputeDocumentKey('L-9', PDF_SHA256, 'image/jpeg')).toBe(
      `dispute-documents/L-9/${PDF_SHA256}.jpg`,
    );
  });
});

describe('DisputeOpened carries the document by key and hash', () => {
  const ref = {
    key: `dispute-documents/L-1/${PDF_SHA256}.pdf`,
    sha256: PDF_SHA256,
    type: 'application/pdf',
    bytes: 15,
  };
  const at = '2026-12-01T00:00:00Z';
  it("takes its own loan's document, and no other loan's or a key that is not its hash", () => {
    expect(DisputeOpenedSchema().safeParse({ loanId: 'L-1', document: ref, at }).success).toBe(true);
    expect(DisputeOpenedSchema().safeParse({ loanId: 'L-2', document: ref, at }).success).toBe(false);
    const otherHash = { ...ref, sha256: 'c'.repeat(64) };
    expect(DisputeOpenedSchema().safeParse({ loanId: 'L-1', document: otherHash, at }).success).toBe(false);
    const content = { ...ref, content: 'JVBERi0=' };
    expect(DisputeOpenedSchema().parse({ loanId: 'L-1', document: content, at }).document).toEqual(ref);
  });
});
