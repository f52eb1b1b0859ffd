import { describe, expect, it } from 'vitest';
import {
  attemptsOf,
  canonical,
  chain,
  GENESIS_HASH,
  type LedgerRecord,
  verifyChain,
} from '../../functions/domain/ledger.js';
import { FIRST, HASH_1, HASH_2, SECOND } from './ledger-fixtures.js';

/**
 * The ledger's chain checks, each problem by name (the fixed vectors HASH_1 and HASH_2 of
 * ledger-fixtures.ts), and the canonical JSON on values the record fixtures do not hold (checked with
 * Python's json.dumps(sort_keys=True, separators=(',', ':'), ensure_ascii=False)).
 *
 * Survivors judged equivalent (ledger.ts, canonical's key comparator `a < b ? -1 : a > b ? 1 : 0`):
 * `a <= b`, and the second test mutated to true, false, `a >= b` or `a <= b`. An object's keys are
 * distinct, so `a <= b` is `a < b`, and V8's Array#sort only asks whether a comparison is negative
 * (checked with node for 5 to 1,000 distinct keys), so what the comparator returns when `a < b` is
 * false does not change the order.
 */
const first = chain({ seq: 0, hash: GENESIS_HASH }, FIRST);
const second = chain(first, SECOND);

describe('verifyChain', () => {
  it('an empty chain and an intact one verify', () => {
    expect(verifyChain([])).toEqual({ ok: true, records: 0 });
    expect(verifyChain([first, second])).toEqual({ ok: true, records: 2 });
    expect([first.hash, second.hash, second.prevHash]).toEqual([HASH_1, HASH_2, HASH_1]);
  });

  it('a removed first record: the next one is not record 1', () => {
    expect(verifyChain([second])).toEqual({
      ok: false,
      seq: 2,
      problem: 'expected record 1: a record was removed or inserted',
    });
  });

  it('a record that does not link, and one whose content was edited', () => {
    const relinked = { ...second, prevHash: GENESIS_HASH };
    expect(verifyChain([first, relinked])).toEqual({
      ok: false,
      seq: 2,
      problem: 'does not link to the previous record',
    });
    const edited = { ...first, stage: 'D+2' };
    expect(verifyChain([edited, second])).toEqual({ ok: false, seq: 1, problem: 'content was edited' });
  });

  it('attemptsOf: every attempt with its record time, stage and rule pack', () => {
    expect(attemptsOf([first, second] as LedgerRecord[])).toEqual([
      { ...FIRST.attempts[0], at: FIRST.at, stage: 'D+1', rulePack: 'CN 2026.1' },
      { ...SECOND.attempts[0], at: SECOND.at, stage: 'D+3', rulePack: 'CN 2026.1' },
    ]);
  });
});

describe('canonical JSON', () => {
  it('sorts keys at every depth, keeps array order, writes null and escapes quotes', () => {
    expect(canonical({ b: [1, { d: null, c: 'x"y' }], a: true })).toBe(
      '{"a":true,"b":[1,{"c":"x\\"y","d":null}]}',
    );
    expect(canonical({ Z: 1, a: 2, _: 3 })).toBe('{"Z":1,"_":3,"a":2}');
    expect(canonical([])).toBe('[]');
    expect(canonical({ x: undefined })).toBe('{}');
  });
});
