/**
 * One worker process of a portfolio run (local/portfolio.ts): the loans of every `parts`-th borrower,
 * run in batches of whole borrowers, each batch on a fresh local stack (its own store, clock and
 * sinks) that is closed before the next: memory stays bounded by the batch, not the portfolio.
 * Borrowers share no state, and every batch runs on the whole scenario's window, so each loan's
 * result is the one a single run gives. Answers the parent over IPC: progress (at most once a
 * second), each batch's loans and summary, then `done`.
 */
import { dirname, resolve } from 'node:path';
import { getHeapStatistics } from 'node:v8';
import type { SimulatedLoan, Summary } from './simulate.js';

export interface PortfolioJob {
  /** The sample portfolio of `ladder start`, or a scenario file (`ladder simulate --scenario`). */
  source: { sample: { loans: number; seed: number } } | { scenarioFile: string };
  part: number;
  parts: number;
  /** Loans per batch at most (a borrower's loans are never split). @default DEFAULT_BATCH */
  batch?: number;
  fast: boolean;
  noop?: boolean;
  iam: boolean;
  evidenceDir?: string;
  /** Afterwards, replay the run's DynamoDB requests alone on a fresh store and time it (bench/). */
  replayStore?: boolean;
}

/** Loans per batch: a stack of 2,000 loans stays well under half a gigabyte (docs/benchmarks.md). */
export const DEFAULT_BATCH = 2_000;

export type WorkerAnswer =
  | { kind: 'progress'; finished: number }
  | { kind: 'batch'; loans: SimulatedLoan[]; summary: Summary }
  | { kind: 'done'; requests: number; storeSeconds?: number; maxRssKb: number; heapLimitMb: number }
  | { kind: 'error'; error: string };

/** Borrowers in order of first appearance, dealt round-robin: balanced and the same every run. */
export function partOf<T extends { borrower: { borrowerId: string } }>(
  loans: T[],
  part: number,
  parts: number,
): T[] {
  const slot = new Map<string, number>();
  return loans.filter((loan) => {
    const id = loan.borrower.borrowerId;
    if (!slot.has(id)) slot.set(id, slot.size % parts);
    return slot.get(id) === part;
  });
}

/** Consecutive loans in batches of at most `size`, a borrower's loans kept together (one borrower may exceed it). */
export function batchesOf<T extends { borrower: { borrowerId: string } }>(loans: T[], size: number): T[][] {
  const byBorrower = new Map<string, T[]>();
  for (const loan of loans) {
    const id = loan.borrower.borrowerId;
    byBorrower.set(id, [...(byBorrower.get(id) ?? []), loan]);
  }
  const batches: T[][] = [];
  let current: T[] = [];
  for (const group of byBorrower.values()) {
    if (current.length > 0 && current.length + group.length > size) {
      batches.push(current);
      current = [];
    }
    current.push(...group);
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

type Request = [operation: string, input: unknown];
const send = (answer: WorkerAnswer) =>
  new Promise<void>((done, fail) =>
    process.send?.(answer, (error: Error | null) => (error ? fail(error) : done())),
  );

async function scenarioOf(job: PortfolioJob) {
  if ('sample' in job.source) {
    const { samplePortfolio } = await import('./sample.js');
    const { loans, seed } = job.source.sample;
    return { scenario: { seed, loans: samplePortfolio(loans, seed) }, baseDir: undefined };
  }
  const [{ parseScenario }, { readFileSync }] = await Promise.all([
    import('./scenario.js'),
    import('node:fs'),
  ]);
  const file = resolve(job.source.scenarioFile);
  return { scenario: parseScenario(JSON.parse(readFileSync(file, 'utf8'))), baseDir: dirname(file) };
}

/** The embedded store's own share of a run: the same requests, in order, to a fresh store alone. */
async function replay(requests: Request[]): Promise<number> {
  const { startStore } = await import('./services/store.js');
  const store = await startStore();
  try {
    const started = performance.now();
    for (const [operation, input] of requests) await store.dispatch(operation, input);
    return (performance.now() - started) / 1000;
  } finally {
    await store.close();
  }
}

/** This part's batches, the scenario without its loans, and the whole scenario's window (the rest of the portfolio is let go). */
async function partOfScenario(job: PortfolioJob) {
  const { runWindow } = await import('./simulate.js');
  const { scenario, baseDir } = await scenarioOf(job);
  return {
    base: { ...scenario, loans: [] },
    baseDir,
    window: runWindow(scenario, baseDir),
    batches: batchesOf(partOf(scenario.loans, job.part, job.parts), job.batch ?? DEFAULT_BATCH),
  };
}

async function run(job: PortfolioJob): Promise<void> {
  const { simulate } = await import('./simulate.js');
  const { base, baseDir, window, batches } = await partOfScenario(job);
  const requests: Request[] = [];
  let finishedBefore = 0;
  let lastProgress = 0;
  while (batches.length > 0) {
    const loans = batches.shift() ?? [];
    // Only the loans and summary are kept: the rest of a result (ledgers, seals, evidence) is the
    // whole batch's, and would stay alive through the next batch's run (docs/benchmarks.md, scale).
    const result = await simulate(
      { ...base, loans },
      {
        window,
        fast: job.fast,
        ...(baseDir ? { baseDir } : {}),
        ...(job.noop ? { noopHandlers: true } : {}),
        ...(job.iam ? {} : { iam: false as const }),
        ...(job.evidenceDir ? { evidenceDir: job.evidenceDir } : {}),
        onProgress: (finished) => {
          if (Date.now() - lastProgress < 1000) return;
          lastProgress = Date.now();
          process.send?.({ kind: 'progress', finished: finishedBefore + finished });
        },
        onStart: (ladder) => {
          if (!job.replayStore) return;
          const store = ladder.services.dynamodb;
          const dispatch = store.dispatch.bind(store);
          store.dispatch = (operation, input) => {
            requests.push([operation, input]);
            return dispatch(operation, input);
          };
        },
        // aws-ses-v2-local keeps mail in a module-level store that outlives the stack: empty it.
        onFinish: (ladder) => ladder.services.email.clear(),
      },
    ).then(({ loans, summary }) => ({ loans, summary }));
    finishedBefore += loans.length;
    await send({ kind: 'batch', loans: result.loans, summary: result.summary });
  }
  const storeSeconds = job.replayStore ? await replay(requests) : undefined;
  const maxRssKb = process.resourceUsage().maxRSS;
  await send({
    kind: 'done',
    requests: requests.length,
    maxRssKb,
    heapLimitMb: Math.round(getHeapStatistics().heap_size_limit / 2 ** 20),
    ...(storeSeconds !== undefined ? { storeSeconds } : {}),
  });
}

process.once('message', (job: PortfolioJob) => {
  run(job).catch((error: unknown) =>
    process.send?.({ kind: 'error', error: String((error as Error)?.stack ?? error) }),
  );
});
