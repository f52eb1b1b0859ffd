import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { SimulatedLoan, Summary } from '../../local/simulate.js';

/**
 * `ladder simulate` and `ladder start` over worker processes (--workers, --fast): the result streamed
 * to the output as batches finish, the same loans whatever the number of workers.
 */
const dir = mkdtempSync(join(tmpdir(), 'ladder-portfolio-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ladder = (...args: string[]) => spawnSync('node', ['cli/ladder.mjs', ...args], { encoding: 'utf8' });
const byId = (loans: SimulatedLoan[]) => [...loans].sort((a, b) => a.loanId.localeCompare(b.loanId));

describe('a portfolio run over worker processes', () => {
  it('simulate --workers 2 --fast writes the same loans and statuses as one worker, as one JSON document', () => {
    const results = [1, 2].map((workers) => {
      const out = join(dir, `workers-${workers}.json`);
      const run = ladder(
        'simulate',
        '--scenario',
        'samples/scenario.json',
        '--out',
        out,
        '--fast',
        '--workers',
        `${workers}`,
      );
      expect(run.status, run.stderr).toBe(0);
      expect(run.stdout).toMatch(/^wrote .*: 7 loans, /);
      return JSON.parse(readFileSync(out, 'utf8')) as { loans: SimulatedLoan[]; summary: Summary };
    });
    const [one, two] = results;
    expect(two?.loans).toHaveLength(7);
    expect(byId(two?.loans ?? [])).toEqual(byId(one?.loans ?? []));
    expect(two?.summary.finalStatus).toEqual(one?.summary.finalStatus);
    expect(two?.summary.totals).toEqual(one?.summary.totals);
  }, 180_000);

  it('start streams one timeline line per loan to <out>/timelines.jsonl', () => {
    const out = join(dir, 'start');
    const run = ladder('start', '--loans', '12', '--fast', '--workers', '2', '--out', out);
    expect(run.status, run.stderr).toBe(0);
    const lines = readFileSync(join(out, 'timelines.jsonl'), 'utf8').trim().split('\n');
    const ids = lines.map((l) => (JSON.parse(l) as SimulatedLoan).loanId);
    expect(new Set(ids).size).toBe(12);
    expect(run.stdout).toMatch(/Ladder run: 12 loans/);
  }, 180_000);

  it('refuses --workers with --data or --ledger-out, and --fast with --data (one store, one seal key)', () => {
    const out = join(dir, 'refused.json');
    const cases: Array<[string[], RegExp]> = [
      [['--data', join(dir, 'data'), '--workers', '2'], /--data runs in one process: drop --workers/],
      [['--ledger-out', join(dir, 'l.jsonl'), '--workers', '2'], /--ledger-out runs in one process/],
      [['--data', join(dir, 'data2'), '--fast'], /--fast keeps the tables in memory/],
    ];
    for (const [extra, message] of cases) {
      const run = ladder('simulate', '--scenario', 'samples/scenario.json', '--out', out, ...extra);
      expect(run.status).toBe(2);
      expect(run.stderr).toMatch(message);
    }
  });
});
