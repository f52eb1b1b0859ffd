import { describe, expect, it } from 'vitest';
import { type Failure, fuzz, shrink } from '../properties/fuzz.js';

/**
 * The ladder's invariants under random borrower histories (test/properties): 200 seeded histories in
 * eight simulations of 25, alternating the CN and US packs, every other one under mild faults
 * (throttled SMS and ledger writes, stage crashes after their work). Each history must end with
 * nothing SENT that a rule forbade (the independent checker), every message delivered recorded
 * exactly once, every execution ended or waiting on a dispute, and every ledger chain and seal
 * verifying. A failure is shrunk (for at most a minute) and printed with its seed, so
 * `npm run fuzz -- --seed S --first I --runs 1` runs it again. Longer runs: `npm run fuzz`.
 */
const SEED = 20261129;
const BATCH = 25;
const BATCHES = 8;

const report = (f: Failure) =>
  [
    `history ${f.index} (seed ${f.seed}, ${f.rulePack}${f.faults ? ', with faults' : ''}):`,
    ...f.problems.map((p) => `  ${p}`),
    f.shrunk
      ? `shrunk to ${JSON.stringify(f.shrunk.history, null, 1)}\n  breaking: ${f.shrunk.problems.join('; ')}`
      : '  (it did not fail when run alone: it depends on its batch or on the faults)',
  ].join('\n');

describe('borrower histories keep the invariants', () => {
  it.each(Array.from({ length: BATCHES }, (_, n) => n))(
    'batch %i of 25 histories',
    async (n) => {
      const failures = await fuzz({ runs: BATCH, first: n * BATCH, seed: SEED, batch: BATCH });
      const shrunk = failures[0] ? await shrink(failures[0], { timeLimitMs: 60_000 }) : undefined;
      expect(shrunk ? report(shrunk) : '', `${failures.length} of ${BATCH} histories broke`).toBe('');
    },
    300_000,
  );
});
