import { describe, expect, it } from 'vitest';
import { owedAt } from '../../functions/domain/balance.js';
import type { CaseRecord } from '../../functions/domain/case.js';
import { buildEvidencePack, noteRefs, renderEvidenceDocument } from '../../functions/domain/evidence.js';
import { chain, GENESIS_HASH, type LedgerRecord } from '../../functions/domain/ledger.js';
import { caseRecord, POLICY, promiseToPay, repaymentPlan } from './fixtures.js';
import { FIRST, HASH_1, HASH_2, SECOND } from './ledger-fixtures.js';

/**
 * The evidence pack legal receives, and the document a lawyer reads, written out in full for one case
 * with every part (payments given out of order, an overpayment, a promise, a plan, a resolved dispute,
 * a recalled placement, two notices) over the two-record ledger of the fixed vectors (HASH_1, HASH_2),
 * and for one with none of them.
 */
const NOW = '2026-12-20T00:00:00.000Z';
const owedFor = (c: CaseRecord) => (at: number) => owedAt(c, POLICY, at, 'Asia/Shanghai');
const first = chain({ seq: 0, hash: GENESIS_HASH }, FIRST);
const LEDGER: LedgerRecord[] = [first, chain(first, SECOND)];

const FULL: CaseRecord = caseRecord({
  status: 'CURED',
  paidMinor: 130000,
  payments: [
    { paymentId: 'P2', amountMinor: 30000, paidAt: '2026-12-15T02:00:00.000Z', recordedAt: 'r' },
    { paymentId: 'P1', amountMinor: 20000, paidAt: '2026-12-12T02:00:00.000Z', recordedAt: 'r' },
    { paymentId: 'P3', amountMinor: 80000, paidAt: '2026-12-18T02:00:00.000Z', recordedAt: 'r' },
  ],
  promises: [
    promiseToPay('BROKEN', '2026-12-13', { amountMinor: 10000, madeAt: '2026-12-11T03:00:00.000Z' }),
  ],
  plan: repaymentPlan({
    instalments: [
      { amountMinor: 60000, date: '2026-12-20' },
      { amountMinor: 60000, date: '2027-01-20' },
    ],
    acceptedAt: '2026-12-14T00:00:00.000Z',
    status: 'ACTIVE',
  }),
  dispute: {
    openedAt: '2026-12-12T00:00:00.000Z',
    resolvedAt: '2026-12-13T00:00:00.000Z',
    inFavourOf: 'lender',
  },
  agency: {
    placedAt: '2026-12-16T00:00:00.000Z',
    recalledAt: '2026-12-18T03:00:00.000Z',
    recallReason: 'PAID',
  },
  notices: { FIELD_VISIT: '2026-12-14T01:00:00.000Z', CREDIT_REPORT: '2026-12-15T01:00:00.000Z' },
});

describe('buildEvidencePack', () => {
  it('a case with every part: balance history in payment order and never below zero', () => {
    expect(buildEvidencePack(FULL, LEDGER, NOW, owedFor(FULL))).toStrictEqual({
      generatedAt: NOW,
      loan: {
        loanId: 'L-1',
        cycle: 1,
        borrowerId: 'B-1',
        policy: 'default v1',
        currency: 'CNY',
        amountDue: '1200.00',
        paid: '1300.00',
        balance: '0.00',
        penaltyInterest: '0.00',
        fees: '0.00',
        dueDate: '2026-12-10',
        openedAt: '2026-12-06T00:00:00.000Z',
        status: 'CURED',
      },
      balanceHistory: [
        { at: '2026-12-06T00:00:00.000Z', event: 'DUE', amount: '1200.00', balance: '1200.00' },
        { at: '2026-12-12T02:00:00.000Z', event: 'PAYMENT P1', amount: '200.00', balance: '1000.00' },
        { at: '2026-12-15T02:00:00.000Z', event: 'PAYMENT P2', amount: '300.00', balance: '700.00' },
        { at: '2026-12-18T02:00:00.000Z', event: 'PAYMENT P3', amount: '800.00', balance: '0.00' },
      ],
      promises: [
        { madeAt: '2026-12-11T03:00:00.000Z', amount: '100.00', date: '2026-12-13', status: 'BROKEN' },
      ],
      plan: {
        acceptedAt: '2026-12-14T00:00:00.000Z',
        status: 'ACTIVE',
        instalments: [
          { date: '2026-12-20', amount: '600.00' },
          { date: '2027-01-20', amount: '600.00' },
        ],
      },
      // Passed through as recorded on the case.
      dispute: FULL.dispute,
      agency: FULL.agency,
      notices: FULL.notices,
      attempts: [
        {
          at: '2026-12-11T01:00:00.000Z',
          stage: 'D+1',
          channel: 'SMS',
          status: 'SENT',
          template: 'first-notice v1',
          rulePack: 'CN 2026.1',
          providerRef: 'msg-1',
        },
        {
          at: '2026-12-13T01:00:00.000Z',
          stage: 'D+3',
          channel: 'EMAIL',
          status: 'BLOCKED',
          reason: 'OPTED_OUT_EMAIL',
          rulePack: 'CN 2026.1',
        },
      ],
      ledger: { records: 2, lastHash: HASH_2, verified: true },
      notes: [],
    });
  });

  it('a case with none: no plan, dispute or placement in the pack; an empty ledger', () => {
    const pack = buildEvidencePack(caseRecord(), [], NOW, owedFor(caseRecord()));
    expect(Object.keys(pack)).toEqual([
      'generatedAt',
      'loan',
      'balanceHistory',
      'promises',
      'notices',
      'attempts',
      'ledger',
      'notes',
    ]);
    expect(pack.ledger).toStrictEqual({ records: 0, lastHash: '', verified: true });
    expect(pack.balanceHistory).toHaveLength(1);
  });

  it('an edited ledger is reported as such, and an agent outcome is listed', () => {
    const edited = {
      ...(LEDGER[1] as LedgerRecord),
      attempts: [{ channel: 'CALL', status: 'SENT' as const, outcome: 'NO_ANSWER' }],
    };
    const pack = buildEvidencePack(caseRecord(), [first, edited], NOW, owedFor(caseRecord()));
    expect(pack.ledger).toStrictEqual({
      records: 2,
      lastHash: HASH_2,
      verified: false,
      problem: 'record 2: content was edited',
    });
    expect(pack.attempts[1]).toStrictEqual({
      at: '2026-12-13T01:00:00.000Z',
      stage: 'D+3',
      channel: 'CALL',
      status: 'SENT',
      outcome: 'NO_ANSWER',
      rulePack: 'CN 2026.1',
    });
    expect(renderEvidenceDocument(pack)).toContain(
      `| 2026-12-13T01:00:00.000Z | D+3 | CALL | SENT | NO_ANSWER |  | CN 2026.1 |`,
    );
    expect(renderEvidenceDocument(pack)).toContain(
      `2 records, hash-chained; last hash ${HASH_2}; chain BROKEN (record 2: content was edited).`,
    );
  });
});

describe('renderEvidenceDocument', () => {
  it('the full case, as a lawyer reads it', () => {
    expect(renderEvidenceDocument(buildEvidencePack(FULL, LEDGER, NOW, owedFor(FULL)))).toBe(
      [
        '# Evidence pack: loan L-1, cycle 1',
        '',
        'Generated 2026-12-20T00:00:00.000Z. Borrower B-1; policy default v1.',
        '',
        'Amount due 1200.00 CNY on 2026-12-10; paid 1300.00; balance 0.00 (penalty interest 0.00, fees 0.00). Status CURED.',
        '',
        '## Balance history',
        '',
        '| at | event | amount | balance |',
        '|---|---|---|---|',
        '| 2026-12-06T00:00:00.000Z | DUE | 1200.00 | 1200.00 |',
        '| 2026-12-12T02:00:00.000Z | PAYMENT P1 | 200.00 | 1000.00 |',
        '| 2026-12-15T02:00:00.000Z | PAYMENT P2 | 300.00 | 700.00 |',
        '| 2026-12-18T02:00:00.000Z | PAYMENT P3 | 800.00 | 0.00 |',
        '',
        '## Contact attempts (allowed and not)',
        '',
        '| at | stage | channel | status | reason / outcome | template | rule pack |',
        '|---|---|---|---|---|---|---|',
        '| 2026-12-11T01:00:00.000Z | D+1 | SMS | SENT |  | first-notice v1 | CN 2026.1 |',
        '| 2026-12-13T01:00:00.000Z | D+3 | EMAIL | BLOCKED | OPTED_OUT_EMAIL |  | CN 2026.1 |',
        '',
        '## Promises to pay',
        '',
        '| made | amount | by | status |',
        '|---|---|---|---|',
        '| 2026-12-11T03:00:00.000Z | 100.00 | 2026-12-13 | BROKEN |',
        '',
        '## Repayment plan',
        '',
        'Accepted 2026-12-14T00:00:00.000Z, ACTIVE: 600.00 by 2026-12-20; 600.00 by 2027-01-20.',
        '',
        '## Dispute, placement, notices',
        '',
        'Dispute: opened 2026-12-12T00:00:00.000Z, resolved 2026-12-13T00:00:00.000Z for the lender.',
        'Agency: placed 2026-12-16T00:00:00.000Z, recalled 2026-12-18T03:00:00.000Z.',
        'Notices: FIELD_VISIT sent 2026-12-14T01:00:00.000Z; CREDIT_REPORT sent 2026-12-15T01:00:00.000Z.',
        '',
        "## Agents' notes and visit reports",
        '',
        'None.',
        '',
        '## Ledger',
        '',
        `2 records, hash-chained; last hash ${HASH_2}; chain verified.`,
        '',
      ].join('\n'),
    );
  });

  it('what a case without promises, plan, dispute, placement or notices says instead', () => {
    const doc = renderEvidenceDocument(buildEvidencePack(caseRecord(), [first], NOW, owedFor(caseRecord())));
    expect(doc).toContain('## Promises to pay\n\nNone.\n\n## Repayment plan\n\nNone.\n');
    expect(doc).toContain('Dispute: none.\nAgency: not placed.\nNotices: none.\n');
    expect(doc).toContain(`1 records, hash-chained; last hash ${HASH_1}; chain verified.`);
  });

  it('an open dispute and a placement not recalled say only when they began', () => {
    const c = caseRecord({
      dispute: { openedAt: '2026-12-12T00:00:00.000Z' },
      agency: { placedAt: '2026-12-16T00:00:00.000Z' },
    });
    const doc = renderEvidenceDocument(buildEvidencePack(c, [], NOW, owedFor(c)));
    expect(doc).toContain(
      'Dispute: opened 2026-12-12T00:00:00.000Z.\nAgency: placed 2026-12-16T00:00:00.000Z.\n',
    );
  });

  it("lists every dispute's document by key and hash, an earlier dispute's first, never its content", () => {
    const doc = (sha: string, type: 'application/pdf' | 'image/png', ext: string) => ({
      key: `dispute-documents/L-1/${sha}.${ext}`,
      sha256: sha,
      type,
      bytes: 1234,
    });
    const earlier = doc('a'.repeat(64), 'image/png', 'png');
    const current = doc('b'.repeat(64), 'application/pdf', 'pdf');
    const c = caseRecord({
      disputeHistory: [
        { openedAt: '2026-12-10T00:00:00.000Z', resolvedAt: '2026-12-11T00:00:00.000Z', document: earlier },
      ],
      dispute: { openedAt: '2026-12-12T00:00:00.000Z', reason: 'ALREADY_PAID', document: current },
    });
    const pack = buildEvidencePack(c, [], NOW, owedFor(c));
    expect(pack.disputeDocuments).toEqual([earlier, current]);
    expect(renderEvidenceDocument(pack)).toContain(
      'Dispute: opened 2026-12-12T00:00:00.000Z.\n' +
        `Dispute document: dispute-documents/L-1/${'a'.repeat(64)}.png (image/png, 1234 bytes, SHA-256 ${'a'.repeat(64)}).\n` +
        `Dispute document: dispute-documents/L-1/${'b'.repeat(64)}.pdf (application/pdf, 1234 bytes, SHA-256 ${'b'.repeat(64)}).\n`,
    );
    const none = caseRecord({ dispute: { openedAt: '2026-12-12T00:00:00.000Z' } });
    expect(buildEvidencePack(none, [], NOW, owedFor(none))).not.toHaveProperty('disputeDocuments');
  });
});

describe("agents' notes in the pack", () => {
  const at = '2026-12-17T02:00:00.000Z';
  const call = chain(first, {
    ...SECOND,
    at,
    stage: 'D+7',
    attempts: [{ channel: 'CALL', status: 'SENT', outcome: 'REFUSED' }],
    detail: { noteId: 'n-1', noteSha256: 'a'.repeat(64) },
  });

  it('the records that name a note, in ledger order', () => {
    expect(noteRefs([first, call])).toEqual([
      { at, stage: 'D+7', channel: 'CALL', seq: 2, noteId: 'n-1', sha256: 'a'.repeat(64) },
    ]);
  });

  it('each note quoted under its record, with whether the text matches, or that it was erased', () => {
    const notes = [
      {
        at,
        stage: 'D+7',
        channel: 'CALL',
        seq: 2,
        noteId: 'n-1',
        sha256: 'a'.repeat(64),
        text: 'Lost job.\nCall in March.',
        matches: true,
      },
      { at, stage: 'D+30', channel: 'VISIT', seq: 5, noteId: 'n-2', sha256: 'b'.repeat(64), matches: false },
    ];
    const doc = renderEvidenceDocument(
      buildEvidencePack(caseRecord(), [first], NOW, owedFor(caseRecord()), notes),
    );
    expect(doc).toContain(
      [
        "## Agents' notes and visit reports",
        '',
        `### ${at}, D+7 CALL (record 2; SHA-256 ${'a'.repeat(64)}, matches)`,
        '',
        '> Lost job.',
        '> Call in March.',
        '',
        `### ${at}, D+30 VISIT (record 5; SHA-256 ${'b'.repeat(64)}, text erased)`,
        '',
        '(erased)',
        '',
        '## Ledger',
      ].join('\n'),
    );
  });
});
