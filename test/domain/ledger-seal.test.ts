import { describe, expect, it } from 'vitest';
import { LedgerAudit } from '../../functions/domain/audit.js';
import {
  canonical,
  chain,
  GENESIS_HASH,
  hashRecord,
  type LedgerContent,
  type LedgerRecord,
} from '../../functions/domain/ledger.js';
import { hmacKey, seal, sealMessage } from '../../functions/domain/seal.js';
import {
  AT,
  audit,
  CANONICAL_FIRST,
  FIRST,
  HASH_1,
  HASH_2,
  KEY,
  MAC_2,
  SECOND,
  sealedChain,
} from './ledger-fixtures.js';

/**
 * Survivor judged equivalent (seal.ts): `update(message, 'utf8')` with the encoding mutated to '',
 * which Node reads as its default, UTF-8 (the vectors hold é and 中, so another encoding would fail).
 */
describe('ledger hashing and seals: fixed test vectors', () => {
  it('canonical JSON sorts keys, drops undefined and keeps non-ASCII as is', () => {
    expect(canonical(FIRST)).toBe(CANONICAL_FIRST);
  });

  it('record hashes are SHA-256 over prevHash, seq and the canonical content', () => {
    expect(hashRecord(FIRST, 1, GENESIS_HASH)).toBe(HASH_1);
    const first = chain({ seq: 0, hash: GENESIS_HASH }, FIRST);
    const second = chain(first, SECOND);
    expect([first.seq, first.hash, second.seq, second.prevHash, second.hash]).toEqual([
      1,
      HASH_1,
      2,
      HASH_1,
      HASH_2,
    ]);
  });

  it('a seal is HMAC-SHA256 over the versioned seal message', async () => {
    expect(sealMessage('L-1#1', 2, HASH_2)).toBe(`ladder-seal-v1\nL-1#1\n2\n${HASH_2}`);
    const key = hmacKey(KEY, 'local:test');
    expect(await key.mac(sealMessage('L-1#1', 2, HASH_2))).toBe(MAC_2);
    expect(await key.verify(sealMessage('L-1#1', 2, HASH_2), MAC_2)).toBe(true);
    expect(await key.verify(sealMessage('L-1#1', 3, HASH_2), MAC_2)).toBe(false);
    expect(await key.verify(sealMessage('L-1#1', 2, HASH_2), MAC_2.replace(/^e/, 'f'))).toBe(false);
    expect(await key.verify(sealMessage('L-1#1', 2, HASH_2), 'e6')).toBe(false);
  });
});

/** Re-chains records from `from` on, as someone with write access but no key would after an edit. */
function rehash(records: LedgerRecord[], from: number, edit: Partial<LedgerContent>): LedgerRecord[] {
  const out = records.slice(0, from);
  let head = from === 0 ? { seq: 0, hash: GENESIS_HASH } : (out.at(-1) as LedgerRecord);
  for (const r of records.slice(from)) {
    const { seq: _s, prevHash: _p, hash: _h, ...content } = r;
    const next = chain(head, r.seq === from + 1 ? { ...content, ...edit } : content);
    out.push(next);
    head = next;
  }
  return out;
}

describe('ledger audit with seals: what a writer without the key cannot hide', () => {
  it('an intact, sealed ledger verifies', async () => {
    const a = await sealedChain('A', 3);
    const b = await sealedChain('B', 2);
    expect(await audit([...a.records, ...b.records], [...b.seals, ...a.seals])).toEqual([]);
  });

  it('an edit with the chain re-hashed after it: the record no longer matches its seal', async () => {
    const a = await sealedChain('A', 4);
    const forged = rehash(a.records, 1, { rulePackVersion: '2026.9' });
    expect(await audit(forged, a.seals)).toEqual([
      'BROKEN loan A (ledger A#1) record seq 2: does not match its seal: the chain was rewritten',
    ]);
  });

  it('a record appended at the end by someone other than the writer has no seal', async () => {
    const a = await sealedChain('A', 2);
    const extra = chain(a.records[1] as LedgerRecord, {
      ...FIRST,
      ledgerId: 'A#1',
      loanId: 'A',
      stage: 'D+90',
    });
    expect(await audit([...a.records, extra], a.seals)).toEqual([
      'BROKEN loan A (ledger A#1) record seq 3: not sealed by the ledger writer: appended by someone else',
    ]);
  });

  it('a whole chain forged with no seals at all is not trusted', async () => {
    const a = await sealedChain('A', 2);
    expect(await audit(a.records, [])).toEqual([
      'BROKEN loan A (ledger A#1) record seq 1: not sealed by the ledger writer: appended by someone else',
    ]);
  });

  it('the newest records cut off: a seal names a record that is gone', async () => {
    const a = await sealedChain('A', 4);
    expect(await audit(a.records.slice(0, 2), a.seals)).toEqual([
      'BROKEN loan A (ledger A#1) record seq 3: records were removed: the chain was sealed up to record 4',
    ]);
  });

  it('a whole chain deleted: its seals remain', async () => {
    const a = await sealedChain('A', 2);
    const b = await sealedChain('B', 3);
    expect(await audit(a.records, [...a.seals, ...b.seals])).toEqual([
      'BROKEN loan B (ledger B#1) record seq 3: every record is gone: the chain was sealed up to record 3',
    ]);
  });

  it('a seal made without the key is not genuine', async () => {
    const a = await sealedChain('A', 2);
    const forged = rehash(a.records, 1, { stage: 'D+99' });
    const fake = await seal(hmacKey(new Uint8Array(32), 'guess'), forged[1] as LedgerRecord, FIRST.at);
    expect(await audit(forged, [a.seals[0], fake])).toEqual([
      'BROKEN loan A (ledger A#1) record seq 2: its seal is not genuine: the seal was forged',
    ]);
  });

  it('a record younger than the grace period may still be waiting for its seal', async () => {
    const a = await sealedChain('A', 2);
    const fresh = chain(a.records[1] as LedgerRecord, {
      ...FIRST,
      ledgerId: 'A#1',
      loanId: 'A',
      at: new Date(AT - 60_000).toISOString(),
    });
    expect(await audit([...a.records, fresh], a.seals)).toEqual([]);
    expect(await audit([...a.records, fresh], a.seals, { graceMs: 0 })).toHaveLength(1);
  });

  it('without a key the report says the seals were not checked', async () => {
    const a = await sealedChain('A', 2);
    const plain = new LedgerAudit();
    plain.add(a.records.slice(0, 1));
    plain.addSeals(a.seals);
    const report = await plain.report();
    expect([report.sealed, report.broken.length]).toEqual([false, 0]);
  });
});
