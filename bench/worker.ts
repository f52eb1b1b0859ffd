import { samplePortfolio } from '../local/sample.js';
import { startStore } from '../local/services/store.js';
import { simulate } from '../local/simulate.js';

/**
 * One part of a benchmark run, in its own process with its own embedded store: the loans of every
 * `parts`-th borrower of the sample portfolio (borrowers share no state, so the parts are
 * independent). Answers its summary to the parent over IPC.
 */
export interface WorkerJob {
  loans: number;
  seed: number;
  part: number;
  parts: number;
  noop: boolean;
  /** Afterwards, replay the run's DynamoDB requests alone on a fresh store and time it (storeSeconds). */
  replayStore?: boolean;
}

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

type Request = [operation: string, input: unknown];

/**
 * The embedded store's own share of a run: the same requests, in the order the run sent them, to a
 * fresh store with nothing else running (no interpreter, handlers or SDK). Requests that failed a
 * condition in the run fail it here too; either way the store did the work.
 */
async function replay(requests: Request[]): Promise<number> {
  const store = await startStore();
  try {
    const started = performance.now();
    for (const [operation, input] of requests) await store.dispatch(operation, input);
    return (performance.now() - started) / 1000;
  } finally {
    await store.close();
  }
}

process.once('message', async (job: WorkerJob) => {
  try {
    const loans = partOf(samplePortfolio(job.loans, job.seed), job.part, job.parts);
    const requests: Request[] = [];
    let lastProgress = 0;
    const result = await simulate(
      { seed: job.seed, loans },
      {
        noopHandlers: job.noop,
        onProgress: (finished) => {
          const now = Date.now();
          if (now - lastProgress < 1000) return;
          lastProgress = now;
          process.send?.({ ok: true, finished });
        },
        // Keeps a reference to each request as the store receives it (the wire form, never reused).
        onStart: (ladder) => {
          if (!job.replayStore) return;
          const store = ladder.services.dynamodb;
          const dispatch = store.dispatch.bind(store);
          store.dispatch = (operation, input) => {
            requests.push([operation, input]);
            return dispatch(operation, input);
          };
        },
      },
    );
    process.send?.({ ok: true, summary: result.summary, requests: requests.length });
    if (job.replayStore) process.send?.({ ok: true, storeSeconds: await replay(requests) });
  } catch (error) {
    process.send?.({ ok: false, error: String((error as Error)?.stack ?? error) });
  }
});
