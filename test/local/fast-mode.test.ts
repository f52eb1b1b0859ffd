import { isDeepStrictEqual } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { samplePortfolio } from '../../local/sample.js';
import { type SimulationResult, simulate } from '../../local/simulate.js';

/**
 * The fast mode (`ladder simulate --fast`: in-memory tables, messages handed to the sinks in process)
 * against the default DynamoDB-backed run, on the same sample portfolio and seed: every loan's
 * timeline (its attempts, executions, status and money) and the summary must be the same. Only the
 * providers' message ids (random, as SNS and SES give them) may differ.
 */
const LOANS = 60;
const SEED = 11;

/** Events the ladder published, per loan, in the order it published them. */
function publishedPerLoan(result: SimulationResult) {
  const perLoan = new Map<string, unknown[]>();
  for (const e of result.published) {
    const loan = String(e.detail.loanId);
    perLoan.set(loan, [...(perLoan.get(loan) ?? []), e]);
  }
  return perLoan;
}

/** A ledger record without what names a provider's message (a random id) and the hashes over it. */
const withoutProviderIds = (records: Array<Record<string, unknown>>) =>
  records.map(({ hash: _h, prevHash: _p, ...r }) =>
    JSON.parse(JSON.stringify(r).replace(/"providerRef":"[^"]*"/g, '"providerRef":"-"')),
  );

describe('the fast mode', () => {
  let dynamo: SimulationResult;
  let fast: SimulationResult;
  beforeAll(async () => {
    const loans = samplePortfolio(LOANS, SEED);
    dynamo = await simulate({ seed: SEED, loans });
    fast = await simulate({ seed: SEED, loans }, { fast: true });
  }, 300_000);

  it('gives every loan the same timeline and final status as the DynamoDB-backed run', () => {
    expect(fast.loans).toHaveLength(LOANS);
    const differing = fast.loans.filter((loan, i) => !isDeepStrictEqual(loan, dynamo.loans[i]));
    expect(differing.map((l) => l.loanId)).toEqual([]);
    // Not a vacuous comparison: the portfolio went through the ladder's outcomes and contacts.
    expect(new Set(fast.loans.map((l) => l.finalStatus)).size).toBeGreaterThan(1);
    expect(fast.loans.reduce((n, l) => n + l.attempts.length, 0)).toBeGreaterThan(LOANS);
  });

  it('gives the same summary, DynamoDB requests included (the stores make the same calls)', () => {
    expect(fast.summary).toEqual(dynamo.summary);
    expect(fast.summary.totals.ddbRequests).toBeGreaterThan(0);
  });

  it('publishes the same events per loan and appends the same ledger records', () => {
    expect(publishedPerLoan(fast)).toEqual(publishedPerLoan(dynamo));
    for (const [loan, records] of dynamo.ledgers) {
      const theirs = fast.ledgers.get(loan) ?? [];
      expect(withoutProviderIds(theirs as never), loan).toEqual(withoutProviderIds(records as never));
    }
  });

  it('refuses to keep its tables in a data directory', async () => {
    await expect(
      simulate(
        { seed: SEED, loans: samplePortfolio(1, SEED) },
        { fast: true, dataDir: '/tmp/ladder-fast-data' },
      ),
    ).rejects.toThrow(/--fast keeps the tables in memory/);
  });
});
