import type { BorrowerView, CaseStore } from '../adapters/case-store.js';
import type { LedgerStore } from '../adapters/ledger-store.js';
import { checkCompliance, readable } from '../compliance/check.js';
import { type ComplianceSummary, summarize } from '../compliance/report.js';
import type { PolicyLookup, Violation } from '../compliance/types.js';
import { caseKey } from '../domain/case.js';
import { deliveryLedgerId, type LedgerRecord } from '../domain/ledger.js';
import { inBatches } from './parallel.js';

/**
 * The daily compliance check on AWS: the previous UTC day's records, judged by the same independent
 * check as `ladder audit compliance`. The function may not Scan the cases table: it Queries the
 * cases and profiles of the borrowers concerned, loan by loan (byLoan index), then borrower by
 * borrower.
 *
 * In a segmented audit (./segment.ts) each segment scanned a share of the chains, but the rules
 * count across a borrower's loans (a debtor's calls a day, one message per channel) and across the
 * borrowers who share a phone line, whose chains may be in other segments. So each borrower with a
 * record in the window is judged by exactly one segment, the one holding the smallest ledgerId among
 * the borrower's chains with a record in the window (every segment that meets the borrower computes
 * the same owner), and that segment reads the borrower's other chains by Query, and the chains of the
 * borrowers the phone line's call log names. A chain whose loan has no case is judged where it was
 * scanned (its records are UNVERIFIABLE). The segments' violations and counts then add up to the
 * whole ledger's.
 *
 * What a segment cannot see: a borrower on the same line whose calls have left the line's call log
 * (it keeps the calls its caps count), and a provider message id repeated by an unrelated borrower in
 * another segment (the check of one borrower's repeats is complete).
 */
export interface ComplianceDeps {
  cases: Pick<CaseStore, 'borrowerOfLoan' | 'borrowerView' | 'lineCalls'>;
  ledger: Pick<LedgerStore, 'list'>;
  policies: PolicyLookup;
}

const DAY = 86_400_000;

/** The UTC day before the one `now` falls in: [since, until). */
export function previousUtcDay(now: number): { since: number; until: number } {
  const until = Math.floor(now / DAY) * DAY;
  return { since: until - DAY, until };
}

/** What one run (a segment, or the whole ledger) judged, and what it found. */
export interface ComplianceRun {
  violations: Violation[];
  summary: ComplianceSummary;
}

/** The borrowers met in a scan, their views, and every chain read so far (scanned or queried). */
class Reader {
  readonly views = new Map<string, BorrowerView>();
  readonly history: Map<string, LedgerRecord[]>;
  /** Scanned chains with a record near the window, by the borrower of their loan ('' when none). */
  readonly nearByBorrower = new Map<string, string[]>();

  constructor(
    private readonly deps: ComplianceDeps,
    chains: ReadonlyMap<string, LedgerRecord[]>,
  ) {
    this.history = new Map(chains);
  }

  async borrowers(nearChains: ReadonlyArray<readonly [string, string]>): Promise<void> {
    const loans = [...new Set(nearChains.map(([, loanId]) => loanId))];
    const owner = new Map(
      await inBatches(loans, async (l) => [l, (await this.deps.cases.borrowerOfLoan(l)) ?? ''] as const),
    );
    for (const [id, loanId] of nearChains) {
      const b = owner.get(loanId) ?? '';
      this.nearByBorrower.set(b, [...(this.nearByBorrower.get(b) ?? []), id]);
    }
    await this.load([...this.nearByBorrower.keys()].filter(Boolean));
  }

  load(ids: Iterable<string>): Promise<unknown> {
    const todo = [...new Set(ids)].filter((b) => b && !this.views.has(b));
    return inBatches(todo, async (b) => void this.views.set(b, await this.deps.cases.borrowerView(b)));
  }

  /**
   * Every chain of the borrower: each case's ledger and its delivery chain (the providers' reports a
   * notice counts from), and the scanned ones of its loans, in ledgerId order.
   */
  ledgersOf(b: string): string[] {
    const own = (this.views.get(b)?.cases ?? []).flatMap(({ item: c }) => [
      caseKey(c.loanId, c.cycle),
      deliveryLedgerId(c.loanId, c.cycle),
    ]);
    return [...new Set([...own, ...(this.nearByBorrower.get(b) ?? [])])].sort();
  }

  fetch(ledgerIds: readonly string[]): Promise<unknown> {
    const todo = [...new Set(ledgerIds)].filter((id) => !this.history.has(id));
    return inBatches(todo, async (id) => void this.history.set(id, await this.deps.ledger.list(id)));
  }

  /** The borrowers who share the phone lines of `borrowers` (their lines' call logs name them). */
  async lineMates(borrowers: readonly string[]): Promise<void> {
    const lines = new Set(borrowers.map((b) => this.views.get(b)?.profile?.item.lineId ?? ''));
    lines.delete('');
    const logs = await inBatches([...lines], (l) => this.deps.cases.lineCalls(l));
    await this.load(logs.flatMap((log) => (log?.item.calls ?? []).map((c) => c.borrowerId ?? '')));
  }
}

/**
 * Every violation among the previous UTC day's records of the borrowers this scan owns. `chains` are
 * the scanned chains; `whole` says they are the whole ledger (no Query needed, everyone is owned).
 */
export async function checkPreviousDay(
  deps: ComplianceDeps,
  chains: ReadonlyMap<string, LedgerRecord[]>,
  now: number,
  whole: boolean,
): Promise<ComplianceRun> {
  const window = previousUtcDay(now);
  // A cap counts the borrower's local day, which can begin up to a day before the UTC day checked.
  const near = (r: LedgerRecord) => {
    const t = Date.parse(r.at);
    return t >= window.since - DAY && t < window.until;
  };
  const nearChains: Array<[string, string]> = [];
  for (const [id, records] of chains) {
    const ok = readable(records);
    if (ok.some(near)) nearChains.push([id, ok[0]?.loanId ?? '']);
  }
  const reader = new Reader(deps, chains);
  await reader.borrowers(nearChains);
  const borrowers = [...reader.views.keys()];
  // The owner: the segment that scanned the smallest of the borrower's ledgerIds with a record near.
  // Only the borrower's chains before the first near one scanned here can take it elsewhere.
  const firstHere = (b: string) => (reader.nearByBorrower.get(b) ?? []).sort()[0] ?? '';
  const before = (b: string) => reader.ledgersOf(b).filter((id) => id < firstHere(b));
  if (!whole) await reader.fetch(borrowers.flatMap(before));
  const owned = borrowers.filter(
    (b) => whole || !before(b).some((id) => readable(reader.history.get(id) ?? []).some(near)),
  );
  if (!whole) await reader.fetch(owned.flatMap((b) => reader.ledgersOf(b)));
  const judgedLedgers = new Set([
    ...owned.flatMap((b) => reader.ledgersOf(b)),
    ...(reader.nearByBorrower.get('') ?? []),
  ]);
  if (!whole) {
    const known = new Set(reader.views.keys());
    await reader.lineMates(owned);
    const mates = [...reader.views.keys()].filter((b) => !known.has(b));
    await reader.fetch(mates.flatMap((b) => reader.ledgersOf(b)));
  }
  const views = [...reader.views.values()];
  const input = {
    records: [...(whole ? chains : reader.history).values()].flat(),
    profiles: views.flatMap((v) => (v.profile ? [v.profile.item] : [])),
    cases: views.flatMap((v) => v.cases.map((c) => c.item)),
  };
  const options = { policies: deps.policies, ...window };
  const violations = checkCompliance(input, options).filter((v) =>
    judgedLedgers.has(caseKey(v.loanId, v.cycle)),
  );
  const judged = {
    records: [...judgedLedgers].flatMap((id) => reader.history.get(id) ?? []),
    profiles: [],
    cases: owned.flatMap((b) => (reader.views.get(b)?.cases ?? []).map((c) => c.item)),
  };
  return { violations, summary: summarize(judged, options, violations) };
}
