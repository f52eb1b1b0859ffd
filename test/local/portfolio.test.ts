import { isDeepStrictEqual } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { runPortfolio } from '../../local/portfolio.js';
import { batchesOf, partOf } from '../../local/portfolio-worker.js';
import { samplePortfolio } from '../../local/sample.js';
import { runWindow, type SimulationResult, simulate } from '../../local/simulate.js';
import { mergeSummaries } from '../../local/summary-merge.js';

/**
 * A portfolio run in parts (local/portfolio.ts: workers, then batches of borrowers in each) gives the
 * loans and the summary of one run over the whole portfolio: checked here against that one run.
 */
const borrower = (id: string) => ({ borrower: { borrowerId: id } });

describe('splitting a portfolio', () => {
  const loans = ['a', 'b', 'a', 'c', 'd', 'b', 'e'].map(borrower);

  it('deals borrowers round-robin to parts, every loan of a borrower to the same part', () => {
    const parts = [0, 1].map((p) => partOf(loans, p, 2).map((l) => l.borrower.borrowerId));
    expect(parts).toEqual([
      ['a', 'a', 'c', 'e'],
      ['b', 'd', 'b'],
    ]);
  });

  it('batches whole borrowers, at most `size` loans unless one borrower has more', () => {
    const ids = (batches: Array<typeof loans>) => batches.map((b) => b.map((l) => l.borrower.borrowerId));
    // a's two loans, then b's two would make four: b starts the next batch.
    expect(ids(batchesOf(loans, 3))).toEqual([
      ['a', 'a'],
      ['b', 'b', 'c'],
      ['d', 'e'],
    ]);
    expect(ids(batchesOf(loans, 1))).toEqual([['a', 'a'], ['b', 'b'], ['c'], ['d'], ['e']]);
    expect(batchesOf(loans, 100).flat()).toHaveLength(loans.length);
  });
});

describe('a portfolio run in batches', () => {
  const scenario = { seed: 5, loans: samplePortfolio(24, 5) };
  let whole: SimulationResult;
  let parts: SimulationResult[];
  beforeAll(async () => {
    whole = await simulate(scenario, { fast: true });
    const window = runWindow(scenario);
    parts = [];
    for (const part of [0, 1])
      for (const loans of batchesOf(partOf(scenario.loans, part, 2), 7))
        parts.push(await simulate({ ...scenario, loans }, { fast: true, window }));
  }, 240_000);

  it('gives every loan the result it has in one run', () => {
    expect(parts.length).toBeGreaterThan(2);
    const byId = new Map(parts.flatMap((p) => p.loans).map((l) => [l.loanId, l]));
    expect(byId.size).toBe(whole.loans.length);
    const differing = whole.loans.filter((l) => !isDeepStrictEqual(byId.get(l.loanId), l));
    expect(differing.map((l) => l.loanId)).toEqual([]);
  });

  it("adds the parts' summaries up to the one run's (the longest part's virtual days aside)", () => {
    const merged = mergeSummaries(parts.map((p) => p.summary));
    // Days added up in another order differ in the last bits of a double.
    const exact = (s: typeof merged) => ({ ...s, virtualDays: 0, totals: { ...s.totals, executionDays: 0 } });
    expect(exact(merged)).toEqual(exact(whole.summary));
    expect(merged.totals.executionDays).toBeCloseTo(whole.summary.totals.executionDays, 6);
    expect(merged.virtualDays).toBeLessThanOrEqual(whole.summary.virtualDays);
    expect(merged.loans).toBe(24);
  });
});

/**
 * Workers run with a capped heap (local/portfolio.ts, workerHeapFlags): without it V8's limit here is
 * about 4 GB and a 100,000-loan run's workers grew to 1 GB each. The limit is what the worker's own
 * V8 reports, so a flag that does not reach the worker process fails here.
 */
describe('worker heap', () => {
  const heapLimits = async (fast: boolean, replayStore = false) =>
    (
      await runPortfolio(
        { source: { sample: { loans: 2, seed: 3 } }, fast, iam: false, replayStore },
        { workers: 1 },
      )
    ).heapLimitMb;

  it('is capped at about 0.7 GB in the fast mode and 1.2 GB DynamoDB-backed, far under the 4 GB default', async () => {
    const [[fast], [dynamodb]] = await Promise.all([heapLimits(true), heapLimits(false)]);
    expect(fast).toBeGreaterThan(512);
    expect(fast).toBeLessThan(800);
    expect(dynamodb).toBeGreaterThan(1024);
    expect(dynamodb).toBeLessThan(1300);
  }, 120_000);

  it("is V8's default for the bench's store replay, which keeps every request of the run", async () => {
    const [replaying] = await heapLimits(false, true);
    expect(replaying).toBeGreaterThan(2048);
  }, 120_000);
});
