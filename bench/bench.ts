import { cpus, loadavg } from 'node:os';
import { SingleBar } from 'cli-progress';
import { runPortfolio } from '../local/portfolio.js';
import { costPer1000 } from '../local/simulate.js';
import { coldStarts } from './cold-start.js';

/**
 * `npm run bench`: the sample portfolio through the default ladder locally, at 1,000 and 10,000
 * loans, split by borrower over one worker process per core and run in batches of borrowers
 * (local/portfolio.ts, as `ladder start`); the same 10,000 in the fast mode (in-memory tables); the
 * same 10,000 with no-op handlers (the ceiling of the interpreter on the virtual clock), and each
 * run's ratio to it; the 10,000 loans' DynamoDB requests replayed on the embedded store alone (its
 * share); and each Lambda bundle, built with the deployed options, weighed and loaded in a fresh Node
 * process beside a bare function importing the same AWS SDK packages (bench/cold-start.ts).
 * `-- --scale` runs 100,000 loans in the fast mode instead, for the peak memory. Progress
 * goes to stderr; the last line on stdout is one JSON object.
 */
const SEED = 42;
// `npm run bench -- --quick`: a smoke run at a tenth of the sizes (the JSON keeps its key names).
const SCALE = process.argv.includes('--quick') ? 10 : 1;
const [SMALL, LARGE] = [1_000 / SCALE, 10_000 / SCALE];
const PARTS = Math.max(1, Math.min(2, cpus().length));
const log = (line: string) => process.stderr.write(`bench: ${line}\n`);

/**
 * One run of the sample portfolio over the worker processes (local/portfolio.ts, as `ladder start`),
 * timed from the start until its last part's run ends, with its merged summary's figures.
 */
async function run(loans: number, mode: 'dynamodb' | 'fast' | 'noop', replayStore = false, batch?: number) {
  const started = Date.now();
  // On stderr; redrawn on a terminal, a line every 15 s otherwise (CI, a redirected log).
  const bar = new SingleBar({
    format: `bench: ${loans} loans, ${mode} [{bar}] {value}/{total} finished, {duration}s`,
    stream: process.stderr,
    noTTYOutput: true,
    notTTYSchedule: 15_000,
  });
  bar.start(loans, 0);
  const result = await runPortfolio(
    {
      source: { sample: { loans, seed: SEED } },
      fast: mode === 'fast',
      noop: mode === 'noop',
      iam: true,
      replayStore,
      ...(batch ? { batch } : {}),
    },
    { workers: PARTS, onProgress: (n) => bar.update(n) },
  );
  bar.update(loans);
  bar.stop();
  const s = result.summary;
  const t = s.totals;
  return {
    seconds: (result.ranAt - started) / 1000,
    storeSeconds: result.storeSeconds,
    requests: result.requests,
    maxRssKb: result.maxRssKb,
    heapLimitMb: result.heapLimitMb,
    loans: s.loans,
    executions: s.executions,
    finalStatus: s.finalStatus,
    transitionsPerStage: t.stageTransitions / Math.max(1, t.stageRuns),
    meanExecutionDays: t.executionDays / Math.max(1, t.finishedExecutions),
    ddbRequestsPerStage: t.stageDdbRequests / Math.max(1, t.stageInvocations),
    perLoan: {
      transitions: t.stateTransitions / loans,
      ddbRequests: t.ddbRequests / loans,
      lambdaInvocations: t.lambdaInvocations / loans,
      sms: s.smsSent / loans,
      emails: s.emailsSent / loans,
    },
  };
}

const round = (x: number, digits = 2) => Math.round(x * 10 ** digits) / 10 ** digits;

const mb = (kb: number) => Math.round(kb / 1024);

/**
 * `npm run bench -- --scale`: 100,000 loans in the fast mode (about an hour of the DynamoDB-backed
 * run's time at today's speed), for the peak memory: each worker's and this process's maximum
 * resident set. The workers run one after another's batches, so their peaks add up at most.
 */
async function scale(): Promise<void> {
  const loans = 100_000 / SCALE;
  log(`${loans} loans in the fast mode, ${PARTS} workers...`);
  const r = await run(loans, 'fast');
  const workersMb = r.maxRssKb.map(mb);
  const parentMb = mb(process.resourceUsage().maxRSS);
  const totalMb = workersMb.reduce((a, b) => a + b, 0) + parentMb;
  log(
    `${r.loans} loans in ${r.seconds.toFixed(1)} s; peak RSS: workers ${workersMb.join(', ')} MB, this process ${parentMb} MB`,
  );
  console.log(
    JSON.stringify({
      scaleLoans: r.loans,
      scaleMode: 'fast',
      scaleSeconds: round(r.seconds, 1),
      finalStatus: r.finalStatus,
      peakRssMbPerWorker: workersMb,
      peakRssMbParent: parentMb,
      heapLimitMbPerWorker: r.heapLimitMb,
      // An upper bound on the run's peak: every process at its own peak at once.
      peakRssMbTotal: totalMb,
      under2GB: totalMb < 2048,
      workers: PARTS,
      ...(SCALE !== 1 ? { quick: true } : {}),
      loadAverageAtEnd: round(loadavg()[0] ?? 0),
    }),
  );
}

async function bench(): Promise<void> {
  // Each bundle's cold start beside its bare SDK-import function (bench/cold-start.ts).
  const bundleSizes = await coldStarts(log);
  log(`${SMALL} loans...`);
  const run1k = await run(SMALL, 'dynamodb');
  log(`${SMALL} loans in ${run1k.seconds.toFixed(1)} s`);
  log(`${LARGE} loans...`);
  const run10k = await run(LARGE, 'dynamodb', true);
  log(`${LARGE} loans in ${run10k.seconds.toFixed(1)} s`);
  log(
    `the store alone, replaying those ${run10k.requests} DynamoDB requests: ${run10k.storeSeconds.toFixed(1)} s`,
  );
  log(`${LARGE} loans, fast mode...`);
  const fast10k = await run(LARGE, 'fast');
  log(`fast mode: ${LARGE} loans in ${fast10k.seconds.toFixed(1)} s`);
  log(`${LARGE} loans, no-op handlers...`);
  const ceiling = await run(LARGE, 'noop');
  log(`ceiling: ${LARGE} loans in ${ceiling.seconds.toFixed(1)} s`);

  const p = run10k.perLoan;
  const cost = costPer1000(p.transitions, p.ddbRequests, p.lambdaInvocations, p.sms, p.emails);
  console.log(
    JSON.stringify({
      seconds1k: round(run1k.seconds, 1),
      seconds10k: round(run10k.seconds, 1),
      fastSeconds10k: round(fast10k.seconds, 1),
      ceilingSeconds10k: round(ceiling.seconds, 1),
      // Acceptance (issue 17): at most 5x for the DynamoDB-backed run, 3x for the fast mode.
      ratioToCeiling: round(run10k.seconds / ceiling.seconds),
      fastRatioToCeiling: round(fast10k.seconds / ceiling.seconds),
      // The same outcomes both ways (test/local/fast-mode.test.ts checks every loan on a smaller run).
      sameFinalStatus: JSON.stringify(fast10k.finalStatus) === JSON.stringify(run10k.finalStatus),
      // The embedded store's own time for the 10,000 loans' DynamoDB requests (local/portfolio-worker.ts):
      // with the ceiling, a floor under seconds10k for any handler code on this store.
      storeSeconds10k: round(run10k.storeSeconds, 1),
      storeRequests10k: run10k.requests,
      peakRssMb10k: { dynamodb: run10k.maxRssKb.map(mb), fast: fast10k.maxRssKb.map(mb) },
      transitionsPerStage: round(run10k.transitionsPerStage),
      ddbRequestsPerStage: round(run10k.ddbRequestsPerStage),
      costPer1000LoansUSD: cost.total,
      cost,
      perLoan: Object.fromEntries(Object.entries(p).map(([k, v]) => [k, round(v)])),
      executions10k: run10k.executions,
      meanExecutionDays: round(run10k.meanExecutionDays, 1),
      bundles: bundleSizes,
      workers: PARTS,
      ...(SCALE !== 1 ? { quick: true, loans: [SMALL, LARGE] } : {}),
      loadAverageAtEnd: round(loadavg()[0] ?? 0),
    }),
  );
}

log(`${PARTS} worker processes, ${cpus().length} cores, load average ${loadavg()[0]?.toFixed(2)}`);
if (process.argv.includes('--scale')) await scale();
else await bench();
