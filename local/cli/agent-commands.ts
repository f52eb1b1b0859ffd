import { type Command, Option } from 'commander';
import { OUTCOMES, OUTCOMES_BY_QUEUE } from '../../functions/agent-api/outcome-names.js';
import { UsageError } from './usage.js';

/**
 * `ladder agent …`: the agent's side of the work queue, against a running `ladder serve`, or with
 * `--aws --api URL` against the deployed work-queue API, each request signed with SigV4 from the
 * standard credential chain (./aws-signing.ts; the caller is then the IAM principal, not `--as`).
 * Whatever goes wrong on the way is one line and exit 2: a server that does not answer, an answer
 * that is not ladder's, a refusal (the API's own message and HTTP status: 404 for an unknown task,
 * 403 from API Gateway for a principal without execute-api:Invoke).
 */
const DEFAULT_URL = 'http://127.0.0.1:4510';

interface AgentOptions {
  url: string;
  as: string;
  aws?: boolean;
  api?: string;
}

interface Target {
  base: string;
  what: string;
  hint: string;
  option: '--url' | '--api';
  headers: (url: URL, init: { method: string; body?: string }) => Promise<Record<string, string>>;
}

/** Where the requests go and how they are signed: `ladder serve`, or the API on AWS. */
async function target(opts: AgentOptions): Promise<Target> {
  const json = { 'content-type': 'application/json' };
  if (!opts.aws) {
    if (opts.api !== undefined) throw new UsageError('agent: --api is for --aws; use --url for ladder serve');
    return {
      base: opts.url,
      what: 'ladder serve',
      hint: 'start it with `npx ladder serve` or give --url',
      option: '--url',
      headers: async () => ({ ...json, 'x-ladder-agent': opts.as }),
    };
  }
  if (opts.api === undefined)
    throw new UsageError('agent --aws: give --api <url> (the stack output AgentApiUrl)');
  let api: URL;
  try {
    api = new URL(opts.api);
  } catch {
    throw new UsageError(`agent --aws: --api ${opts.api} is not a URL`);
  }
  // Loaded here, so the local commands and --help do not load the AWS SDK.
  const signing = await import('./aws-signing.js');
  const region = signing.apiRegion(api);
  const credentials = await signing.defaultCredentials();
  return {
    base: api.href.replace(/\/+$/, ''),
    what: 'the work-queue API',
    hint: 'is --api the AgentApiUrl output?',
    option: '--api',
    headers: (url, init) => signing.signedHeaders({ url, ...init, headers: json }, { region, credentials }),
  };
}

async function call(agent: Command, path: string, init: { method?: string; body?: string } = {}) {
  const to = await target(agent.opts<AgentOptions>());
  const url = new URL(`${to.base}${path}`);
  const method = init.method ?? 'GET';
  const headers = await to.headers(url, { method, ...(init.body === undefined ? {} : { body: init.body }) });
  let response: Response;
  try {
    response = await fetch(url, { method, headers, body: init.body });
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const why = cause?.code ?? cause?.message ?? (error as Error).message;
    throw new UsageError(`cannot reach ${to.what} at ${to.base} (${why}): ${to.hint}`);
  }
  let body: { error?: string; message?: string };
  try {
    body = (await response.json()) as { error?: string; message?: string };
  } catch {
    throw new UsageError(
      `${to.base} answered HTTP ${response.status}, not as ${to.what} does: is ${to.option} right?`,
    );
  }
  // API Gateway's own refusals (403 without execute-api:Invoke, a bad signature) say `message`.
  if (!response.ok)
    throw new UsageError(`${body.error ?? body.message ?? 'refused'} (HTTP ${response.status})`);
  return body;
}

/** A task's route: specialist tasks (deceased, bankrupt, fraud victim) have their own. */
const taskPath = (taskId: string) =>
  `${taskId.includes('#SPECIALIST#') ? '/specialist' : ''}/tasks/${encodeURIComponent(taskId)}`;

interface CompleteOptions {
  outcome: (typeof OUTCOMES)[number];
  amount?: string;
  date?: string;
  instalments?: string;
  report?: string;
  notes?: string;
}

/** The request body of a completion; what each outcome needs is checked here, the values by the API. */
function outcomeBody(o: CompleteOptions): Record<string, unknown> {
  const body = outcomeOnly(o);
  return o.notes === undefined ? body : { ...body, notes: o.notes };
}

function outcomeOnly(o: CompleteOptions): Record<string, unknown> {
  const needs = (option: string, given: string | undefined) => {
    if (given === undefined) throw new UsageError(`agent complete: --outcome ${o.outcome} needs ${option}`);
  };
  if (o.outcome === 'PROMISE_TO_PAY') {
    needs('--amount', o.amount);
    needs('--date', o.date);
    return { outcome: o.outcome, promise: { amount: o.amount, date: o.date } };
  }
  if (o.outcome === 'PLAN_AGREED') {
    needs('--instalments', o.instalments);
    const instalments = (o.instalments ?? '').split(',').map((i) => {
      const [amount, date, ...rest] = i.split('@');
      if (!amount || !date || rest.length > 0)
        throw new UsageError(`agent complete: --instalments: "${i}" is not amount@YYYY-MM-DD`);
      return { amount, date };
    });
    return { outcome: o.outcome, plan: { instalments } };
  }
  if (o.outcome === 'VISIT_REPORTED') {
    needs('--report', o.report);
    return { outcome: o.outcome, report: o.report };
  }
  return { outcome: o.outcome };
}

export function agentCommands(program: Command): void {
  const agent = program
    .command('agent')
    .description('list, claim and complete human tasks on a running `ladder serve`, or with --aws on AWS')
    .option('--url <url>', 'where `ladder serve` listens', DEFAULT_URL)
    .option('--as <agent>', 'who you are: a task is held by the agent who claimed it', 'local-agent')
    .option('--aws', 'call the deployed work-queue API, signing with your AWS credentials (SigV4)')
    .option('--api <url>', 'with --aws: the stack output AgentApiUrl');

  agent
    .command('list')
    .description('open tasks of a queue')
    .addOption(
      new Option('--queue <queue>', 'the work queue')
        .choices(Object.keys(OUTCOMES_BY_QUEUE))
        .default('agent-calls'),
    )
    .action(async (opts: { queue: string }) => {
      const path =
        opts.queue === 'specialist' ? '/specialist/tasks' : `/tasks?queue=${encodeURIComponent(opts.queue)}`;
      const { tasks } = (await call(agent, path)) as { tasks: Array<Record<string, string>> };
      for (const t of tasks) console.log(`${t.taskId}\t${t.loanId}\t${t.stage}\topened ${t.openedAt}`);
      if (tasks.length === 0) console.log(`no open tasks in ${opts.queue}`);
    });

  agent
    .command('claim <taskId>')
    .description('take a task (tells the waiting execution someone is on it)')
    .action(async (taskId: string) => {
      console.log(JSON.stringify(await call(agent, `${taskPath(taskId)}/claim`, { method: 'POST' })));
    });

  agent
    .command('complete <taskId>')
    .description('record what the agent learned; the outcomes a queue takes are listed under --outcome')
    .addOption(
      new Option(
        '--outcome <outcome>',
        `what happened (${Object.entries(OUTCOMES_BY_QUEUE)
          .map(([queue, outcomes]) => `${queue}: ${outcomes.join(' ')}`)
          .join('; ')})`,
      )
        .choices(OUTCOMES)
        .makeOptionMandatory(),
    )
    .option('--amount <amount>', 'PROMISE_TO_PAY: the promised amount, e.g. 100.00')
    .option('--date <date>', 'PROMISE_TO_PAY: the promised date, YYYY-MM-DD')
    .option('--instalments <list>', 'PLAN_AGREED: amount@date,amount@date')
    .option(
      '--report <text>',
      'VISIT_REPORTED: the visit report (kept under the contact key, named in the ledger, in the evidence pack)',
    )
    .option('--notes <text>', "a call's notes, any outcome (kept as a visit report is)")
    .action(async (taskId: string, o: CompleteOptions) => {
      const body = JSON.stringify(outcomeBody(o));
      console.log(
        JSON.stringify(await call(agent, `${taskPath(taskId)}/complete`, { method: 'POST', body })),
      );
    });
}
