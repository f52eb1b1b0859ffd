import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { progress } from './progress.js';
import {
  markOutputDir,
  portNumber,
  positiveInt,
  readJson,
  replaceOutputDir,
  requireEmptyDir,
} from './usage.js';

/**
 * `ladder start`, `ladder simulate` and `ladder serve`. Each action imports the runtime when it runs,
 * so that `ladder --help` and the other commands do not load it (the AWS SDK, the interpreter, zod).
 */
const NO_IAM = "do not enforce the stack's IAM on the functions' calls (on by default)";

interface StartOptions {
  loans: number;
  seed: number;
  out: string;
  data?: string;
  iam: boolean;
}

async function start(opts: StartOptions): Promise<void> {
  const out = resolve(opts.out);
  if (opts.data) requireEmptyDir(resolve(opts.data), '--data');
  replaceOutputDir(out, '--out');
  const [{ simulate }, { samplePortfolio }, { formatSummary, formatContinuations }] = await Promise.all([
    import('../simulate.js'),
    import('../sample.js'),
    import('../report.js'),
  ]);
  const started = Date.now();
  const bar = await progress(process.stderr.isTTY === true || process.env.CI === 'true');
  mkdirSync(out, { recursive: true });
  markOutputDir(out);
  const scenario = { seed: opts.seed, loans: samplePortfolio(opts.loans, opts.seed) };
  const result = await simulate(scenario, {
    onProgress: bar.update,
    evidenceDir: join(out, 'evidence'),
    ...(opts.data ? { dataDir: resolve(opts.data) } : {}),
    ...(opts.iam ? {} : { iam: false as const }),
  });
  bar.stop();
  result.summary.seed = opts.seed;
  const file = join(out, 'timelines.jsonl');
  writeFileSync(file, `${result.loans.map((l) => JSON.stringify(l)).join('\n')}\n`);
  console.log(formatSummary(result.summary, (Date.now() - started) / 1000, process.version));
  printContinuations(formatContinuations(result.loans));
  console.log(`\neach loan's timeline (one JSON line per loan): ${file}`);
  const report = join(out, 'report.html');
  const ms = await buildReport(report, 'Ladder run: the sample portfolio', result, scenario);
  console.log(`the manager's report (one HTML page, opens offline): ${report} (built in ${ms} ms)`);
  // The evidence store holds the legal packs and the signed plan agreements (evidence/agreements/).
  const keys = [...result.evidence.keys()];
  const agreements = keys.filter((k) => k.startsWith('evidence/agreements/')).length;
  const packs = keys.length - agreements;
  if (keys.length > 0) {
    console.log(
      `evidence packs of the ${packs} loans handed to legal, and ${agreements} signed agreements: ${join(out, 'evidence')}/`,
    );
  }
}

/**
 * The manager's report (local/manager-report/), and how long it took in milliseconds, loading the
 * chart libraries included: it is loaded only when a report is written.
 */
async function buildReport(
  file: string,
  title: string,
  result: Parameters<typeof import('../manager-report/index.js').writeReport>[2],
  scenario: Parameters<typeof import('../manager-report/index.js').writeReport>[3],
): Promise<number> {
  const started = performance.now();
  const { writeReport } = await import('../manager-report/index.js');
  await writeReport(file, title, result, scenario);
  return Math.round(performance.now() - started);
}

/** Loans whose ladder continued past an execution's year: their executions, by name (docs/limits.md). */
function printContinuations(lines: string[]): void {
  if (lines.length === 0) return;
  console.log(`\n${lines.length} ladders continued in fresh executions (an execution lasts a year at most):`);
  for (const line of lines) console.log(`  ${line}`);
}

interface SimulateOptions {
  scenario: string;
  out: string;
  data?: string;
  evidence?: string;
  ledgerOut?: string;
  report?: string;
  iam: boolean;
}

async function simulateCommand(opts: SimulateOptions): Promise<void> {
  const raw = readJson(opts.scenario, '--scenario');
  // Checked before the run, which may take minutes: a run never merges into an earlier run's files.
  if (opts.data) requireEmptyDir(resolve(opts.data), '--data');
  if (opts.evidence) requireEmptyDir(resolve(opts.evidence), '--evidence');
  const [{ parseScenario }, { simulate }, { ledgerLines }, { formatContinuations }] = await Promise.all([
    import('../scenario.js'),
    import('../simulate.js'),
    import('../audit.js'),
    import('../report.js'),
  ]);
  const scenario = parseScenario(raw);
  const bar = await progress(process.stderr.isTTY === true);
  const result = await simulate(scenario, {
    baseDir: dirname(resolve(opts.scenario)),
    onProgress: bar.update,
    ...(opts.data ? { dataDir: resolve(opts.data) } : {}),
    ...(opts.evidence ? { evidenceDir: resolve(opts.evidence) } : {}),
    ...(opts.iam ? {} : { iam: false as const }),
  });
  bar.stop();
  mkdirSync(dirname(resolve(opts.out)), { recursive: true });
  writeFileSync(opts.out, `${JSON.stringify({ loans: result.loans, summary: result.summary }, null, 2)}\n`);
  if (opts.ledgerOut) {
    mkdirSync(dirname(resolve(opts.ledgerOut)), { recursive: true });
    const chains = [...result.ledgers.values(), ...result.deliveries.values()];
    writeFileSync(opts.ledgerOut, ledgerLines(chains, result.seals));
    // The run's seal key, so the seals can be checked (`audit verify --ledger F --key F.key`).
    result.saveSealKey(`${opts.ledgerOut}.key`);
  }
  if (opts.report) {
    const title = `Ladder run: ${basename(opts.scenario)}`;
    const ms = await buildReport(resolve(opts.report), title, result, scenario);
    console.log(`wrote ${opts.report}: the manager's report (built in ${ms} ms)`);
  }
  const statuses = Object.entries(result.summary.finalStatus).map(([k, v]) => `${k} ${v}`);
  console.log(`wrote ${opts.out}: ${result.loans.length} loans, ${statuses.join(', ')}`);
  printContinuations(formatContinuations(result.loans));
}

export function runCommands(program: Command): void {
  program
    .command('start')
    .description('run the bundled sample portfolio through the default ladder and print the summary')
    .option('--loans <n>', 'loans in the sample portfolio', positiveInt, 300)
    .option('--seed <n>', 'seed of the sample portfolio', positiveInt, 42)
    .option('--out <dir>', 'timelines and evidence packs; replaced by the next run', 'out')
    .option('--data <dir>', 'keep the embedded store on disk in this new or empty directory')
    .option('--no-iam', NO_IAM)
    .action(start);

  program
    .command('simulate')
    .description('run a scenario file through the local stack on a simulated clock')
    .requiredOption('--scenario <file>', 'scenario JSON (schemas/scenario.schema.json)')
    .requiredOption('--out <file>', 'where the result JSON is written')
    .option('--data <dir>', 'keep the embedded store on disk in this new or empty directory')
    .option(
      '--evidence <dir>',
      'write the evidence packs of loans handed to legal to this new or empty directory',
    )
    .option(
      '--ledger-out <file>',
      'also write every ledger record, one JSON line each (for `ladder audit verify`)',
    )
    .option('--report <file>', "also write the manager's report, one self-contained HTML page")
    .option('--no-iam', NO_IAM)
    .action(simulateCommand);

  program
    .command('serve')
    .description('run the local stack as a dev server on 127.0.0.1 for upstream developers')
    .option('--port <n>', 'HTTP port of the API (0: a free one)', portNumber, 4510)
    .option('--speed <n>', 'virtual seconds per real second while idle', positiveInt, 1)
    .option('--data <dir>', 'keep the store on disk in this directory (kept across restarts)')
    .option('--no-iam', NO_IAM)
    .action(async (opts: { port: number; speed: number; data?: string; iam: boolean }) => {
      const { serveUntilStopped } = await import('./serve-process.js');
      await serveUntilStopped(opts);
    });
}
