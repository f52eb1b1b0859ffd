import { spawnSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { resolve } from 'node:path';

/**
 * `npm run bench:cli`: how long a newcomer waits for `npx ladder --help`, the command the README
 * starts them with. Five runs of exactly that command (npx, then the tsx loader, then commander) in
 * fresh processes; each must exit 0 and print the usage. Prints each run, then the median, and as the
 * last line one JSON object. Issue 13's bar: well under a second.
 */
const ROOT = resolve(import.meta.dirname, '..');
const RUNS = 5;

/** The middle value of an odd number of samples. */
export function median(samples: number[]): number {
  if (samples.length % 2 === 0) throw new Error('median: an odd number of samples, please');
  return [...samples].sort((a, b) => a - b)[(samples.length - 1) / 2] as number;
}

function once(command: string, args: string[], expect: RegExp): number {
  const started = performance.now();
  const run = spawnSync(command, args, { cwd: ROOT, encoding: 'utf8' });
  const ms = performance.now() - started;
  if (run.status !== 0 || !expect.test(run.stdout)) {
    throw new Error(`${command} ${args.join(' ')} exited ${run.status}: ${run.stderr.split('\n')[0]}`);
  }
  return Math.round(ms);
}

function measure(label: string, command: string, args: string[], expect = /^Usage: ladder/): number {
  const times = Array.from({ length: RUNS }, () => once(command, args, expect));
  const m = median(times);
  console.log(`${label}: ${times.join(', ')} ms; median ${m} ms`);
  return m;
}

if (process.argv[1] === import.meta.filename) {
  const npx = measure('npx ladder --help', 'npx', ['ladder', '--help']);
  // Its two parts: npx running a local bin that does almost nothing (node's, from the node
  // devDependency: npx's own floor for any bin of node_modules/.bin), and the CLI itself without npx.
  const floor = measure('npx node --version', 'npx', ['node', '--version'], /^v\d+\./);
  const direct = measure('node cli/ladder.mjs --help', process.execPath, ['cli/ladder.mjs', '--help']);
  const load = loadavg()[0]?.toFixed(2);
  console.log(
    JSON.stringify({
      node: process.version,
      runs: RUNS,
      npxHelpMs: npx,
      npxNodeVersionMs: floor,
      directHelpMs: direct,
      loadAverage: load,
    }),
  );
}
