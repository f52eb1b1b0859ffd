/**
 * A portfolio run over worker processes (`ladder start` and `ladder simulate` with `--workers`, and
 * `npm run bench`): the loans split by borrower over `workers` processes (local/portfolio-worker.ts),
 * each running its share in batches on fresh local stacks. Each batch's loans are handed to `onLoans`
 * as it finishes (the commands stream them to disk, so nothing keeps every loan in memory), and the
 * parts' summaries are added up (summary-merge.ts).
 */
import { fork } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type { PortfolioJob, WorkerAnswer } from './portfolio-worker.js';
import type { SimulatedLoan, Summary } from './simulate.js';
import { mergeSummaries } from './summary-merge.js';

export { DEFAULT_BATCH, type PortfolioJob } from './portfolio-worker.js';

export const defaultWorkers = (): number => availableParallelism();

export interface PortfolioOptions {
  workers: number;
  onLoans?: (loans: SimulatedLoan[]) => void | Promise<void>;
  onProgress?: (finished: number) => void;
}

export interface PortfolioResult {
  summary: Summary;
  /** When the last part finished its run (ms since the epoch), before any store replay. */
  ranAt: number;
  /** Each worker's peak resident set (KB). */
  maxRssKb: number[];
  /** Each worker's V8 heap limit (MB), as `workerHeapFlags` set it. */
  heapLimitMb: number[];
  /** DynamoDB requests recorded for replay, and the slowest part's replay time (replayStore). */
  requests: number;
  storeSeconds: number;
}

interface PartResult {
  summaries: Summary[];
  ranAt: number;
  requests: number;
  storeSeconds: number;
  maxRssKb: number;
  heapLimitMb: number;
}

/**
 * Each worker's V8 heap. Node's default limit here is about 4 GB, and V8 lets the heap grow to about
 * four times what is live while collection keeps up: 100,000 loans in the fast mode reached 1 GB per
 * worker though about 100 MB was live after each batch. So the old space is capped at about three
 * times a 2,000-loan batch's peak live heap (after a full collection, `--trace-gc`): 179 MB fast,
 * 361 MB DynamoDB-backed (dynalite's tables are on the heap). `--heap-growing-percent=300` keeps V8's
 * growing factor at 4: a cap under 2 GB otherwise lowers it to 1.3-2 and collection runs far more
 * often (about 12% slower, measured). The young generation is `npm start`'s (64 MB semi-spaces).
 */
export function workerHeapFlags(mode: { fast: boolean; noop?: boolean; replayStore?: boolean }): string[] {
  // The bench's store replay keeps every request of the worker's part, and replays them on one store
  // holding the whole part's tables: that measurement aid is left V8's default limit.
  if (mode.replayStore) return ['--max-semi-space-size=64'];
  const oldSpaceMb = mode.fast || mode.noop ? 512 : 1024;
  return ['--max-semi-space-size=64', `--max-old-space-size=${oldSpaceMb}`, '--heap-growing-percent=300'];
}

function runPart(
  job: PortfolioJob,
  options: PortfolioOptions,
  onFinished: (n: number) => void,
): Promise<PartResult> {
  return new Promise((done, fail) => {
    const child = fork(join(import.meta.dirname, 'portfolio-worker.ts'), [], {
      // tsx by its own path, so that a command run from another directory (`npx ladder` elsewhere) finds it.
      execArgv: [...workerHeapFlags(job), '--import', import.meta.resolve('tsx')],
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
      env: { ...process.env, AWS_SDK_JS_SUPPRESS_NODE_DEPRECATION_WARNING: '1', NODE_NO_WARNINGS: '1' },
    });
    const summaries: Summary[] = [];
    let ranAt = 0;
    let finished = 0;
    // Batches are written in the order they arrive; a write finishes before the next batch's starts.
    let writing: Promise<void> = Promise.resolve();
    let settled = false;
    const settle = (result: PartResult | Error) => {
      if (settled) return;
      settled = true;
      child.kill();
      if (result instanceof Error) fail(result);
      else done(result);
    };
    child.on('message', (answer: WorkerAnswer) => {
      if (answer.kind === 'error') settle(new Error(`worker ${job.part}: ${answer.error}`));
      else if (answer.kind === 'progress') onFinished(answer.finished);
      else if (answer.kind === 'batch') {
        summaries.push(answer.summary);
        ranAt = Date.now();
        finished += answer.loans.length;
        onFinished(finished);
        writing = writing.then(() => options.onLoans?.(answer.loans));
        writing.catch((error: Error) => settle(error));
      } else
        void writing.then(() =>
          settle({
            summaries,
            ranAt,
            requests: answer.requests,
            storeSeconds: answer.storeSeconds ?? 0,
            maxRssKb: answer.maxRssKb,
            heapLimitMb: answer.heapLimitMb,
          }),
        );
    });
    child.once('exit', (code) => settle(new Error(`worker ${job.part} exited with ${code}`)));
    child.send(job);
  });
}

/** Runs the job's loans over `options.workers` processes; the merged summary once all are done. */
export async function runPortfolio(
  job: Omit<PortfolioJob, 'part' | 'parts'>,
  options: PortfolioOptions,
): Promise<PortfolioResult> {
  const parts = Math.max(1, options.workers);
  const finished = Array.from({ length: parts }, () => 0);
  const results = await Promise.all(
    Array.from({ length: parts }, (_, part) =>
      runPart({ ...job, part, parts }, options, (n) => {
        finished[part] = n;
        options.onProgress?.(finished.reduce((a, b) => a + b, 0));
      }),
    ),
  );
  const summaries = results.flatMap((r) => r.summaries);
  if (summaries.length === 0) throw new Error('the portfolio has no loans');
  return {
    summary: mergeSummaries(summaries),
    ranAt: Math.max(...results.map((r) => r.ranAt)),
    maxRssKb: results.map((r) => r.maxRssKb),
    heapLimitMb: results.map((r) => r.heapLimitMb),
    requests: results.reduce((t, r) => t + r.requests, 0),
    storeSeconds: Math.max(...results.map((r) => r.storeSeconds)),
  };
}
