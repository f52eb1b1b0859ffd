import { type LedgerRecord, verifyChain } from './ledger.js';

/**
 * Audit of a whole ledger: records in any order (a table Scan, a JSON-lines export) are grouped by
 * chain (ledgerId = loan#cycle), put in seq order and verified with `verifyChain`. `ladder audit
 * verify` and the audit Lambda both use it, so the local check and the one on AWS are the same code.
 *
 * What a hash chain proves: an edited, inserted or removed record breaks the chain at that record.
 * It cannot show that the newest records of a chain were removed (the chain is still consistent up to
 * its new end); the chain head (seq and hash) travels in the execution's state, so a Step Functions
 * execution history shows it, and the point-in-time recovery of the table keeps earlier versions.
 */
export interface ChainReport {
  ledgerId: string;
  loanId: string;
  records: number;
  ok: boolean;
  /** The first record that breaks the chain. */
  seq?: number;
  problem?: string;
}

export interface AuditReport {
  chains: ChainReport[];
  records: number;
  broken: ChainReport[];
}

const UNREADABLE = '(unreadable)';

const isRecord = (value: unknown): value is LedgerRecord => {
  const r = value as Partial<LedgerRecord> | null;
  return (
    typeof r === 'object' &&
    r !== null &&
    typeof r.ledgerId === 'string' &&
    Number.isInteger(r.seq) &&
    typeof r.hash === 'string' &&
    typeof r.prevHash === 'string'
  );
};

/** Collects records (a page at a time, in any order) and verifies every chain at the end. */
export class LedgerAudit {
  private readonly chains = new Map<string, LedgerRecord[]>();
  private unreadable = 0;
  private count = 0;

  add(records: Iterable<unknown>): void {
    for (const record of records) {
      this.count += 1;
      if (!isRecord(record)) {
        this.unreadable += 1;
        continue;
      }
      const chain = this.chains.get(record.ledgerId);
      if (chain) chain.push(record);
      else this.chains.set(record.ledgerId, [record]);
    }
  }

  report(): AuditReport {
    const chains: ChainReport[] = [];
    for (const [ledgerId, records] of [...this.chains].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      // Stable sort: two records with one seq (an insertion) stay next to each other and fail the check.
      const ordered = [...records].sort((a, b) => a.seq - b.seq);
      const result = verifyChain(ordered);
      const loanId = typeof ordered[0]?.loanId === 'string' ? ordered[0].loanId : ledgerId.split('#')[0];
      chains.push(
        result.ok
          ? { ledgerId, loanId: loanId ?? ledgerId, records: records.length, ok: true }
          : {
              ledgerId,
              loanId: loanId ?? ledgerId,
              records: records.length,
              ok: false,
              seq: result.seq,
              problem: result.problem,
            },
      );
    }
    if (this.unreadable > 0) {
      chains.push({
        ledgerId: UNREADABLE,
        loanId: UNREADABLE,
        records: this.unreadable,
        ok: false,
        problem: `${this.unreadable} record(s) without ledgerId, seq, hash or prevHash`,
      });
    }
    return { chains, records: this.count, broken: chains.filter((c) => !c.ok) };
  }
}

export function auditLedgers(records: Iterable<unknown>): AuditReport {
  const audit = new LedgerAudit();
  audit.add(records);
  return audit.report();
}

/** One line per broken chain, naming the loan, the ledger and the record. */
export const describeBroken = (c: ChainReport): string =>
  c.ledgerId === UNREADABLE
    ? `BROKEN ${c.problem}`
    : `BROKEN loan ${c.loanId} (ledger ${c.ledgerId}) record seq ${c.seq}: ${c.problem}`;
