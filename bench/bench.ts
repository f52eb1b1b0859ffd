import { fork } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { SingleBar } from 'cli-progress';
import { costPer1000, type Summary } from '../local/simulate.js';
import { coldStarts } from './cold-start.js';
import type { WorkerJob } from './worker.js';

/**
 * `npm run bench`: the sample portfolio through the default ladder locally, at 1,000 and 10,000
 * loans, split by borrower over one worker process per core (each with its own embedded store); the
 * same 10,000 with no-op handlers (the ceiling of the interpreter on the virtual clock); the 10,000
 * loans' DynamoDB requests replayed on the embedded store alone (its share); and each Lambda bundle, built with the deployed options, weighed and loaded in a fresh Node process beside a bare function importing the same AWS SDK packages (bench/cold-start.ts). Progress
 * goes to stderr; the last line on stdout is one JSON object.
 */
const ROOT = resolve(import.meta.dirname, '..');
const SEED = 42;
// `npm run bench -- --quick`: a smoke run at a tenth of the sizes (the JSON keeps its key names).
const SCALE = process.argv.includes('--quick') ? 10 : 1;
const [SMALL, LARGE] = [1_000 / SCALE, 10_000 / SCALE];
const PARTS = Math.max(1, Math.min(2, cpus().length));
const log = (line: string) => process.stderr.write(`bench: ${line}\n`);

/**
 * What a worker answers: loans finished so far (at most once a second), its summary when its run
 * ends, then, if asked, its store's replay time.
 */
type Answer =
  | { ok: true; finished: number }
  | { ok: true; summary: Summary; requests: number }
  | { ok: true; storeSeconds: number }
  | { ok: false; error: string };
type Part = { ranAt: number; summary: Summary; requests: number; storeSeconds?: number };

function runPart(job: WorkerJob, onFinished: (loans: number) => void): Promise<Part> {
  return new Promise((done, fail) => {
    const child = fork(join(ROOT, 'bench/worker.ts'), [], {
      // The same young generation as `npm start` (package.json; README "Benchmark").
      execArgv: ['--max-semi-space-size=64', '--import', 'tsx'],
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
      env: { ...process.env, AWS_SDK_JS_SUPPRESS_NODE_DEPRECATION_WARNING: '1', NODE_NO_WARNINGS: '1' },
    });
    let part: Part | undefined;
    const finish = (result: Part | Error) => {
      child.kill();
      if (result instanceof Error) fail(result);
      else done(result);
    };
    child.on('message', (answer: Answer) => {
      if (!answer.ok) finish(new Error(`part ${job.part}: ${answer.error}`));
      else if ('finished' in answer) onFinished(answer.finished);
      else if ('summary' in answer) {
        part = { ranAt: Date.now(), summary: answer.summary, requests: answer.requests };
        if (!job.replayStore) finish(part);
      } else if (part) finish({ ...part, storeSeconds: answer.storeSeconds });
    });
    child.once('exit', (code) => fail(new Error(`part ${job.part} exited with ${code}`)));
    child.send(job);
  });
}

/**
 * Wall time of a whole run (process start included, until its last part's run ends) and its parts'
 * summaries added up. With `replayStore`, each part then replays its DynamoDB requests alone on a
 * fresh store, one part per core; the store's share of the run is the slower part's replay.
 */
async function run(loans: number, noop: boolean, replayStore = false) {
  const started = Date.now();
  // On stderr; redrawn on a terminal, a line every 15 s otherwise (CI, a redirected log).
  const bar = new SingleBar({
    format: `bench: ${loans} loans${noop ? ', no-op handlers' : ''} [{bar}] {value}/{total} finished, {duration}s`,
    stream: process.stderr,
    noTTYOutput: true,
    notTTYSchedule: 15_000,
  });
  const finished = Array.from({ length: PARTS }, () => 0);
  bar.start(loans, 0);
  const answers = await Promise.all(
    Array.from({ length: PARTS }, (_, part) =>
      runPart({ loans, seed: SEED, part, parts: PARTS, noop, replayStore }, (n) => {
        finished[part] = n;
        bar.update(finished.reduce((a, b) => a + b, 0));
      }),
    ),
  );
  bar.update(loans);
  bar.stop();
  const seconds = (Math.max(...answers.map((a) => a.ranAt)) - started) / 1000;
  const storeSeconds = Math.max(...answers.map((a) => a.storeSeconds ?? 0));
  const requests = answers.reduce((total, a) => total + a.requests, 0);
  const parts = answers.map((a) => a.summary);
  const sum = (f: (s: Summary) => number) => parts.reduce((total, s) => total + f(s), 0);
  const t = (k: keyof Summary['totals']) => sum((s) => s.totals[k]);
  const executions: Record<string, number> = {};
  for (const s of parts)
    for (const [status, n] of Object.entries(s.executions))
      executions[status] = (executions[status] ?? 0) + n;
  return {
    seconds,
    storeSeconds,
    requests,
    loans: sum((s) => s.loans),
    executions,
    transitionsPerStage: t('stageTransitions') / Math.max(1, t('stageRuns')),
    meanExecutionDays: t('executionDays') / Math.max(1, t('finishedExecutions')),
    ddbRequestsPerStage: t('stageDdbRequests') / Math.max(1, t('stageInvocations')),
    perLoan: {
      transitions: t('stateTransitions') / loans,
      ddbRequests: t('ddbRequests') / loans,
      lambdaInvocations: t('lambdaInvocations') / loans,
      sms: sum((s) => s.smsSent) / loans,
      emails: sum((s) => s.emailsSent) / loans,
    },
  };
}

const round = (x: number, digits = 2) => Math.round(x * 10 ** digits) / 10 ** digits;

log(`${PARTS} worker processes, ${cpus().length} cores, load average ${loadavg()[0]?.toFixed(2)}`);
// Each bundle's cold start beside its bare SDK-import function (bench/cold-start.ts).
const bundleSizes = await coldStarts(log);
log(`${SMALL} loans...`);
const run1k = await run(SMALL, false);
log(`${SMALL} loans in ${run1k.seconds.toFixed(1)} s`);
log(`${LARGE} loans...`);
const run10k = await run(LARGE, false, true);
log(`${LARGE} loans in ${run10k.seconds.toFixed(1)} s`);
log(
  `the store alone, replaying those ${run10k.requests} DynamoDB requests: ${run10k.storeSeconds.toFixed(1)} s`,
);
log(`${LARGE} loans, no-op handlers...`);
const ceiling = await run(LARGE, true);
log(`ceiling: ${LARGE} loans in ${ceiling.seconds.toFixed(1)} s`);

const p = run10k.perLoan;
const cost = costPer1000(p.transitions, p.ddbRequests, p.lambdaInvocations, p.sms, p.emails);
console.log(
  JSON.stringify({
    seconds1k: round(run1k.seconds, 1),
    seconds10k: round(run10k.seconds, 1),
    ceilingSeconds10k: round(ceiling.seconds, 1),
    ratioToCeiling: round(run10k.seconds / ceiling.seconds),
    // The embedded store's own time for the 10,000 loans' DynamoDB requests (bench/worker.ts):
    // with the ceiling, a floor under seconds10k for any handler code on this store.
    storeSeconds10k: round(run10k.storeSeconds, 1),
    storeRequests10k: run10k.requests,
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
