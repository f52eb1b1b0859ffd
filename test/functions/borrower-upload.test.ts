import { PutObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { S3EvidenceStore } from '../../functions/adapters/evidence-store.js';
import type { LedgerWriter } from '../../functions/adapters/ledger-writer.js';
import { buildBorrowerApiHandler } from '../../functions/borrower-api/handler.js';
import { pageActionId } from '../../functions/borrower-api/page-ledger.js';
import type { LedgerRecord } from '../../functions/domain/ledger.js';
import { signLink } from '../../functions/domain/links.js';
import { bundledPolicies } from '../../functions/domain/policies.js';
import { hmacKey } from '../../functions/domain/seal.js';
import { caseRecord } from '../domain/fixtures.js';
import { fixedClock, lambdaContext } from './fixtures.js';

/** `%PDF-1.4\n%%EOF\n`: its SHA-256 by sha256sum, and that digest in base64 by `xxd -r -p | base64`. */
const PDF = Buffer.from('%PDF-1.4\n%%EOF\n', 'latin1');
const PDF_SHA256 = '14bcd090baf31edba64e9cbd8cdfc15f943344aa72cb3675ad8e91bfcbce03ad';
const PDF_SHA256_BASE64 = 'FLzQkLrzHtumTpy9jN/BX5QzRKpyyzZ1rY6Rv8vOA60=';
const KEY_ARN = 'arn:aws:kms:eu-west-1:111122223333:key/evidence';

describe('S3EvidenceStore.putObject', () => {
  const s3 = mockClient(S3Client);
  afterEach(() => s3.reset());

  it('sends the bytes with their SHA-256 for S3 to check, encrypted with the evidence key it names', async () => {
    s3.on(PutObjectCommand).resolves({});
    const store = new S3EvidenceStore(new S3Client({ region: 'eu-west-1' }), 'evidence-bucket', KEY_ARN);
    const key = `dispute-documents/L-1/${PDF_SHA256}.pdf`;
    const where = await store.putObject({
      key,
      body: PDF,
      contentType: 'application/pdf',
      sha256: PDF_SHA256,
    });
    expect(where).toBe(`s3://evidence-bucket/${key}`);
    const input = s3.commandCalls(PutObjectCommand)[0]?.args[0].input;
    expect(input).toEqual({
      Bucket: 'evidence-bucket',
      Key: key,
      Body: PDF,
      ContentType: 'application/pdf',
      ChecksumAlgorithm: 'SHA256',
      ChecksumSHA256: PDF_SHA256_BASE64,
      ServerSideEncryption: 'aws:kms',
      SSEKMSKeyId: KEY_ARN,
      BucketKeyEnabled: true,
    });
  });

  it("lets S3's AccessDenied through by name, with the key in the message and nothing of the borrower", async () => {
    s3.on(PutObjectCommand).rejects(
      new S3ServiceException({ name: 'AccessDenied', $fault: 'client', $metadata: {}, message: 'denied' }),
    );
    const store = new S3EvidenceStore(new S3Client({ region: 'eu-west-1' }), 'evidence-bucket', KEY_ARN);
    await expect(
      store.putObject({
        key: 'dispute-documents/L-1/x.pdf',
        body: PDF,
        contentType: 'application/pdf',
        sha256: PDF_SHA256,
      }),
    ).rejects.toMatchObject({ name: 'AccessDenied' });
  });
});

describe('the borrower API handler: one PAGE record per action, by the Idempotency-Key', () => {
  const NOW = '2026-12-11T01:00:00Z';
  const link = hmacKey(new Uint8Array(32).fill(3), 'test:link');
  let token: string;
  const records: LedgerRecord[] = [];
  const objects: string[] = [];
  const writer: LedgerWriter = { append: async (record) => void records.push(record) };
  const handler = buildBorrowerApiHandler({
    cases: { borrowerView: async () => ({ profile: undefined, cases: [{ item: caseRecord(), rev: 1 }] }) },
    tasks: { get: async () => undefined, claim: async () => undefined, complete: async () => undefined },
    callbacks: { succeed: async () => undefined },
    clock: fixedClock(NOW),
    policies: bundledPolicies(),
    links: link,
    events: async () => ({ applied: true }),
    evidence: {
      putObject: async ({ key }: { key: string }) => {
        objects.push(key);
        return `memory:${key}`;
      },
    },
    ledger: { list: async () => [...records] },
    writer,
  } as unknown as Parameters<typeof buildBorrowerApiHandler>[0]);
  beforeAll(async () => {
    token = await signLink(link, {
      borrowerId: 'B-1',
      loanIds: ['L-1'],
      expiresAt: Date.parse(NOW) / 1000 + 3600,
      linkId: 'lnk-9',
    });
  });
  const event = (requestId: string, headers: Record<string, string>, body: unknown) =>
    ({
      httpMethod: 'POST',
      path: '/api/borrower/loans/L-1/dispute',
      headers: { Authorization: `Bearer ${token}`, ...headers },
      body: JSON.stringify(body),
      requestContext: { requestId },
    }) as unknown as APIGatewayProxyEvent;

  it('a retry with the same key is one record; without a key each API request is its own', async () => {
    const body = { reason: 'ALREADY_PAID', document: PDF.toString('base64') };
    const key = 'a1b2c3d4-0000-4000-8000-000000000001';
    const first = await handler(event('api-1', { 'Idempotency-Key': key }, body), lambdaContext);
    const retry = await handler(event('api-2', { 'idempotency-key': key }, body), lambdaContext);
    expect([first.statusCode, retry.statusCode]).toEqual([200, 200]);
    expect(JSON.parse(first.body)).toEqual({ applied: true });
    expect(records.map((r) => r.detail?.actionId)).toEqual([pageActionId('lnk-9', 'L-1', 'dispute', key)]);
    expect(records[0]).toMatchObject({
      ledgerId: 'L-1#1#page',
      type: 'PAGE',
      seq: 1,
      detail: {
        linkId: 'lnk-9',
        action: 'dispute',
        outcome: 'APPLIED',
        status: 200,
        reason: 'ALREADY_PAID',
        documentKey: `dispute-documents/L-1/${PDF_SHA256}.pdf`,
        documentSha256: PDF_SHA256,
      },
    });
    // A key that is not one (too short) is ignored: the API's request id decides.
    await handler(event('api-3', { 'Idempotency-Key': 'x' }, { reason: 'OTHER' }), lambdaContext);
    expect(records.at(-1)?.detail?.actionId).toBe(pageActionId('lnk-9', 'L-1', 'dispute', 'api-3'));
    expect(records.map((r) => r.seq)).toEqual([1, 2]);
    // The document went to the store once per request that carried it, under its loan's prefix.
    expect(objects).toEqual([
      `dispute-documents/L-1/${PDF_SHA256}.pdf`,
      `dispute-documents/L-1/${PDF_SHA256}.pdf`,
    ]);
  });
});
