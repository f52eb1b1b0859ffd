import { describe, expect, it } from 'vitest';
import { auditLedgers, describeBroken, LedgerAudit } from '../../functions/domain/audit.js';
import { chain, GENESIS_HASH, type LedgerContent, type LedgerRecord } from '../../functions/domain/ledger.js';
import type { LedgerSeal } from '../../functions/domain/seal.js';
import { AT, audit, key, sealedChain } from './ledger-fixtures.js';

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

/**
 * The seal checks at their edges. Survivors judged equivalent (audit.ts): `typeof r === 'object'`
 * (and the same in isSeal) mutated to true, since any non-object fails the property checks after it
 * and neither a Scan nor JSON lines yields a function carrying record fields; `records[0]?.seq ?? 1`
 * where a chain without seals always has records that verified from seq 1; `options.key?.verify`,
 * called only when a key was given.
 */
describe('ledger audit with seals: edges', () => {
  it('seals arriving out of order are put in seq order (the newest vouches for the chain)', async () => {
    const a = await sealedChain('A', 3);
    expect(await audit(a.records, [...a.seals].reverse())).toEqual([]);
  });

  it('an unsealed chain younger than the grace period is waiting for its seals, not forged', async () => {
    const a = await sealedChain('A', 1);
    const young = { ...(a.records[0] as LedgerRecord) };
    expect(await audit([young], [], { now: Date.parse(young.at) + 3_600_000 })).toEqual([]);
    expect(await audit([young], [], { now: Date.parse(young.at) + 3_600_001 })).toEqual([
      'BROKEN loan A (ledger A#1) record seq 1: not sealed by the ledger writer: appended by someone else',
    ]);
  });

  it('a seal that names no record (seq 0) is a rewritten chain', async () => {
    const a = await sealedChain('A', 2);
    const stray = { ...(a.seals[0] as LedgerSeal), seq: 0 };
    expect(await audit(a.records, [stray, ...a.seals])).toEqual([
      'BROKEN loan A (ledger A#1) record seq 0: does not match its seal: the chain was rewritten',
    ]);
  });

  it('seals that are not seals are reported apart from records that are not records', async () => {
    const a = await sealedChain('A', 1);
    const good = a.seals[0] as LedgerSeal;
    const broken = [
      null,
      'seal',
      { ...good, ledgerId: 1 },
      { ...good, seq: 1.5 },
      { ...good, hash: undefined },
      { ...good, mac: 7 },
    ];
    const record = a.records[0] as LedgerRecord;
    const records = [
      record,
      { ...record, ledgerId: undefined },
      { ...record, seq: '1' },
      { ...record, hash: 1 },
      { ...record, prevHash: null },
    ];
    const ledgerAudit = new LedgerAudit();
    ledgerAudit.add(records);
    ledgerAudit.addSeals([...a.seals, ...broken]);
    const report = await ledgerAudit.report({ key, now: AT });
    expect(report.sealed).toBe(true);
    expect(report.records).toBe(5);
    expect(report.broken).toEqual([
      {
        ledgerId: '(unreadable)',
        loanId: '(unreadable)',
        records: 4,
        ok: false,
        problem: '4 record(s) without ledgerId, seq, hash or prevHash',
      },
      {
        ledgerId: '(unreadable)',
        loanId: '(unreadable)',
        records: 6,
        ok: false,
        problem: '6 seal(s) without ledgerId, seq, hash or mac',
      },
    ]);
    expect(report.broken.map(describeBroken)).toEqual([
      'BROKEN 4 record(s) without ledgerId, seq, hash or prevHash',
      'BROKEN 6 seal(s) without ledgerId, seq, hash or mac',
    ]);
  });

  it('a deleted chain names its loan from the chain id (loan#cycle)', async () => {
    const gone = await sealedChain('L-9', 2);
    expect(await audit([], gone.seals)).toEqual([
      'BROKEN loan L-9 (ledger L-9#1) record seq 2: every record is gone: the chain was sealed up to record 2',
    ]);
  });

  it("the loan named is the record's own, also when the chain id is not loan#cycle", async () => {
    const odd = chain({ seq: 0, hash: GENESIS_HASH }, { ...content('L-7', 'D+1'), ledgerId: 'export-7' });
    const report = await auditLedgers([{ ...odd, hash: 'x' }]);
    expect(report.broken.map(describeBroken)).toEqual([
      'BROKEN loan L-7 (ledger export-7) record seq 1: content was edited',
    ]);
  });
});
