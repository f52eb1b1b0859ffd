import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { SingleBar } from 'cli-progress';
import { Command, type CommanderError, InvalidArgumentError } from 'commander';
import { auditDataDir, auditLedgerFile, formatAudit, ledgerLines } from '../local/audit.js';
import { readKeyFile } from '../local/keys.js';
import { formatContinuations, formatSummary } from '../local/report.js';
import { samplePortfolio } from '../local/sample.js';
import { parseScenario, ScenarioError } from '../local/scenario.js';
import { type SimulationResult, simulate } from '../local/simulate.js';

/**
 * The `ladder` command. commander parses the arguments (sub-commands, help, errors) and cli-progress
 * draws the progress bar: both well kept, and less code than either by hand.
 */
const int = (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('must be a positive integer');
  return n;
};

function progress(enabled: boolean) {
  if (!enabled) return { update: () => undefined, stop: () => undefined };
  const bar = new SingleBar({
    format: 'simulating [{bar}] {value}/{total} loans finished',
    stream: process.stderr,
    hideCursor: true,
  });
  let started = false;
  return {
    update(done: number, total: number) {
      if (!started) {
        bar.start(total, 0);
        started = true;
      }
      bar.update(done);
    },
    stop: () => started && bar.stop(),
  };
}

function writeTimelines(result: SimulationResult, file: string): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${result.loans.map((l) => JSON.stringify(l)).join('\n')}\n`);
}

/** Loans whose ladder continued past an execution's year: their executions, by name (docs/limits.md). */
function printContinuations(result: SimulationResult): void {
  const lines = formatContinuations(result.loans);
  if (lines.length === 0) return;
  console.log(`\n${lines.length} ladders continued in fresh executions (an execution lasts a year at most):`);
  for (const line of lines) console.log(`  ${line}`);
}

const program = new Command('ladder')
  .description('Collections ladder: local runtime, simulation and tools')
  .showHelpAfterError();

program
  .command('start')
  .description('run the bundled sample portfolio through the default ladder and print the summary')
  .option('--loans <n>', 'loans in the sample portfolio', int, 300)
  .option('--seed <n>', 'seed of the sample portfolio', int, 42)
  .option('--out <dir>', 'where timelines are written', 'out')
  .option('--data <dir>', 'keep the embedded store on disk in this directory (default: in memory)')
  .option('--no-iam', "do not enforce the stack's IAM on the functions' calls (on by default)")
  .action(async (opts: { loans: number; seed: number; out: string; data?: string; iam: boolean }) => {
    const started = Date.now();
    const bar = progress(process.stderr.isTTY === true || process.env.CI === 'true');
    const result = await simulate(
      { seed: opts.seed, loans: samplePortfolio(opts.loans, opts.seed) },
      {
        onProgress: bar.update,
        evidenceDir: resolve(opts.out),
        ...(opts.data ? { dataDir: resolve(opts.data) } : {}),
        ...(opts.iam ? {} : { iam: false as const }),
      },
    );
    bar.stop();
    result.summary.seed = opts.seed;
    const file = resolve(opts.out, 'timelines.jsonl');
    writeTimelines(result, file);
    console.log(formatSummary(result.summary, (Date.now() - started) / 1000));
    printContinuations(result);
    console.log(`\neach loan's timeline (one JSON line per loan): ${file}`);
    if (result.evidence.size > 0) {
      console.log(
        `evidence packs of the ${result.evidence.size} loans handed to legal: ${resolve(opts.out, 'evidence')}/`,
      );
    }
  });

program
  .command('simulate')
  .description('run a scenario file through the local stack on a simulated clock')
  .requiredOption('--scenario <file>', 'scenario JSON (see README)')
  .requiredOption('--out <file>', 'where the result JSON is written')
  .option('--data <dir>', 'keep the embedded store on disk in this directory (default: in memory)')
  .option('--evidence <dir>', 'write the evidence packs of loans handed to legal to this directory')
  .option(
    '--ledger-out <file>',
    'also write every ledger record, one JSON line each (for `ladder audit verify`)',
  )
  .option('--no-iam', "do not enforce the stack's IAM on the functions' calls (on by default)")
  .action(
    async (opts: {
      scenario: string;
      out: string;
      data?: string;
      evidence?: string;
      ledgerOut?: string;
      iam: boolean;
    }) => {
      let raw: unknown;
      try {
        raw = JSON.parse(readFileSync(opts.scenario, 'utf8'));
      } catch (error) {
        throw new ScenarioError(`${opts.scenario}: ${(error as Error).message.split('\n')[0]}`);
      }
      const scenario = parseScenario(raw);
      const bar = progress(process.stderr.isTTY === true);
      const result = await simulate(scenario, {
        baseDir: dirname(resolve(opts.scenario)),
        onProgress: bar.update,
        ...(opts.data ? { dataDir: resolve(opts.data) } : {}),
        ...(opts.evidence ? { evidenceDir: resolve(opts.evidence) } : {}),
        ...(opts.iam ? {} : { iam: false as const }),
      });
      bar.stop();
      mkdirSync(dirname(resolve(opts.out)), { recursive: true });
      writeFileSync(
        opts.out,
        `${JSON.stringify({ loans: result.loans, summary: result.summary }, null, 2)}\n`,
      );
      if (opts.ledgerOut) {
        mkdirSync(dirname(resolve(opts.ledgerOut)), { recursive: true });
        const chains = [...result.ledgers.values(), ...result.deliveries.values()];
        writeFileSync(opts.ledgerOut, ledgerLines(chains, result.seals));
        // The run's seal key, so the seals can be checked (`audit verify --ledger F --key F.key`).
        result.saveSealKey(`${opts.ledgerOut}.key`);
      }
      console.log(
        `wrote ${opts.out}: ${result.loans.length} loans, ${Object.entries(result.summary.finalStatus)
          .map(([k, v]) => `${k} ${v}`)
          .join(', ')}`,
      );
      printContinuations(result);
    },
  );

program
  .command('serve')
  .description('run the local stack as a service on localhost for upstream developers')
  .option('--port <n>', 'HTTP port', int, 4510)
  .option('--speed <n>', 'virtual seconds per real second', int, 1)
  .option('--data <dir>', 'keep the store on disk in this directory')
  .option('--no-iam', "do not enforce the stack's IAM on the functions' calls (on by default)")
  .action(async (opts: { port: number; speed: number; data?: string; iam: boolean }) => {
    const { serve } = await import('../local/serve.js');
    const service = await serve(opts);
    for (const signal of ['SIGINT', 'SIGTERM'] as const)
      process.once(signal, () => void service.close().then(() => process.exit(0)));
  });

/** `ladder agent …`: the agent's side of the work queue, against a running `ladder serve`. */
const agent = program
  .command('agent')
  .description('list, claim and complete human tasks on a running `ladder serve`')
  .option('--url <url>', 'where `ladder serve` listens', 'http://127.0.0.1:4510')
  .option('--as <agent>', 'who you are: a task is held by the agent who claimed it', 'local-agent');
async function call(path: string, init?: RequestInit): Promise<unknown> {
  const { url: base, as } = agent.opts<{ url: string; as: string }>();
  const url = `${base}${path}`;
  const headers = { 'content-type': 'application/json', 'x-ladder-agent': as };
  const response = await fetch(url, { headers, ...init });
  const body = (await response.json()) as { error?: string };
  if (!response.ok)
    throw Object.assign(new Error(body.error ?? `HTTP ${response.status}`), { name: 'ValidationError' });
  return body;
}
/** A task's route: specialist tasks (deceased, bankrupt, fraud victim) have their own. */
const taskPath = (taskId: string) =>
  `${taskId.includes('#SPECIALIST#') ? '/specialist' : ''}/tasks/${encodeURIComponent(taskId)}`;
agent
  .command('list')
  .description('open tasks of a queue')
  .option('--queue <queue>', 'agent-calls, field-visits, plan-signing or specialist', 'agent-calls')
  .action(async (opts: { queue: string }) => {
    const path =
      opts.queue === 'specialist' ? '/specialist/tasks' : `/tasks?queue=${encodeURIComponent(opts.queue)}`;
    const { tasks } = (await call(path)) as { tasks: Array<Record<string, string>> };
    for (const t of tasks) console.log(`${t.taskId}\t${t.loanId}\t${t.stage}\topened ${t.openedAt}`);
    if (tasks.length === 0) console.log(`no open tasks in ${opts.queue}`);
  });
agent
  .command('claim <taskId>')
  .description('take a task (tells the waiting execution someone is on it)')
  .action(async (taskId: string) => {
    console.log(JSON.stringify(await call(`${taskPath(taskId)}/claim`, { method: 'POST' })));
  });
agent
  .command('complete <taskId>')
  .description(
    'record the outcome: REACHED, PROMISE_TO_PAY, HARDSHIP, DISPUTE, REFUSED, NO_ANSWER, WRONG_NUMBER, PLAN_AGREED, VISIT_REPORTED, SIGNED, DECLINED, REVIEWED',
  )
  .requiredOption('--outcome <outcome>', 'what happened')
  .option('--amount <amount>', 'promised amount (PROMISE_TO_PAY)')
  .option('--date <date>', 'promised date, YYYY-MM-DD (PROMISE_TO_PAY)')
  .option('--instalments <list>', 'PLAN_AGREED: amount@date,amount@date')
  .option('--report <text>', 'VISIT_REPORTED: the visit report (kept on the task)')
  .action(
    async (
      taskId: string,
      o: { outcome: string; amount?: string; date?: string; instalments?: string; report?: string },
    ) => {
      const outcome = {
        outcome: o.outcome,
        ...(o.amount || o.date ? { promise: { amount: o.amount, date: o.date } } : {}),
        ...(o.instalments
          ? {
              plan: {
                instalments: o.instalments
                  .split(',')
                  .map((i) => ({ amount: i.split('@')[0], date: i.split('@')[1] })),
              },
            }
          : {}),
        ...(o.report ? { report: o.report } : {}),
      };
      const path = `${taskPath(taskId)}/complete`;
      console.log(JSON.stringify(await call(path, { method: 'POST', body: JSON.stringify(outcome) })));
    },
  );

const audit = program.command('audit').description('checks on the audit ledger');
audit
  .command('verify')
  .description(
    'verify every hash chain of the ledger: exits 0 when all are intact, 1 naming each broken chain',
  )
  .option('--ledger <file>', 'JSON lines of ledger records and seals (`ladder simulate --ledger-out`)')
  .option('--key <file>', 'the seal key of a --ledger file (written beside it by --ledger-out)')
  .option('--data <dir>', 'the embedded store on disk (`--data` of simulate, start or serve)')
  .option('--quiet', 'print only the summary and the broken chains')
  .action(async (opts: { ledger?: string; data?: string; key?: string; quiet?: boolean }) => {
    if ((opts.ledger === undefined) === (opts.data === undefined)) {
      throw Object.assign(new Error('audit verify: give exactly one of --ledger <file> and --data <dir>'), {
        name: 'ValidationError',
      });
    }
    const report = opts.ledger
      ? await auditLedgerFile(opts.ledger, opts.key ? readKeyFile(opts.key) : undefined)
      : await auditDataDir(opts.data as string);
    const { out, err } = formatAudit(report, opts.quiet);
    for (const line of err) console.error(line);
    console.log(out.join('\n'));
    if (report.broken.length > 0) process.exitCode = 1;
  });

/**
 * Bad usage of `audit compliance` exits 2 with one line, like its other input errors: commander's
 * own errors (an unknown option, a missing value) would print their own line and exit 1, the code
 * that means "a violation was found".
 */
const usageError = (error: CommanderError): never => {
  if (error.exitCode === 0) process.exit(0); // --help
  throw Object.assign(new Error(`audit compliance: ${error.message.replace(/^error: /, '')}`), {
    name: 'ValidationError',
  });
};

audit
  .command('compliance')
  .description(
    'check every SENT contact in the store against the contact rules, independently of the code that ' +
      'decided them: exits 0 when none broke a rule, 1 naming each violation (loan, cycle, seq, rule)',
  )
  .option('--data <dir>', 'the embedded store on disk (`--data` of simulate, start or serve)')
  .option('--since <instant>', 'check only records at or after this ISO 8601 instant (with its offset)')
  .option('--until <instant>', 'check only records before this ISO 8601 instant (with its offset)')
  .option('--scenario <file>', 'judge by the policies of the scenario the store was simulated from')
  .option('--json', 'print {violations, summary} as JSON on stdout')
  .configureOutput({ writeErr: () => undefined })
  .exitOverride(usageError)
  .action(
    async (opts: { data?: string; since?: string; until?: string; scenario?: string; json?: boolean }) => {
      // Loaded here, not at the top: the other commands do not pay for the checker.
      const { auditCompliance } = await import('../local/compliance.js');
      const { out, err, exitCode } = await auditCompliance(opts);
      for (const line of err) console.error(line);
      console.log(out.join('\n'));
      process.exitCode = exitCode;
    },
  );

try {
  await program.parseAsync(process.argv);
} catch (error) {
  // Bad input: one line, no stack trace, no output file.
  const e = error as Error;
  const known = e instanceof ScenarioError || e.name === 'ValidationError';
  console.error(`ladder: ${known ? e.message : `${e.name}: ${e.message.split('\n')[0]}`}`);
  process.exit(known ? 2 : 1);
}
