import type { CaseStore } from '../adapters/case-store.js';
import { checkCompliance } from '../compliance/check.js';
import { type ComplianceSummary, summarize } from '../compliance/report.js';
import type { PolicyLookup, Violation } from '../compliance/types.js';
import type { BorrowerProfile, CaseRecord } from '../domain/case.js';
import type { LedgerRecord } from '../domain/ledger.js';

/**
 * The daily compliance check on AWS: the previous UTC day's records, judged by the same independent
 * check as `ladder audit compliance`, with the whole scanned ledger as history (earlier calls,
 * notices, first sends). The function may not Scan the cases table: it Queries the cases and
 * profiles of the borrowers concerned, loan by loan (byLoan index) and then borrower by borrower.
 */
export interface ComplianceDeps {
  cases: Pick<CaseStore, 'borrowerOfLoan' | 'borrowerView'>;
  policies: PolicyLookup;
}

const DAY = 86_400_000;
/** Queries in flight at once: a day of a large portfolio is thousands of borrowers. */
const PARALLEL = 16;

/** The UTC day before the one `now` falls in: [since, until). */
export function previousUtcDay(now: number): { since: number; until: number } {
  const until = Math.floor(now / DAY) * DAY;
  return { since: until - DAY, until };
}

async function inBatches<T, R>(items: readonly T[], fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  for (let i = 0; i < items.length; i += PARALLEL)
    results.push(...(await Promise.all(items.slice(i, i + PARALLEL).map(fn))));
  return results;
}

/**
 * The cases and profiles of every borrower with a record from a day before `since` up to `until`:
 * a phone line's or a debtor's daily cap counts the calls of the borrower's local day, which can
 * begin up to a day before the UTC day checked, and other borrowers' calls on the line count too.
 */
export async function readBorrowers(
  cases: ComplianceDeps['cases'],
  records: readonly LedgerRecord[],
  window: { since: number; until: number },
): Promise<{ profiles: BorrowerProfile[]; cases: CaseRecord[] }> {
  const near = (r: LedgerRecord) => {
    const t = Date.parse(r.at);
    return t >= window.since - DAY && t < window.until;
  };
  const loans = [...new Set(records.filter(near).map((r) => r.loanId))];
  const borrowers = new Set(
    (await inBatches(loans, (l) => cases.borrowerOfLoan(l))).filter((b) => b !== undefined),
  );
  const views = await inBatches([...borrowers], (b) => cases.borrowerView(b));
  return {
    profiles: views.flatMap((v) => (v.profile ? [v.profile.item] : [])),
    cases: views.flatMap((v) => v.cases.map((c) => c.item)),
  };
}

/** Every violation among the previous UTC day's records, and what was checked. */
export async function checkPreviousDay(
  deps: ComplianceDeps,
  records: readonly LedgerRecord[],
  now: number,
): Promise<{ violations: Violation[]; summary: ComplianceSummary }> {
  const window = previousUtcDay(now);
  const { profiles, cases } = await readBorrowers(deps.cases, records, window);
  const input = { records, profiles, cases };
  const options = { policies: deps.policies, ...window };
  const violations = checkCompliance(input, options);
  return { violations, summary: summarize(input, options, violations) };
}
