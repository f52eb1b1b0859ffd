import { once } from 'node:events';
import { createWriteStream, existsSync, readdirSync } from 'node:fs';
import type { PortfolioJob } from '../portfolio.js';
import type { SimulatedLoan, Summary } from '../simulate.js';
import { progress } from './progress.js';

/**
 * The commands' portfolio runs over worker processes (local/portfolio.ts): each batch's loans
 * streamed to `file` as it finishes, one JSON line per loan (`jsonl`), or as the `loans` array of a
 * `{ "loans": [...], "summary": {...} }` document (`json`, `ladder simulate --out`) whose summary
 * is written last. Progress on stderr. Nothing holds every loan in memory at once.
 */
export interface PortfolioRun {
  job: Omit<PortfolioJob, 'part' | 'parts'>;
  workers: number;
  total: number;
  file: string;
  format: 'jsonl' | 'json';
  /** Draw the progress bar (a terminal, or CI). */
  bar: boolean;
  /** Sees each batch's loans (after they are written). */
  onLoans?: (loans: SimulatedLoan[]) => void;
}

async function write(stream: NodeJS.WritableStream, text: string): Promise<void> {
  if (!stream.write(text)) await once(stream, 'drain');
}

export async function runPortfolioToFile(run: PortfolioRun): Promise<Summary> {
  const { runPortfolio } = await import('../portfolio.js');
  const bar = await progress(run.bar);
  const stream = createWriteStream(run.file);
  let first = true;
  if (run.format === 'json') await write(stream, '{\n  "loans": [\n');
  try {
    const result = await runPortfolio(run.job, {
      workers: run.workers,
      onProgress: (finished) => bar.update(finished, run.total),
      onLoans: async (loans) => {
        for (const loan of loans) {
          const text = JSON.stringify(loan);
          await write(stream, run.format === 'jsonl' ? `${text}\n` : `${first ? '' : ',\n'}    ${text}`);
          first = false;
        }
        run.onLoans?.(loans);
      },
    });
    const summary = result.summary;
    if (run.format === 'json')
      await write(
        stream,
        `\n  ],\n  "summary": ${JSON.stringify(summary, null, 2).replace(/\n/g, '\n  ')}\n}\n`,
      );
    return summary;
  } finally {
    bar.stop();
    stream.end();
    await once(stream, 'close');
  }
}

/** Evidence packs and signed agreements written under `dir` (a pack is a .json and a .md). */
export function countEvidence(dir: string): { packs: number; agreements: number } {
  if (!existsSync(dir)) return { packs: 0, agreements: 0 };
  const files = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.json'));
  const agreements = files.filter((f) => f.startsWith('agreements')).length;
  return { packs: files.length - agreements, agreements };
}
