import { samplePortfolio } from '../local/sample.js';
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

process.once('message', async (job: WorkerJob) => {
  try {
    const loans = partOf(samplePortfolio(job.loans, job.seed), job.part, job.parts);
    const started = Date.now();
    const result = await simulate({ seed: job.seed, loans }, { noopHandlers: job.noop });
    process.send?.({ ok: true, seconds: (Date.now() - started) / 1000, summary: result.summary });
  } catch (error) {
    process.send?.({ ok: false, error: String((error as Error)?.stack ?? error) });
  }
});
