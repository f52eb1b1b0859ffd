import type { IResolvable, IResolveContext, aws_iam as iam } from 'aws-cdk-lib';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DOCUMENT_LIMIT_BYTES } from '../../functions/domain/dispute-document.js';
import { pageLedgerId } from '../../functions/domain/ledger.js';
import { signLink } from '../../functions/domain/links.js';
import { LadderStack } from '../../lib/ladder-stack.js';
import { loadStackIam, type StackIam } from '../../local/iam/template.js';
import { createLocalLadder, type LocalLadder } from '../../local/runtime.js';

/**
 * A dispute with a document, and every page action's ledger record, through the local runtime with
 * the stack's IAM enforced: borrower A (two loans, one link naming both) and borrower B (one loan).
 */
const START = Date.parse('2026-03-02T02:00:00Z'); // 10:00 in Shanghai
const ZONE = 'Asia/Shanghai';
/** `%PDF-1.4\n%%EOF\n`; its SHA-256 from coreutils' sha256sum. */
const PDF = Buffer.from('%PDF-1.4\n%%EOF\n', 'latin1');
const PDF_SHA256 = '14bcd090baf31edba64e9cbd8cdfc15f943344aa72cb3675ad8e91bfcbce03ad';
const PNG_HEADER = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]);
const CONTACT = ['Name ', '@example.com', '+86138'];

const borrower = (n: string) => ({
  borrowerId: `BU-${n}`,
  name: `Name ${n}`,
  phone: `+8613800138${n === 'A' ? '111' : '222'}`,
  email: `${n}@example.com`,
  timeZone: ZONE,
  locale: 'en',
});

async function loans(ladder: LocalLadder) {
  const dueDate = DateTime.fromMillis(START, { zone: ZONE }).minus({ days: 1 }).toISODate();
  for (const [loanId, n] of [
    ['LU-A1', 'A'],
    ['LU-A2', 'A'],
    ['LU-B', 'B'],
  ] as const) {
    await ladder.send('LoanDelinquent', {
      loanId,
      amountDue: '300.00',
      currency: 'CNY',
      dueDate,
      borrower: borrower(n),
    });
  }
  await ladder.clock.runUntilIdle({ until: START + 60_000 });
  const expiresAt = Math.floor(START / 1000) + 86_400;
  return signLink(ladder.keys.link, {
    borrowerId: 'BU-A',
    loanIds: ['LU-A1', 'LU-A2'],
    expiresAt,
    linkId: 'link-a',
  });
}

const caller = (ladder: LocalLadder, token: string) => (path: string, body: unknown, requestId?: string) =>
  ladder.borrowerApi({
    method: 'POST',
    path,
    authorization: `Bearer ${token}`,
    body: JSON.stringify(body),
    ...(requestId ? { requestId } : {}),
  });

const pageRecords = (ladder: LocalLadder, loanId: string) =>
  ladder.stores.ledger().list(pageLedgerId(loanId, 1));

describe('a dispute with a document, under the stack IAM', () => {
  let ladder: LocalLadder;
  let post: ReturnType<typeof caller>;
  beforeAll(async () => {
    ladder = await createLocalLadder({ start: START });
    post = caller(ladder, await loans(ladder));
  }, 120_000);
  afterAll(() => ladder?.close());

  it('refuses HTML declared a PDF (415) and 4 MiB + 1 byte (413), storing nothing, each a refused PAGE record', async () => {
    const html = Buffer.from('<html><script>alert(1)</script></html>').toString('base64');
    const declared = { reason: 'NOT_MINE', document: html, type: 'application/pdf', name: 'statement.pdf' };
    expect(await post('/loans/LU-A1/dispute', declared, 'req-html-1')).toMatchObject({
      status: 415,
      body: { error: 'DOCUMENT_TYPE_NOT_ACCEPTED', accepted: ['application/pdf', 'image/png', 'image/jpeg'] },
    });
    const big = Buffer.alloc(DOCUMENT_LIMIT_BYTES + 1);
    PDF.copy(big);
    expect(
      await post(
        '/loans/LU-A1/dispute',
        { reason: 'NOT_MINE', document: big.toString('base64') },
        'req-big-1',
      ),
    ).toEqual({
      status: 413,
      body: { error: 'DOCUMENT_TOO_LARGE', limitBytes: 4_194_304 },
    });
    expect(ladder.evidenceObjects.size).toBe(0);
    const records = await pageRecords(ladder, 'LU-A1');
    expect(records.map((r) => [r.type, r.detail?.outcome, r.detail?.rule, r.detail?.status])).toEqual([
      ['PAGE', 'REFUSED', 'DOCUMENT_TYPE_NOT_ACCEPTED', 415],
      ['PAGE', 'REFUSED', 'DOCUMENT_TOO_LARGE', 413],
    ]);
  });

  it("refuses a document on another borrower's loan with 403 before anything is read or stored", async () => {
    const out = await post('/loans/LU-B/dispute', { reason: 'NOT_MINE', document: PDF.toString('base64') });
    expect(out).toEqual({ status: 403, body: { error: 'link refused' } });
    expect(ladder.evidenceObjects.size).toBe(0);
    expect(await pageRecords(ladder, 'LU-B')).toEqual([]);
  });

  it('stores a PDF under its loan, named and recorded by its SHA-256, and the dispute holds', async () => {
    const out = await post(
      '/loans/LU-A1/dispute',
      { reason: 'ALREADY_PAID', document: PDF.toString('base64') },
      'req-pdf-1',
    );
    expect(out.status).toBe(200);
    const key = `dispute-documents/LU-A1/${PDF_SHA256}.pdf`;
    expect([...ladder.evidenceObjects.keys()]).toEqual([key]);
    const stored = ladder.evidenceObjects.get(key);
    expect(Buffer.from(stored?.body ?? []).equals(PDF)).toBe(true);
    expect(stored?.contentType).toBe('application/pdf');
    const kase = (await ladder.stores.cases().borrowerView('BU-A')).cases.find(
      (c) => c.item.loanId === 'LU-A1',
    );
    expect(kase?.item.dispute).toMatchObject({
      reason: 'ALREADY_PAID',
      document: { key, sha256: PDF_SHA256, type: 'application/pdf', bytes: 15 },
    });
    const records = await pageRecords(ladder, 'LU-A1');
    expect(records.at(-1)?.detail).toMatchObject({
      action: 'dispute',
      outcome: 'APPLIED',
      linkId: 'link-a',
      reason: 'ALREADY_PAID',
      documentKey: key,
      documentSha256: PDF_SHA256,
    });
    // The content is nowhere in the ledger or the case: only its key and hash.
    const text = JSON.stringify({ records, kase });
    expect(text).not.toContain(PDF.toString('base64'));
    for (const c of CONTACT) expect(text).not.toContain(c);
    // A second document while the dispute is open is refused before it is stored.
    const again = { reason: 'OTHER', document: PNG_HEADER.toString('base64') };
    expect((await post('/loans/LU-A1/dispute', again)).body).toEqual({ error: 'DISPUTE_ALREADY_OPEN' });
    expect(ladder.evidenceObjects.size).toBe(1);
  });

  it('records every page action once, applied or refused with its rule, even when the request is retried', async () => {
    const before = (await pageRecords(ladder, 'LU-A2')).length;
    const tooMuch = {
      amount: '9999.00',
      date: DateTime.fromMillis(START, { zone: ZONE }).plus({ days: 3 }).toISODate(),
    };
    expect((await post('/loans/LU-A2/promise', tooMuch, 'req-promise-1')).status).toBe(409);
    expect((await post('/loans/LU-A2/promise', tooMuch, 'req-promise-1')).status).toBe(409); // the retry
    expect((await post('/loans/LU-A2/promise', { amount: '1' }, 'req-promise-2')).status).toBe(400);
    expect((await post('/loans/LU-A2/hardship', {}, 'req-hardship-1')).status).toBe(200);
    expect((await post('/opt-out', { channel: 'EMAIL' }, 'req-optout-1')).status).toBe(200);
    expect((await post('/preferences', { window: 'EVENING' }, 'req-prefs-1')).status).toBe(200);
    const records = (await pageRecords(ladder, 'LU-A2')).slice(before);
    expect(records.map((r) => [r.detail?.action, r.detail?.outcome, r.detail?.rule ?? null])).toEqual([
      ['promise', 'REFUSED', 'AMOUNT_OVER_BALANCE'],
      ['promise', 'REFUSED', 'BAD_REQUEST'],
      ['hardship', 'APPLIED', null],
      ['opt-out', 'APPLIED', null],
      ['preferences', 'APPLIED', null],
    ]);
    expect(records.every((r) => r.type === 'PAGE' && r.detail?.linkId === 'link-a')).toBe(true);
    // The borrower's settings are the link's: recorded on its other loan's page chain too.
    const other = (await pageRecords(ladder, 'LU-A1')).map((r) => r.detail);
    expect(other.slice(-2)).toEqual([
      expect.objectContaining({ action: 'opt-out', channel: 'EMAIL' }),
      expect.objectContaining({ action: 'preferences', outcome: 'APPLIED' }),
    ]);
    const all = await ladder.stores.ledger().list(pageLedgerId('LU-A2', 1));
    const { verifyChain } = await import('../../functions/domain/ledger.js');
    expect(verifyChain(all)).toEqual({ ok: true, records: all.length });
    expect(JSON.stringify(all)).not.toContain('9999');
  });
});

/** The stack's IAM with the borrower API's statement `sid` removed. */
function dropStatement(fn: { role?: iam.IRole }, sid: string): void {
  const policy = fn.role?.node.findChild('DefaultPolicy').node.defaultChild as iam.CfnPolicy;
  const original = policy.policyDocument;
  const without: IResolvable = {
    creationStack: [],
    resolve: (context: IResolveContext) => {
      const document = context.resolve(original) as { Statement: Array<{ Sid?: string }> };
      const kept = document.Statement.filter((s) => s.Sid !== sid);
      if (kept.length === document.Statement.length) throw new Error(`no statement ${sid}`);
      return { ...document, Statement: kept };
    },
    toString: () => `PolicyDocumentWithout${sid}`,
  };
  policy.policyDocument = without;
}

const stackIamWithout = (sid: string): Promise<StackIam> =>
  loadStackIam({
    partition: 'aws',
    region: 'local',
    account: '000000000000',
    stack: (app, id) => {
      const stack = new LadderStack(app, id);
      dropStatement(stack.ladder.borrowerApi.apiFunction, sid);
      return stack;
    },
  });

describe('the upload without its grant', () => {
  it.each([
    ['PutDisputeDocument', 's3:PutObject'],
    ['EncryptDisputeDocument', 'kms:GenerateDataKey'],
  ])(
    'without %s the local runtime refuses the upload (%s), and the dispute is not opened',
    async (sid, action) => {
      const ladder = await createLocalLadder({ start: START, iam: { stackIam: await stackIamWithout(sid) } });
      try {
        const post = caller(ladder, await loans(ladder));
        const upload = post('/loans/LU-A1/dispute', { reason: 'NOT_MINE', document: PDF.toString('base64') });
        const error = await upload.then(
          () => undefined,
          (e: Error) => e,
        );
        expect(error?.name).toMatch(/AccessDenied/);
        expect(error?.message).toContain(`not authorized to perform: ${action}`);
        for (const c of CONTACT) expect(error?.message).not.toContain(c);
        expect(ladder.evidenceObjects.size).toBe(0);
        const kase = (await ladder.stores.cases().borrowerView('BU-A')).cases.find(
          (c) => c.item.loanId === 'LU-A1',
        );
        expect(kase?.item.dispute).toBeUndefined();
      } finally {
        await ladder.close();
      }
    },
    120_000,
  );
});
