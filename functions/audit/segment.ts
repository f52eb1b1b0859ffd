import type { LedgerStore } from '../adapters/ledger-store.js';
import type { SealStore } from '../adapters/seal-store.js';
import { LedgerAudit } from '../domain/audit.js';
import type { LedgerRecord } from '../domain/ledger.js';
import { inBatches } from './parallel.js';

/**
 * One segment of the daily audit: DynamoDB parallel Scan segment `segment` of `totalSegments`, of the
 * ledger and of its seals. A Scan segment is a range of partition-key hashes, so every record of a
 * chain (partition key ledgerId) is in one segment of the ledger's Scan, and every seal of it in one
 * segment of the seals' Scan. DynamoDB does not promise that the two are the segment of the same
 * number (two tables), so each chain is owned by exactly one segment and completed by Query:
 *
 * - a chain with records here is this segment's; its seals, if this segment's seal Scan did not have
 *   them, are read by Query (one per such chain: none when the two Scans agree, as they do);
 * - seals here whose chain has no record here belong to the segment that has the records, unless the
 *   chain has none anywhere (one Query says): then its records were removed, and this segment reports it.
 *
 * So the segments together check every chain once, and count every record once. Without a segment
 * the whole table is one segment and no Query is made.
 */
export interface SegmentDeps {
  ledger: Pick<LedgerStore, 'scan' | 'latest'>;
  seals: Pick<SealStore, 'scan' | 'list'>;
}

export interface Segment {
  segment: number;
  totalSegments: number;
}

export interface ScannedSegment {
  /** The chains and seals this segment owns, ready to report. */
  audit: LedgerAudit;
  /** This segment's chains (records of one ledgerId), as scanned. */
  chains: Map<string, LedgerRecord[]>;
  /** Chains whose seals were read by Query, and seal sets dropped as another segment's. */
  reconciled: { sealsQueried: number; sealsOfOtherSegments: number };
}

const ledgerIdOf = (item: unknown): string | undefined => {
  const id = (item as { ledgerId?: unknown } | null)?.ledgerId;
  return typeof id === 'string' ? id : undefined;
};

const push = <T>(map: Map<string, T[]>, key: string, value: T) => {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
};

export async function readSegment(deps: SegmentDeps, part?: Segment): Promise<ScannedSegment> {
  const audit = new LedgerAudit();
  const chains = new Map<string, LedgerRecord[]>();
  for await (const page of deps.ledger.scan(part)) {
    audit.add(page);
    for (const item of page) {
      const id = ledgerIdOf(item);
      if (id !== undefined) push(chains, id, item);
    }
  }
  const seals = new Map<string, unknown[]>();
  for await (const page of deps.seals.scan(part)) {
    for (const item of page) {
      const id = ledgerIdOf(item);
      // A seal without a ledgerId is counted as unreadable where it was scanned.
      if (id === undefined) audit.addSeals([item]);
      else push(seals, id, item);
    }
  }
  const reconciled = { sealsQueried: 0, sealsOfOtherSegments: 0 };
  if (part && part.totalSegments > 1) {
    const unsealedHere = [...chains.keys()].filter((id) => !seals.has(id));
    await inBatches(unsealedHere, async (id) => {
      const found = await deps.seals.list(id);
      reconciled.sealsQueried += 1;
      if (found.length > 0) seals.set(id, found);
    });
    const recordsElsewhere = [...seals.keys()].filter((id) => !chains.has(id));
    await inBatches(recordsElsewhere, async (id) => {
      if (!(await deps.ledger.latest(id))) return;
      seals.delete(id);
      reconciled.sealsOfOtherSegments += 1;
    });
  }
  for (const list of seals.values()) audit.addSeals(list);
  return { audit, chains, reconciled };
}
