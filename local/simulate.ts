import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { DateTime } from 'luxon';
import { caseKey } from '../functions/domain/case.js';
import type { EventType } from '../functions/domain/events.js';
import { attemptsOf, type LedgerRecord } from '../functions/domain/ledger.js';
import { BUNDLED_POLICIES, bundledPolicies, policyRegistry } from '../functions/domain/policies.js';
import { isHumanStage, type LoadedPolicy, stageLabel } from '../functions/domain/policy.js';
import { renderLadderJson } from '../statemachines/render.js';
import { inLane } from './clock.js';
import { createLocalLadder, type Faults, type LocalLadder, type OpenedTask } from './runtime.js';
import { type Scenario, ScenarioError, type ScenarioEvent, type ScenarioLoan } from './scenario.js';
import type { FailurePlan } from './services/index.js';

/**
 * Runs a scenario through the local stack on the virtual clock: each loan's LoanDelinquent event is
 * delivered four days before its due date (so the D-3 reminder runs), borrower events at their
 * times, and the simulated agent desk answers each agent call 30 minutes after it opens with the
 * scripted answer for that call (unanswered when there is none).
 */
export interface SimulatedAttempt {
  at: string;
  stage: string;
  channel: string;
  status: string;
  reason?: string;
}
export interface SimulatedLoan {
  loanId: string;
  finalStatus: 'CURED' | 'SETTLED' | 'HANDED_OVER' | 'CLOSED' | 'ACTIVE';
  attempts: SimulatedAttempt[];
  stateTransitions: number;
  /** The ladder the loan ran (its policy), and its arm when that policy runs an experiment. */
  policy: string;
  arm?: 'champion' | 'challenger';
}
export interface SimulationResult {
  loans: SimulatedLoan[];
  summary: Summary;
  ledgers: Map<string, LedgerRecord[]>;
  /** Events the ladder published to the bus (placement, recall, credit report, legal, letters). */
  published: Array<{ at: number; detailType: string; detail: Record<string, unknown> }>;
  /** Evidence packs handed to legal, by key (evidence/<loanId>/<cycle>). */
  evidence: Map<string, { json: string; document: string }>;
}
export interface Summary {
  seed: number;
  rulePack: string;
  policy: string;
  loans: number;
  finalStatus: Record<string, number>;
  perStage: Record<
    string,
    {
      contacted: number;
      blocked: Record<string, number>;
      deferred: number;
      failed: number;
      curedAfter: number;
    }
  >;
  stateTransitionsPerLoan: number;
  ddbRequestsPerLoan: number;
  lambdaInvocationsPerLoan: number;
  /** Averages per automated stage run (Wait, Task, Choice; a retry is a billed transition too). */
  automatedStage: { transitions: number; ddbRequests: number };
  /** Executions by status at the end; RUNNING means stuck (no timer left that could move it). */
  executions: Record<string, number>;
  /** Days from start to end of the finished executions (how long a ladder stays open). */
  executionDays: { mean: number; max: number };
  /** The raw counts behind the averages, so runs over parts of a portfolio can be added up. */
  totals: {
    stateTransitions: number;
    ddbRequests: number;
    lambdaInvocations: number;
    stageRuns: number;
    stageTransitions: number;
    stageInvocations: number;
    stageDdbRequests: number;
    executionDays: number;
    finishedExecutions: number;
  };
  costPer1000LoansUSD: Record<string, number>;
  smsSent: number;
  emailsSent: number;
  virtualDays: number;
  /** Events whose handler still failed after Lambda's two asynchronous retries (the DLQ on AWS). */
  deadLetters: number;
  /** Champion/challenger comparison, when the policy runs an experiment. */
  experiment?: Record<string, ArmSummary>;
}

export interface ArmSummary {
  policy: string;
  loans: number;
  cured: number;
  cureRate: number;
  /** SENT contacts per cured loan (all of the arm's contacts, over its cures). */
  contactsPerCure: number | null;
  /** Mean days from the due date to the cure. */
  daysToCure: number | null;
}

const DETAIL_TYPE: Partial<Record<ScenarioEvent['type'], EventType>> = {
  payment: 'PaymentReceived',
  optOut: 'BorrowerOptedOut',
  optIn: 'BorrowerOptedIn',
  dispute: 'DisputeOpened',
  disputeResolved: 'DisputeResolved',
  promiseToPay: 'PromiseToPayMade',
  hardship: 'HardshipReported',
  acceptPlan: 'RepaymentPlanAccepted',
  erasure: 'BorrowerErasureRequested',
};

function detailOf(loan: ScenarioLoan, e: ScenarioEvent, at: string, n: number): Record<string, unknown> {
  switch (e.type) {
    case 'payment':
      return {
        paymentId: `${loan.loanId}-p${n}`,
        loanId: loan.loanId,
        amount: e.amount,
        currency: loan.currency,
        paidAt: at,
      };
    case 'optOut':
    case 'optIn':
      return { borrowerId: loan.borrower.borrowerId, channel: e.channel, at };
    case 'erasure':
      return { borrowerId: loan.borrower.borrowerId, at };
    case 'disputeResolved':
      return { loanId: loan.loanId, inFavourOf: e.inFavourOf, at };
    case 'promiseToPay':
      return { loanId: loan.loanId, amount: e.amount, date: e.date, at };
    case 'acceptPlan':
      return { loanId: loan.loanId, instalments: e.instalments, at };
    default:
      return { loanId: loan.loanId, at };
  }
}

/** What the agent records for a scripted answer to a call. */
function callOutcome(e: ScenarioEvent | undefined): Record<string, unknown> {
  switch (e?.type) {
    case 'promiseToPay':
      return { outcome: 'PROMISE_TO_PAY', promise: { amount: e.amount, date: e.date } };
    case 'acceptPlan':
      return { outcome: 'PLAN_AGREED', plan: { instalments: e.instalments } };
    case 'dispute':
      return { outcome: 'DISPUTE' };
    case 'hardship':
      return { outcome: 'HARDSHIP' };
    case 'refused':
      return { outcome: 'REFUSED' };
    case 'wrongNumber':
      return { outcome: 'WRONG_NUMBER' };
    case undefined:
    case 'noAnswer':
      return { outcome: 'NO_ANSWER' };
    default:
      return { outcome: 'REACHED' };
  }
}

/**
 * The scenario's policy: the default unless it names one (a path, or inline). An inline or file
 * policy may start from a bundled one with `"extends": "<policy id>"` and override fields (an
 * experiment, a rule pack). The bundled policies stay registered, so an experiment can name one.
 */
export function scenarioPolicies(scenario: Scenario, baseDir = '.') {
  const isDefault = !scenario.policy && !scenario.rulePack;
  if (isDefault) {
    const registry = bundledPolicies();
    return { registry, policy: registry.get('default'), isDefault };
  }
  const given =
    typeof scenario.policy === 'string'
      ? (JSON.parse(readFileSync(resolve(baseDir, scenario.policy), 'utf8')) as Record<string, unknown>)
      : (scenario.policy ?? { extends: 'default' });
  const { extends: parent, ...own } = given;
  const base = parent === undefined ? {} : BUNDLED_POLICIES.find((p) => (p as { id: string }).id === parent);
  if (!base) throw new ScenarioError(`scenario: policy.extends: no bundled policy "${String(parent)}"`);
  const merged = { ...base, ...own, ...(scenario.rulePack ? { rulePack: scenario.rulePack } : {}) } as {
    id: string;
  };
  const others = BUNDLED_POLICIES.filter((p) => (p as { id: string }).id !== merged.id);
  const registry = policyRegistry([merged, ...others]);
  return { registry, policy: registry.get(merged.id), isDefault };
}

const HOUR = 3_600_000;
/** Lambda retries a failed asynchronous (EventBridge) invocation twice: after about 1, then 2 minutes. */
const ASYNC_RETRIES_MS = [60_000, 120_000];

/** Faults for a run: the runtime's hooks, and the next SMS and e-mail sends that fail. */
export interface SimulationFaults extends Faults {
  sms?: FailurePlan;
  email?: FailurePlan;
}

export interface SimulateOptions {
  baseDir?: string;
  dataDir?: string;
  evidenceDir?: string;
  onProgress?: (done: number, total: number) => void;
  faults?: SimulationFaults;
  /** Sees the local stack before the first event (tests schedule faults on its clock here). */
  onStart?: (ladder: LocalLadder) => void;
  /** Sees the local stack once the run is collected, before it closes (tests read the sinks here). */
  onFinish?: (ladder: LocalLadder) => Promise<void> | void;
  /** Replaces the handlers with ones that do nothing (the interpreter's ceiling; see bench/). */
  noopHandlers?: boolean;
}

export async function simulate(scenario: Scenario, options: SimulateOptions = {}): Promise<SimulationResult> {
  const { registry, policy, isDefault } = scenarioPolicies(scenario, options.baseDir);
  // A run's store is kept in --data for inspection afterwards; a second run on it would replay the
  // same loans against their stored cases and ledgers, so each run needs its own directory.
  if (options.dataDir && existsSync(options.dataDir) && readdirSync(options.dataDir).length > 0) {
    throw new ScenarioError(`--data ${options.dataDir}: must be a new or empty directory`);
  }
  const deliverAt = (loan: ScenarioLoan) =>
    DateTime.fromISO(loan.dueDate, { zone: loan.borrower.timeZone })
      .minus({ days: 4 })
      .set({ hour: 8 })
      .toMillis();
  const start = Math.min(...scenario.loans.map(deliverAt));
  const byLoan = new Map(scenario.loans.map((l) => [l.loanId, l]));
  const callsSeen = new Map<string, number>();
  let deadLetters = 0;
  // Faults are injected into the run, not into reading its results afterwards.
  let injecting = true;
  const hooks = options.faults;
  const faults: Faults = {
    ...(hooks?.dynamodb ? { dynamodb: (call) => (injecting ? hooks.dynamodb?.(call) : undefined) } : {}),
    ...(hooks?.invocation
      ? { invocation: (call) => (injecting ? hooks.invocation?.(call) : undefined) }
      : {}),
  };

  let ladder: LocalLadder | undefined;
  /**
   * Delivers an event as EventBridge and Lambda's asynchronous invocation do: a failed delivery is
   * retried on the virtual clock, then dead-lettered. Resolves after the first try.
   */
  const deliver = (type: string, detail: Record<string, unknown>, retry = 0): Promise<void> => {
    const l = ladder as LocalLadder;
    return l.clock.track(async () => {
      try {
        await l.send(type, detail);
      } catch {
        const wait = ASYNC_RETRIES_MS[retry];
        if (wait === undefined) deadLetters += 1;
        else l.clock.setTimeout(() => void deliver(type, detail, retry + 1), wait);
      }
    });
  };
  /**
   * The simulated desk: agents answer calls with the scripted answer for that call (none: no answer),
   * visitors file a report, borrowers sign the plans they agreed to; each 30 minutes after it opens.
   */
  const onTaskOpened = (task: OpenedTask) => {
    const l = ladder as LocalLadder;
    const loan = byLoan.get(task.loanId);
    const reply = async () => {
      if (task.queue === 'field-visits') {
        return l.completeTask(task.taskId, { outcome: 'VISIT_REPORTED', report: 'visited' });
      }
      if (task.queue === 'plan-signing') return l.completeTask(task.taskId, { outcome: 'SIGNED' });
      const n = (callsSeen.get(task.loanId) ?? 0) + 1;
      callsSeen.set(task.loanId, n);
      const answer = loan?.events.find((e) => e.onAgentCall === n);
      if (answer && loan && (answer.type === 'payment' || answer.type === 'optOut')) {
        const at = new Date(l.clock.now()).toISOString();
        await deliver(DETAIL_TYPE[answer.type] as string, detailOf(loan, answer, at, 1000 + n));
      }
      return l.completeTask(task.taskId, callOutcome(answer));
    };
    l.clock.setTimeout(() => void l.clock.track(reply), HOUR / 2);
  };

  ladder = await createLocalLadder({
    start,
    policies: registry,
    // A scenario's own policy is rendered here, by the same renderer as the committed files.
    ...(isDefault
      ? {}
      : { definitions: Object.fromEntries(registry.all().map((p) => [p.id, renderLadderJson(p)])) }),
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
    ...(options.evidenceDir ? { evidenceDir: options.evidenceDir } : {}),
    faults,
    ...(options.noopHandlers ? { noopHandlers: true } : {}),
    onTaskOpened,
  });
  const l = ladder;
  if (options.faults?.sms) l.services.sms.injectFaults(options.faults.sms);
  if (options.faults?.email) l.services.email.injectFaults(options.faults.email);
  options.onStart?.(l);
  try {
    for (const loan of scenario.loans) {
      const lane = loan.borrower.borrowerId;
      inLane(lane, () => {
        l.clock.setTimeout(() => {
          void deliver('LoanDelinquent', {
            loanId: loan.loanId,
            cycle: 1,
            amountDue: loan.amountDue,
            currency: loan.currency,
            dueDate: loan.dueDate,
            borrower: loan.borrower,
          });
        }, deliverAt(loan) - start);
        loan.events.forEach((e, n) => {
          if (!e.at) return;
          if (e.type === 'smsReply') {
            const { phone } = loan.borrower;
            l.clock.setTimeout(
              () => void l.clock.track(() => l.inboundSms(phone, e.body)),
              Math.max(0, Date.parse(e.at) - start),
            );
            return;
          }
          const type = DETAIL_TYPE[e.type];
          if (!type) return;
          const at = e.at;
          l.clock.setTimeout(
            () => void deliver(type, detailOf(loan, e, at, n)),
            Math.max(0, Date.parse(at) - start),
          );
        });
      });
    }
    const total = scenario.loans.length;
    const progress = () => {
      let done = 0;
      for (const e of l.executions.values()) if (e.status !== 'RUNNING') done += 1;
      options.onProgress?.(done, total);
    };
    // Counting walks every execution: at most four times a (real) second, not at every instant.
    let counted = 0;
    await l.clock.runUntilIdle({
      until: start + 400 * 24 * HOUR,
      onAdvance: () => {
        if (!options.onProgress || Date.now() - counted < 250) return;
        counted = Date.now();
        progress();
      },
    });
    if (options.onProgress) progress();
    // Quiescent with no timer left: an execution still RUNNING waits for something that will never
    // come (stuck). It is counted as such, not awaited.
    await Promise.all(
      [...l.executions.values()]
        .filter((e) => e.status !== 'RUNNING')
        .map((e) => e.done.catch(() => undefined)),
    );
    injecting = false;
    const result = await collect(l, scenario, policy, start);
    result.summary.deadLetters = deadLetters;
    await options.onFinish?.(l);
    return result;
  } finally {
    await l.close();
  }
}

async function collect(
  l: LocalLadder,
  scenario: Scenario,
  policy: LoadedPolicy,
  start: number,
): Promise<SimulationResult> {
  const policyId = policy.id;
  const cases = l.stores.cases();
  const ledgerStore = l.stores.ledger();
  const loans: SimulatedLoan[] = [];
  const ledgers = new Map<string, LedgerRecord[]>();
  const summary: Summary = {
    seed: scenario.seed ?? 1,
    rulePack: l.policies.get(policyId).rules.id,
    policy: policyId,
    loans: scenario.loans.length,
    finalStatus: {},
    perStage: {},
    stateTransitionsPerLoan: 0,
    ddbRequestsPerLoan: 0,
    lambdaInvocationsPerLoan: 0,
    automatedStage: { transitions: 0, ddbRequests: 0 },
    executions: {},
    executionDays: { mean: 0, max: 0 },
    totals: {
      stateTransitions: 0,
      ddbRequests: 0,
      lambdaInvocations: 0,
      stageRuns: 0,
      stageTransitions: 0,
      stageInvocations: 0,
      stageDdbRequests: 0,
      executionDays: 0,
      finishedExecutions: 0,
    },
    costPer1000LoansUSD: {},
    smsSent: 0,
    emailsSent: 0,
    virtualDays: Math.round((l.clock.now() - start) / (24 * HOUR)),
    deadLetters: 0,
  };
  // Requests made while collecting the report below are not the ladder's: count only the run's.
  const runDdb = l.counters.ddbRequests;
  let transitions = 0;
  const arms: Record<
    string,
    { policy: string; loans: number; cured: number; contacts: number; days: number }
  > = {};
  for (const loan of scenario.loans) {
    const view = await cases.borrowerView(loan.borrower.borrowerId);
    const kase = view.cases.find((c) => c.item.loanId === loan.loanId && c.item.cycle === 1)?.item;
    const records = await ledgerStore.list(caseKey(loan.loanId, 1));
    ledgers.set(loan.loanId, records);
    const attempts = attemptsOf(records).map((a) => ({
      at: a.at,
      stage: a.stage,
      channel: a.channel,
      status: a.status,
      ...(a.reason ? { reason: a.reason } : {}),
    }));
    const execution = [...l.executions.values()].find((e) => e.input.loanId === loan.loanId);
    const status = kase?.status ?? 'ACTIVE';
    const finalStatus = execution?.status === 'RUNNING' ? (status === 'ACTIVE' ? 'ACTIVE' : status) : status;
    const stateTransitions = execution?.states.length ?? 0;
    transitions += stateTransitions;
    const arm = kase?.experiment?.arm;
    loans.push({
      loanId: loan.loanId,
      finalStatus,
      attempts,
      stateTransitions,
      policy: kase?.policyId ?? policyId,
      ...(arm ? { arm } : {}),
    });
    if (arm && kase) {
      const a = arms[arm] ?? { policy: kase.policyId, loans: 0, cured: 0, contacts: 0, days: 0 };
      arms[arm] = a;
      a.loans += 1;
      a.contacts += attempts.filter((x) => x.status === 'SENT').length;
      if (kase.status === 'CURED' && kase.closedAt) {
        a.cured += 1;
        a.days += (Date.parse(kase.closedAt) - Date.parse(`${kase.dueDate}T00:00:00Z`)) / 86_400_000;
      }
    }
    summary.finalStatus[finalStatus] = (summary.finalStatus[finalStatus] ?? 0) + 1;
    let lastContactStage: string | undefined;
    for (const a of attempts) {
      const s = summary.perStage[a.stage] ?? {
        contacted: 0,
        blocked: {},
        deferred: 0,
        failed: 0,
        curedAfter: 0,
      };
      summary.perStage[a.stage] = s;
      if (a.status === 'SENT') {
        s.contacted += 1;
        if (a.channel === 'SMS') summary.smsSent += 1;
        if (a.channel === 'EMAIL') summary.emailsSent += 1;
        lastContactStage = a.stage;
      } else if (a.status === 'BLOCKED')
        s.blocked[a.reason ?? 'RULE'] = (s.blocked[a.reason ?? 'RULE'] ?? 0) + 1;
      else if (a.status === 'DEFERRED') s.deferred += 1;
      else s.failed += 1;
    }
    if (finalStatus === 'CURED' && lastContactStage) {
      const s = summary.perStage[lastContactStage];
      if (s) s.curedAfter += 1;
    }
  }
  if (Object.keys(arms).length > 0) {
    summary.experiment = Object.fromEntries(
      Object.entries(arms).map(([arm, a]) => [
        arm,
        {
          policy: a.policy,
          loans: a.loans,
          cured: a.cured,
          cureRate: round(a.cured / a.loans, 3),
          contactsPerCure: a.cured ? round(a.contacts / a.cured) : null,
          daysToCure: a.cured ? round(a.days / a.cured, 1) : null,
        },
      ]),
    );
  }
  const n = scenario.loans.length;
  summary.stateTransitionsPerLoan = round(transitions / n);
  summary.ddbRequestsPerLoan = round(runDdb / n);
  summary.lambdaInvocationsPerLoan = round(l.counters.lambdaInvocations / n);
  const runStage = l.stageCalls.filter((c) => c.action === 'RUN_STAGE');
  // State transitions of automated stages: each Wait, Task and Choice entered, and each retry.
  const automated = new Set(
    policy.stages
      .filter((st) => !isHumanStage(st))
      .flatMap((st) => [`Wait for ${stageLabel(st)}`, stageLabel(st), `After ${stageLabel(st)}`]),
  );
  const tasks = new Set(policy.stages.filter((st) => !isHumanStage(st)).map(stageLabel));
  let stageTransitions = 0;
  let stageRuns = 0;
  let openDays = 0;
  let finished = 0;
  for (const e of l.executions.values()) {
    summary.executions[e.status] = (summary.executions[e.status] ?? 0) + 1;
    if (e.stoppedAt !== undefined) {
      const days = (e.stoppedAt - e.startedAt) / (24 * HOUR);
      openDays += days;
      finished += 1;
      summary.executionDays.max = Math.max(summary.executionDays.max, round(days, 1));
    }
    for (const h of e.history) {
      if (!automated.has(h.state)) continue;
      if (h.type === 'StateEntered' || h.type === 'StateRetried') stageTransitions += 1;
      if (h.type === 'StateEntered' && tasks.has(h.state)) stageRuns += 1;
    }
  }
  summary.automatedStage.transitions = round(stageTransitions / Math.max(1, stageRuns));
  const stageDdb = runStage.reduce((sum, c) => sum + c.ddb, 0);
  summary.automatedStage.ddbRequests = round(stageDdb / Math.max(1, runStage.length));
  summary.totals = {
    stateTransitions: transitions,
    ddbRequests: runDdb,
    lambdaInvocations: l.counters.lambdaInvocations,
    stageRuns,
    stageTransitions,
    stageInvocations: runStage.length,
    stageDdbRequests: stageDdb,
    executionDays: openDays,
    finishedExecutions: finished,
  };
  summary.executionDays.mean = round(openDays / Math.max(1, finished), 1);
  summary.costPer1000LoansUSD = costPer1000(
    transitions / n,
    runDdb / n,
    l.counters.lambdaInvocations / n,
    summary.smsSent / n,
    summary.emailsSent / n,
  );
  return { loans, summary, ledgers, published: l.published, evidence: l.evidencePacks };
}

const round = (x: number, digits = 2) => Math.round(x * 10 ** digits) / 10 ** digits;

/**
 * Estimated AWS cost per 1,000 loans from the run's counts, at us-east-1 list prices (2026):
 * Step Functions Standard $0.025 per 1,000 transitions; Lambda $0.20 per million requests plus
 * 256 MB x ~200 ms ARM at $0.0000133334 per GB-s; DynamoDB on-demand ~$0.625 per million writes and
 * ~$0.125 per million reads (counted as half and half); SES $0.10 per 1,000 e-mails; SNS SMS
 * ~$0.00645 per US message (China and other destinations differ: a lender's own rate replaces it).
 */
export function costPer1000(
  transitions: number,
  ddb: number,
  invocations: number,
  sms: number,
  emails: number,
) {
  const k = 1000;
  const stepFunctions = (transitions * k * 0.025) / 1000;
  const lambda = ((invocations * k) / 1e6) * 0.2 + invocations * k * 0.25 * 0.2 * 0.0000133334;
  const dynamodb = ((ddb * k) / 2 / 1e6) * 0.625 + ((ddb * k) / 2 / 1e6) * 0.125;
  const ses = (emails * k * 0.1) / 1000;
  const sns = sms * k * 0.00645;
  const total = stepFunctions + lambda + dynamodb + ses + sns;
  return {
    stepFunctions: round(stepFunctions, 4),
    lambda: round(lambda, 4),
    dynamodb: round(dynamodb, 4),
    ses: round(ses, 4),
    sns: round(sns, 4),
    total: round(total, 4),
  };
}
