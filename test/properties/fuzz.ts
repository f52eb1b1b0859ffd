import fc from 'fast-check';
import type { SimulationFaults } from '../../local/simulate.js';
import { type History, history } from './histories.js';
import { type HistoryRun, runHistories } from './invariants.js';

/**
 * The seeded loop shared by the property test (CI) and `npm run fuzz`: history i is drawn with seed
 * `seed + i`, histories run `batch` to a simulation (alternating the CN and US packs, with mild faults
 * in every other batch), and a history that breaks an invariant is run again alone and shrunk by
 * fast-check to the smallest history that still breaks it.
 */
export interface FuzzOptions {
  runs: number;
  seed: number;
  /** The index of the first history (default 0): a slice of a longer run, drawn exactly as in it. */
  first?: number;
  batch?: number;
  onBatch?: (done: number, total: number) => void;
}

export interface Failure {
  index: number;
  seed: number;
  rulePack: 'CN' | 'US';
  /** Whether its batch ran with the mild faults (the shrink runs with them too). */
  faults: boolean;
  problems: string[];
  /** The smallest history fast-check found that still fails, and what it breaks. */
  shrunk?: { history: History; problems: string[] };
}

const prefixOf = (i: number) => `h${i}-`;
export const drawHistory = (i: number, seed: number): History =>
  fc.sample(history(prefixOf(i)), { seed: seed + i, numRuns: 1 })[0] as History;

/** Deterministic faults: every n-th ledger write throttled, every m-th stage crashing after its work. */
function mildFaults(): SimulationFaults {
  let puts = 0;
  let stages = 0;
  return {
    sms: { throttleNext: 2 },
    dynamodb: ({ operation, table }) =>
      table === 'Ledger' && operation === 'PutItem' && ++puts % 23 === 0 ? 'throttle' : undefined,
    invocation: ({ fn }) =>
      fn === 'stage' && ++stages % 29 === 0 ? { error: 'crash', when: 'after' } : undefined,
  };
}

export async function fuzz(options: FuzzOptions): Promise<Failure[]> {
  const batch = options.batch ?? 25;
  const failures: Failure[] = [];
  const start = options.first ?? 0;
  const end = start + options.runs;
  for (let first = start; first < end; first += batch) {
    const n = Math.floor(first / batch);
    const rulePack = n % 2 === 0 ? 'CN' : 'US';
    const runs: HistoryRun[] = [];
    for (let i = first; i < Math.min(end, first + batch); i++)
      runs.push({ prefix: prefixOf(i), history: drawHistory(i, options.seed) });
    const problems = await runHistories(runs, {
      seed: options.seed,
      rulePack,
      ...(n % 2 === 1 ? { faults: mildFaults() } : {}),
    });
    for (const [i, run] of runs.entries()) {
      const found = problems.get(run.prefix) ?? [];
      if (found.length > 0)
        failures.push({
          index: first + i,
          seed: options.seed + first + i,
          rulePack,
          faults: n % 2 === 1,
          problems: found,
        });
    }
    options.onBatch?.(Math.min(end, first + batch) - start, options.runs);
  }
  return failures;
}

/**
 * Runs a failing history alone and lets fast-check shrink it (each shrink step is one simulation),
 * for at most `timeLimitMs`: the smallest failing history found by then is kept.
 */
export async function shrink(failure: Failure, options: { timeLimitMs?: number } = {}): Promise<Failure> {
  let last: { history: History; problems: string[] } | undefined;
  const property = fc.asyncProperty(history(prefixOf(failure.index)), async (h) => {
    const problems =
      (
        await runHistories([{ prefix: prefixOf(failure.index), history: h }], {
          seed: failure.seed,
          rulePack: failure.rulePack,
          ...(failure.faults ? { faults: mildFaults() } : {}),
        })
      ).get(prefixOf(failure.index)) ?? [];
    if (problems.length > 0) last = { history: h, problems };
    return problems.length === 0;
  });
  await fc.check(property, {
    seed: failure.seed,
    numRuns: 1,
    ...(options.timeLimitMs ? { interruptAfterTimeLimit: options.timeLimitMs } : {}),
  });
  return last ? { ...failure, shrunk: last } : failure;
}
