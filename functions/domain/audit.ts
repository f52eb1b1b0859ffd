import { type LedgerRecord, verifyChain } from './ledger.js';
import { type LedgerSeal, type MacKey, sealMessage } from './seal.js';

/**
 * Audit of a whole ledger: records and seals in any order (a table Scan, a JSON-lines export) are
 * grouped by chain (ledgerId = loan#cycle), put in seq order and checked. `ladder audit verify` and
 * the audit Lambda both use it, so the local check and the one on AWS are the same code.
 *
 * The hash chain shows an edited, inserted or removed record. The seals (seal.ts) show the rest of
 * what someone with write access to the table could do: a chain re-hashed after an edit (a record no
 * longer matches its seal), a record appended outside the ledger writer (it has no seal), the newest
 * records cut off (a seal names a record that is gone), a chain deleted (its seals remain).
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
  /** Whether seals were checked (a key to verify their MACs was given). */
  sealed: boolean;
}

export interface AuditOptions {
  /** Verifies the newest seal of each chain (KMS VerifyMac on AWS, the local key file locally). */
  key?: Pick<MacKey, 'verify'>;
  /** The audit's time, and how long a new record may wait for its seal (a writer mid-append). */
  now?: number;
  graceMs?: number;
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

const isSeal = (value: unknown): value is LedgerSeal => {
  const s = value as Partial<LedgerSeal> | null;
  return (
    typeof s === 'object' &&
    s !== null &&
    typeof s.ledgerId === 'string' &&
    Number.isInteger(s.seq) &&
    typeof s.hash === 'string' &&
    typeof s.mac === 'string'
  );
};

const push = <T>(map: Map<string, T[]>, key: string, value: T) => {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
};

type Problem = { seq: number; problem: string };

/** What the seals say of a chain whose hashes verify: the first problem, or none. */
async function checkSeals(
  ledgerId: string,
  records: readonly LedgerRecord[],
  seals: readonly LedgerSeal[],
  options: AuditOptions,
): Promise<Problem | undefined> {
  const last = records.at(-1);
  const newest = seals.at(-1);
  if (!newest) {
    return last && unsealedTooLong(last, options)
      ? { seq: records[0]?.seq ?? 1, problem: 'not sealed by the ledger writer: appended by someone else' }
      : undefined;
  }
  if (!last)
    return {
      seq: newest.seq,
      problem: `every record is gone: the chain was sealed up to record ${newest.seq}`,
    };
  if (newest.seq > last.seq)
    return {
      seq: last.seq + 1,
      problem: `records were removed: the chain was sealed up to record ${newest.seq}`,
    };
  const bySeq = new Map(records.map((r) => [r.seq, r]));
  for (const s of seals) {
    if (bySeq.get(s.seq)?.hash !== s.hash)
      return { seq: s.seq, problem: 'does not match its seal: the chain was rewritten' };
  }
  const genuine = await options.key?.verify(sealMessage(ledgerId, newest.seq, newest.hash), newest.mac);
  if (!genuine) return { seq: newest.seq, problem: 'its seal is not genuine: the seal was forged' };
  const unsealed = records.find((r) => r.seq > newest.seq);
  if (unsealed && unsealedTooLong(unsealed, options))
    return { seq: unsealed.seq, problem: 'not sealed by the ledger writer: appended by someone else' };
  return undefined;
}

const unsealedTooLong = (record: LedgerRecord, options: AuditOptions): boolean =>
  (options.now ?? Number.POSITIVE_INFINITY) - Date.parse(record.at) > (options.graceMs ?? 0);

/** Collects records and seals (a page at a time, in any order) and checks every chain at the end. */
export class LedgerAudit {
  private readonly chains = new Map<string, LedgerRecord[]>();
  private readonly seals = new Map<string, LedgerSeal[]>();
  private unreadable = 0;
  private unreadableSeals = 0;
  private count = 0;

  add(records: Iterable<unknown>): void {
    for (const record of records) {
      this.count += 1;
      if (isRecord(record)) push(this.chains, record.ledgerId, record);
      else this.unreadable += 1;
    }
  }

  addSeals(seals: Iterable<unknown>): void {
    for (const s of seals) {
      if (isSeal(s)) push(this.seals, s.ledgerId, s);
      else this.unreadableSeals += 1;
    }
  }

  async report(options: AuditOptions = {}): Promise<AuditReport> {
    const ids = [...new Set([...this.chains.keys(), ...(options.key ? this.seals.keys() : [])])].sort();
    const chains: ChainReport[] = [];
    for (const ledgerId of ids) chains.push(await this.chain(ledgerId, options));
    const unreadable = (records: number, problem: string): ChainReport => ({
      ledgerId: UNREADABLE,
      loanId: UNREADABLE,
      records,
      ok: false,
      problem,
    });
    if (this.unreadable > 0)
      chains.push(
        unreadable(this.unreadable, `${this.unreadable} record(s) without ledgerId, seq, hash or prevHash`),
      );
    if (this.unreadableSeals > 0)
      chains.push(
        unreadable(
          this.unreadableSeals,
          `${this.unreadableSeals} seal(s) without ledgerId, seq, hash or mac`,
        ),
      );
    return {
      chains,
      records: this.count,
      broken: chains.filter((c) => !c.ok),
      sealed: options.key !== undefined,
    };
  }

  private async chain(ledgerId: string, options: AuditOptions): Promise<ChainReport> {
    // Stable sort: two records with one seq (an insertion) stay next to each other and fail the check.
    const records = [...(this.chains.get(ledgerId) ?? [])].sort((a, b) => a.seq - b.seq);
    const seals = [...(this.seals.get(ledgerId) ?? [])].sort((a, b) => a.seq - b.seq);
    const loanId =
      typeof records[0]?.loanId === 'string' ? records[0].loanId : (ledgerId.split('#')[0] ?? ledgerId);
    const chained = verifyChain(records);
    const problem = !chained.ok
      ? chained
      : options.key
        ? await checkSeals(ledgerId, records, seals, options)
        : undefined;
    const base = { ledgerId, loanId, records: records.length };
    return problem
      ? { ...base, ok: false, seq: problem.seq, problem: problem.problem }
      : { ...base, ok: true };
  }
}

/** Hash chains only (no seals): for tests and exports without a key. */
export function auditLedgers(records: Iterable<unknown>): Promise<AuditReport> {
  const audit = new LedgerAudit();
  audit.add(records);
  return audit.report();
}

/** One line per broken chain, naming the loan, the ledger and the record. */
export const describeBroken = (c: ChainReport): string =>
  c.ledgerId === UNREADABLE
    ? `BROKEN ${c.problem}`
    : `BROKEN loan ${c.loanId} (ledger ${c.ledgerId}) record seq ${c.seq}: ${c.problem}`;
