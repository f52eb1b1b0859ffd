import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import type { Scenario } from '../scenario.js';
import type { SimulatedLoan } from '../simulate.js';
import { progress } from './progress.js';
import {
  markOutputDir,
  portNumber,
  positiveInt,
  readJson,
  replaceOutputDir,
  requireEmptyDir,
  UsageError,
} from './usage.js';

/**
 * `ladder start`, `ladder simulate` and `ladder serve`. Each action imports the runtime when it runs,
 * so that `ladder --help` and the other commands do not load it (the AWS SDK, the interpreter, zod).
 */
const NO_IAM = "do not enforce the stack's IAM on the functions' calls (on by default)";

const FAST =
  'run the stores on in-memory tables and the messages in process: the same per-loan results, faster (DynamoDB-backed by default)';
const WORKERS =
  "worker processes, the loans split by borrower (default: the machine's cores; a portfolio of 2,000 loans or fewer runs in one process)";

interface RunOptions {
  data?: string;
  iam: boolean;
  fast: boolean;
  workers?: number;
}

/**
 * Whether a run goes over worker processes in batches (streamed, bounded memory). `--data` keeps one
 * store on disk, so it runs in this process alone, as does `--ledger-out` (one seal key). Without
 * --workers, a portfolio of one batch or less (`loans`) runs in this process too: starting workers
 * would cost more than it saves.
 */
async function workersFor(
  opts: RunOptions,
  single: string | undefined,
  loans: number,
): Promise<number | undefined> {
  if (single) {
    if (opts.workers !== undefined && opts.workers > 1)
      throw new UsageError(`${single} runs in one process: drop --workers`);
    if (opts.fast && opts.data)
      throw new UsageError('--fast keeps the tables in memory: it cannot keep them in --data');
    return undefined;
  }
  const { defaultWorkers, DEFAULT_BATCH } = await import('../portfolio.js');
  if (opts.workers === undefined && loans <= DEFAULT_BATCH) return undefined;
  return opts.workers ?? defaultWorkers();
}

interface StartOptions extends RunOptions {
  loans: number;
  seed: number;
  out: string;
}

async function start(opts: StartOptions): Promise<void> {
  const out = resolve(opts.out);
  if (opts.data) requireEmptyDir(resolve(opts.data), '--data');
  const workers = await workersFor(opts, opts.data ? '--data' : undefined, opts.loans);
  replaceOutputDir(out, '--out');
  if (workers !== undefined) return startInParts(opts, out, workers);
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

/** Loans in the scenario's order (a run in parts gives them in the order batches finish). */
function byScenario(loans: SimulatedLoan[], scenario: Scenario): SimulatedLoan[] {
  const order = new Map(scenario.loans.map((l, i) => [l.loanId, i]));
  return [...loans].sort((a, b) => (order.get(a.loanId) ?? 0) - (order.get(b.loanId) ?? 0));
}

/** Loans whose ladder continued past an execution's year: their executions, by name (docs/limits.md). */
function printContinuations(lines: string[]): void {
  if (lines.length === 0) return;
  console.log(`\n${lines.length} ladders continued in fresh executions (an execution lasts a year at most):`);
  for (const line of lines) console.log(`  ${line}`);
}

/** `ladder start` over worker processes: timelines streamed to <out>/timelines.jsonl as batches finish. */
async function startInParts(opts: StartOptions, out: string, workers: number): Promise<void> {
  const [{ runPortfolioToFile, countEvidence }, { formatSummary, formatContinuations }] = await Promise.all([
    import('./portfolio-run.js'),
    import('../report.js'),
  ]);
  const started = Date.now();
  mkdirSync(out, { recursive: true });
  markOutputDir(out);
  const file = join(out, 'timelines.jsonl');
  const continuations: string[] = [];
  // The manager's report reads every loan: kept for it (small beside a local stack's memory).
  const loans: SimulatedLoan[] = [];
  const evidenceDir = join(out, 'evidence');
  const summary = await runPortfolioToFile({
    job: {
      source: { sample: { loans: opts.loans, seed: opts.seed } },
      fast: opts.fast,
      iam: opts.iam,
      evidenceDir,
    },
    workers,
    total: opts.loans,
    file,
    format: 'jsonl',
    bar: process.stderr.isTTY === true || process.env.CI === 'true',
    onLoans: (batch) => {
      continuations.push(...formatContinuations(batch));
      loans.push(...batch);
    },
  });
  summary.seed = opts.seed;
  console.log(formatSummary(summary, (Date.now() - started) / 1000, process.version));
  printContinuations(continuations);
  console.log(`\neach loan's timeline (one JSON line per loan): ${file}`);
  const { samplePortfolio } = await import('../sample.js');
  const scenario = { seed: opts.seed, loans: samplePortfolio(opts.loans, opts.seed) };
  const report = join(out, 'report.html');
  const ms = await buildReport(
    report,
    'Ladder run: the sample portfolio',
    { loans: byScenario(loans, scenario), summary },
    scenario,
  );
  console.log(`the manager's report (one HTML page, opens offline): ${report} (built in ${ms} ms)`);
  const { packs, agreements } = countEvidence(evidenceDir);
  if (packs + agreements > 0)
    console.log(
      `evidence packs of the ${packs} loans handed to legal, and ${agreements} signed agreements: ${evidenceDir}/`,
    );
}

interface SimulateOptions extends RunOptions {
  scenario: string;
  out: string;
  evidence?: string;
  ledgerOut?: string;
  report?: string;
}

/** `ladder simulate` over worker processes: the result document streamed to --out as batches finish. */
async function simulateInParts(opts: SimulateOptions, scenario: Scenario, workers: number): Promise<void> {
  const [{ runPortfolioToFile }, { formatContinuations }] = await Promise.all([
    import('./portfolio-run.js'),
    import('../report.js'),
  ]);
  mkdirSync(dirname(resolve(opts.out)), { recursive: true });
  const continuations: string[] = [];
  const loans: SimulatedLoan[] = [];
  const summary = await runPortfolioToFile({
    job: {
      source: { scenarioFile: resolve(opts.scenario) },
      fast: opts.fast,
      iam: opts.iam,
      ...(opts.evidence ? { evidenceDir: resolve(opts.evidence) } : {}),
    },
    workers,
    total: scenario.loans.length,
    file: resolve(opts.out),
    format: 'json',
    bar: process.stderr.isTTY === true,
    onLoans: (batch) => {
      continuations.push(...formatContinuations(batch));
      // Kept only for the manager's report, which reads every loan.
      if (opts.report) loans.push(...batch);
    },
  });
  if (opts.report) {
    const title = `Ladder run: ${basename(opts.scenario)}`;
    const run = { loans: byScenario(loans, scenario), summary };
    const ms = await buildReport(resolve(opts.report), title, run, scenario);
    console.log(`wrote ${opts.report}: the manager's report (built in ${ms} ms)`);
  }
  const statuses = Object.entries(summary.finalStatus).map(([k, v]) => `${k} ${v}`);
  console.log(`wrote ${opts.out}: ${summary.loans} loans, ${statuses.join(', ')}`);
  printContinuations(continuations);
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
  const single = opts.data ? '--data' : opts.ledgerOut ? '--ledger-out' : undefined;
  const workers = await workersFor(opts, single, scenario.loans.length);
  if (workers !== undefined) {
    // The scenario's policy is read here first, as a run in this process reads it: a bad one is a
    // usage error before any worker starts or any output is written.
    const { scenarioPolicies } = await import('../scenario-policy.js');
    scenarioPolicies(scenario, dirname(resolve(opts.scenario)));
    return simulateInParts(opts, scenario, workers);
  }
  const bar = await progress(process.stderr.isTTY === true);
  const result = await simulate(scenario, {
    baseDir: dirname(resolve(opts.scenario)),
    onProgress: bar.update,
    ...(opts.data ? { dataDir: resolve(opts.data) } : {}),
    ...(opts.evidence ? { evidenceDir: resolve(opts.evidence) } : {}),
    ...(opts.iam ? {} : { iam: false as const }),
    ...(opts.fast ? { fast: true } : {}),
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
    .option('--data <dir>', 'keep the embedded store on disk in this new or empty directory (one process)')
    .option('--fast', FAST, false)
    .option('--workers <n>', WORKERS, positiveInt)
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
      'also write every ledger record, one JSON line each (for `ladder audit verify`; one process)',
    )
    .option('--report <file>', "also write the manager's report, one self-contained HTML page")
    .option('--fast', FAST, false)
    .option('--workers <n>', WORKERS, positiveInt)
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
