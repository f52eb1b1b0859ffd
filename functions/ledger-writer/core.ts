import type { LedgerStore } from '../adapters/ledger-store.js';
import type { SealStore } from '../adapters/seal-store.js';
import type { Clock } from '../domain/clock.js';
import { isoUtc } from '../domain/clock.js';
import { ConcurrentUpdateError, ValidationError } from '../domain/errors.js';
import { canonical, hashRecord, type LedgerRecord } from '../domain/ledger.js';
import { type MacKey, seal } from '../domain/seal.js';

/**
 * The ledger writer: the only principal that may append to the ledger and the only one that may make
 * seals. It appends the record (conditional on its seq being free) and seals it. It recomputes the
 * record's hash, so nothing it seals misstates its own content. The very same record again (a retry,
 * or `adopt`: the stage taking as its own a record an earlier attempt of its step wrote) is sealed if
 * it was not yet; a different record at a taken seq is a ConcurrentUpdateError, as before.
 */
export interface LedgerWriterDeps {
  ledger: Pick<LedgerStore, 'append' | 'get'>;
  seals: Pick<SealStore, 'put'>;
  key: MacKey;
  clock: Clock;
}

export function createLedgerWriterCore(deps: LedgerWriterDeps) {
  /** The record stored at the seq is exactly this one (every field), or a ConcurrentUpdateError. */
  async function sameAsStored(record: LedgerRecord): Promise<void> {
    const existing = await deps.ledger.get(record.ledgerId, record.seq);
    if (!existing || canonical(existing) !== canonical(record))
      throw new ConcurrentUpdateError(`ledger record ${record.seq} of ${record.ledgerId} is another record`);
  }

  return async function ledgerWriterCore(input: unknown): Promise<{ seq: number; hash: string }> {
    const { record, adopt } = (input ?? {}) as { record?: LedgerRecord; adopt?: boolean };
    if (!record || typeof record.ledgerId !== 'string' || !Number.isInteger(record.seq))
      throw new ValidationError('ledger writer: no record');
    const { seq, prevHash, hash, ...content } = record;
    if (hashRecord(content, seq, prevHash) !== hash)
      throw new ValidationError(
        `ledger writer: record ${seq} of ${record.ledgerId} does not hash to its hash`,
      );
    if (adopt) await sameAsStored(record);
    else {
      try {
        await deps.ledger.append(record);
      } catch (error) {
        if (!(error instanceof ConcurrentUpdateError)) throw error;
        await sameAsStored(record);
      }
    }
    await deps.seals.put(await seal(deps.key, record, isoUtc(deps.clock.now())));
    return { seq, hash };
  };
}
