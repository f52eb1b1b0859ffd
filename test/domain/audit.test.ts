import { describe, expect, it } from 'vitest';
import { auditLedgers, describeBroken } from '../../functions/domain/audit.js';
import { chain, GENESIS_HASH, type LedgerContent, type LedgerRecord } from '../../functions/domain/ledger.js';

const content = (loanId: string, stage: string): LedgerContent => ({
  ledgerId: `${loanId}#1`,
  loanId,
  cycle: 1,
  type: 'CONTACT',
  at: '2026-12-11T01:00:00.000Z',
  stage,
  policyId: 'default',
  policyVersion: 1,
  rulePackId: 'CN',
  rulePackVersion: '2026.1',
  attempts: [{ channel: 'SMS', status: 'SENT', templateId: 'first-notice', templateVersion: 1 }],
});
const ledger = (loanId: string, n: number): LedgerRecord[] => {
  const out: LedgerRecord[] = [];
  let head = { seq: 0, hash: GENESIS_HASH };
  for (let i = 0; i < n; i++) {
    const record = chain(head, content(loanId, `D+${i}`));
    out.push(record);
    head = record;
  }
  return out;
};

describe('ledger audit (grouping and verification)', async () => {
  it('verifies chains whose records arrive interleaved and out of order, as a Scan returns them', async () => {
    const a = ledger('A', 3);
    const b = ledger('B', 2);
    const report = await auditLedgers([b[1], a[2], a[0], b[0], a[1]]);
    expect(report.broken).toEqual([]);
    expect(report.records).toBe(5);
    expect(report.chains.map((c) => [c.ledgerId, c.records, c.ok])).toEqual([
      ['A#1', 3, true],
      ['B#1', 2, true],
    ]);
  });

  it('names the chain, the loan and the first record that breaks it', async () => {
    const a = ledger('A', 3);
    const b = ledger('B', 3);
    const edited = { ...(b[1] as LedgerRecord), rulePackVersion: '2026.2' };
    const report = await auditLedgers([...a, b[0], edited, b[2]]);
    expect(report.broken.map(describeBroken)).toEqual([
      'BROKEN loan B (ledger B#1) record seq 2: content was edited',
    ]);
  });

  it('a duplicated seq (an insertion with a key the table would refuse) breaks the chain', async () => {
    const a = ledger('A', 3);
    const report = await auditLedgers([...a, { ...(a[1] as LedgerRecord) }]);
    expect(report.broken[0]).toMatchObject({ ledgerId: 'A#1', seq: 2, ok: false });
  });

  it('records that are not records at all are reported, not skipped', async () => {
    const report = await auditLedgers([...ledger('A', 2), null, { seq: 1 }]);
    expect(report.broken.map(describeBroken)).toEqual([
      'BROKEN 2 record(s) without ledgerId, seq, hash or prevHash',
    ]);
  });
});
