import { type CaseRecord, caseKey } from '../functions/domain/case.js';
import { attemptsOf, deliveryLedgerId, type LedgerRecord } from '../functions/domain/ledger.js';
import {
  isHumanStage,
  type LoadedPolicy,
  type PolicyVersion,
  stageLabel,
} from '../functions/domain/policy.js';
import type { LedgerSeal } from '../functions/domain/seal.js';
import { costPer1000 } from './cost.js';
import { continuedAs, type ExecutionRecord } from './executions.js';
import { type LoanMoney, loanMoney } from './loan-money.js';
import type { LocalLadder } from './runtime.js';
import type { Scenario, ScenarioLoan } from './scenario.js';

/**
 * A simulation's results, read from the local stack once the run is over: each loan's outcome and
 * contacts, the per-stage summary, the experiment's arms, execution statistics and the cost model.
 */
export interface SimulatedAttempt {
  at: string;
  stage: string;
  channel: string;
  status: string;
  reason?: string;
}
/** One execution of a loan's ladder: a ladder longer than a year runs in several, each continuing the last. */
export interface SimulatedExecution {
  name: string;
  status: string;
  startedAt: string;
  stoppedAt?: string;
  days?: number;
  /** The execution this one continues (its name), and the one it continued in. */
  continuedFrom?: string;
  continuedAs?: string;
}
export interface SimulatedLoan extends LoanMoney {
  loanId: string;
  finalStatus: 'CURED' | 'SETTLED' | 'HANDED_OVER' | 'CLOSED' | 'ACTIVE';
  attempts: SimulatedAttempt[];
  /** State transitions of all its executions together. */
  stateTransitions: number;
  /** Its executions in the order they ran (one, unless the ladder outlasted an execution's year). */
  executions: SimulatedExecution[];
  /** The ladder the loan ran (its policy id and version), and its arm when that policy runs an experiment. */
  policy: string;
  policyVersion: PolicyVersion;
  arm?: 'champion' | 'challenger';
  /** The segment whose route chose the policy (NAMED: the scenario's own policy). */
  segment: string | null;
}
export interface SimulationResult {
  loans: SimulatedLoan[];
  summary: Summary;
  ledgers: Map<string, LedgerRecord[]>;
  /** Each loan's delivery chain: what became of the messages its contact records sent. */
  deliveries: Map<string, LedgerRecord[]>;
  /** Events the ladder published to the bus (placement, recall, credit report, legal, letters). */
  published: Array<{ at: number; detailType: string; detail: Record<string, unknown> }>;
  /** Evidence packs handed to legal, by key (evidence/<loanId>/<cycle>). */
  evidence: Map<string, { json: string; document: string }>;
  /** The ledger's seals (one per record), and a way to keep the run's seal key for verifying them. */
  seals: LedgerSeal[];
  saveSealKey(file: string): void;
}
type StageSummary = {
  contacted: number;
  blocked: Record<string, number>;
  /** Stages not run, by reason (SKIPPED_LATE: a pre-due reminder of a loan that came in late). */
  skipped: Record<string, number>;
  deferred: number;
  failed: number;
  curedAfter: number;
};
export interface Summary {
  seed: number;
  rulePack: string;
  /** The scenario's policy, as its ledger records name it (a content hash for an unversioned override). */
  policy: string;
  policyVersion: PolicyVersion;
  /** Loans per policy that ran them: the segment routing (policies/segments.json) may choose others. */
  loansByPolicy: Record<string, number>;
  loans: number;
  finalStatus: Record<string, number>;
  perStage: Record<string, StageSummary>;
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
  /** The raw counts behind the rates (SENT contacts; days to cure, added up), so parts can be added up. */
  contacts: number;
  cureDays: number;
}

/** An arm's running totals, while the loans are read. */
type ArmTally = { policy: string; loans: number; cured: number; contacts: number; days: number };

const DAY = 86_400_000;

const round = (x: number, digits = 2) => Math.round(x * 10 ** digits) / 10 ** digits;

export async function collect(
  l: LocalLadder,
  scenario: Scenario,
  policy: LoadedPolicy,
  start: number,
): Promise<SimulationResult> {
  const summary = emptySummary(l, scenario, policy.id, start);
  // Requests made while collecting the report below are not the ladder's: count only the run's.
  const runDdb = l.counters.ddbRequests;
  const { loans, ledgers, deliveries, transitions } = await collectLoans(l, scenario, policy.id, summary);
  const n = scenario.loans.length;
  for (const loan of loans)
    summary.loansByPolicy[loan.policy] = (summary.loansByPolicy[loan.policy] ?? 0) + 1;
  summary.stateTransitionsPerLoan = round(transitions / n);
  summary.ddbRequestsPerLoan = round(runDdb / n);
  summary.lambdaInvocationsPerLoan = round(l.counters.lambdaInvocations / n);
  const runStage = l.stageCalls.filter((c) => c.action === 'RUN_STAGE');
  const { stageTransitions, stageRuns, openDays, finished } = executionStats(l, policy, summary);
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
  const seals: LedgerSeal[] = [];
  for await (const page of l.stores.seals().scan()) seals.push(...page);
  return {
    loans,
    summary,
    ledgers,
    deliveries,
    published: l.published,
    evidence: l.evidencePacks,
    seals,
    // The keys alone, not the stack: a result outlives its stack, and `l` would keep every table of a
    // closed stack alive as long as the result is (a portfolio worker's whole previous batch).
    saveSealKey: l.keys.saveSealKey,
  };
}

function emptySummary(l: LocalLadder, scenario: Scenario, policyId: string, start: number): Summary {
  return {
    seed: scenario.seed ?? 1,
    rulePack: l.policies.get(policyId).rules.id,
    policy: policyId,
    policyVersion: l.policies.get(policyId).version,
    loansByPolicy: {},
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
    virtualDays: Math.round((l.clock.now() - start) / DAY),
    deadLetters: 0,
  };
}

/** Each loan's result and ledger, in the scenario's order, tallied into the summary and the arms. */
async function collectLoans(l: LocalLadder, scenario: Scenario, policyId: string, summary: Summary) {
  const cases = l.stores.cases();
  const ledgerStore = l.stores.ledger();
  const loans: SimulatedLoan[] = [];
  const ledgers = new Map<string, LedgerRecord[]>();
  const deliveries = new Map<string, LedgerRecord[]>();
  const arms: Record<string, ArmTally> = {};
  let transitions = 0;
  for (const loan of scenario.loans) {
    const view = await cases.borrowerView(loan.borrower.borrowerId);
    const kase = view.cases.find((c) => c.item.loanId === loan.loanId && c.item.cycle === 1)?.item;
    const records = await ledgerStore.list(caseKey(loan.loanId, 1));
    ledgers.set(loan.loanId, records);
    deliveries.set(loan.loanId, await ledgerStore.list(deliveryLedgerId(loan.loanId, 1)));
    const result = loanResult(l, loan, kase, records, policyId);
    transitions += result.stateTransitions;
    loans.push(result);
    if (result.arm && kase) tallyArm(arms, result.arm, kase, result.attempts);
    summary.finalStatus[result.finalStatus] = (summary.finalStatus[result.finalStatus] ?? 0) + 1;
    tallyStages(summary, result.attempts, result.finalStatus);
  }
  if (Object.keys(arms).length > 0) summary.experiment = armSummaries(arms);
  return { loans, ledgers, deliveries, transitions };
}

/** One loan's outcome: its case's status, its contact attempts, its execution's state transitions. */
function loanResult(
  l: LocalLadder,
  loan: ScenarioLoan,
  kase: CaseRecord | undefined,
  records: LedgerRecord[],
  policyId: string,
): SimulatedLoan {
  const attempts = attemptsOf(records).map((a) => ({
    at: a.at,
    stage: a.stage,
    channel: a.channel,
    status: a.status,
    ...(a.reason ? { reason: a.reason } : {}),
  }));
  const executions = [...l.executions.values()].filter((e) => e.input.loanId === loan.loanId);
  const execution = executions.at(-1);
  const status = kase?.status ?? 'ACTIVE';
  const finalStatus = execution?.status === 'RUNNING' ? (status === 'ACTIVE' ? 'ACTIVE' : status) : status;
  const arm = kase?.experiment?.arm;
  const policy = l.policies.get(kase?.policyId ?? policyId);
  return {
    loanId: loan.loanId,
    finalStatus,
    attempts,
    stateTransitions: executions.reduce((sum, e) => sum + e.states.length, 0),
    executions: executions.map(simulatedExecution),
    policy: kase?.policyId ?? policyId,
    segment: kase?.segment ?? null,
    policyVersion: kase?.policyVersion ?? l.policies.get(policyId).version,
    ...(arm ? { arm } : {}),
    ...loanMoney(kase, policy, loan.borrower.timeZone, l.clock.now()),
  };
}

/** An execution as a loan's result lists it: names, status, times, and the continuation's links. */
function simulatedExecution(e: ExecutionRecord): SimulatedExecution {
  const from = e.input.continuedFrom;
  const as = continuedAs(e);
  return {
    name: e.name,
    status: e.status,
    startedAt: new Date(e.startedAt).toISOString(),
    ...(e.stoppedAt !== undefined
      ? { stoppedAt: new Date(e.stoppedAt).toISOString(), days: round((e.stoppedAt - e.startedAt) / DAY, 1) }
      : {}),
    ...(typeof from === 'string' ? { continuedFrom: from.slice(from.lastIndexOf(':') + 1) } : {}),
    ...(as ? { continuedAs: as } : {}),
  };
}

/** Per stage: contacts sent, blocked (by reason), deferred, failed, and cures after its last contact. */
function tallyStages(summary: Summary, attempts: SimulatedAttempt[], finalStatus: string): void {
  let lastContactStage: string | undefined;
  for (const a of attempts) {
    const s = summary.perStage[a.stage] ?? {
      contacted: 0,
      blocked: {},
      skipped: {},
      deferred: 0,
      failed: 0,
      curedAfter: 0,
    };
    summary.perStage[a.stage] = s;
    if (a.status === 'SENT' || a.status === 'REQUESTED') {
      s.contacted += 1;
      if (a.channel === 'SMS') summary.smsSent += 1;
      if (a.channel === 'EMAIL') summary.emailsSent += 1;
      lastContactStage = a.stage;
    } else if (a.status === 'BLOCKED')
      s.blocked[a.reason ?? 'RULE'] = (s.blocked[a.reason ?? 'RULE'] ?? 0) + 1;
    else if (a.status === 'SKIPPED')
      s.skipped[a.reason ?? 'SKIPPED'] = (s.skipped[a.reason ?? 'SKIPPED'] ?? 0) + 1;
    else if (a.status === 'DEFERRED') s.deferred += 1;
    else s.failed += 1;
  }
  if (finalStatus === 'CURED' && lastContactStage) {
    const s = summary.perStage[lastContactStage];
    if (s) s.curedAfter += 1;
  }
}

function tallyArm(
  arms: Record<string, ArmTally>,
  arm: string,
  kase: CaseRecord,
  attempts: SimulatedAttempt[],
): void {
  const a = arms[arm] ?? { policy: kase.policyId, loans: 0, cured: 0, contacts: 0, days: 0 };
  arms[arm] = a;
  a.loans += 1;
  a.contacts += attempts.filter((x) => x.status === 'SENT').length;
  if (kase.status === 'CURED' && kase.closedAt) {
    a.cured += 1;
    a.days += (Date.parse(kase.closedAt) - Date.parse(`${kase.dueDate}T00:00:00Z`)) / DAY;
  }
}

function armSummaries(arms: Record<string, ArmTally>): Record<string, ArmSummary> {
  return Object.fromEntries(
    Object.entries(arms).map(([arm, a]) => [
      arm,
      {
        policy: a.policy,
        loans: a.loans,
        cured: a.cured,
        cureRate: round(a.cured / a.loans, 3),
        contactsPerCure: a.cured ? round(a.contacts / a.cured) : null,
        daysToCure: a.cured ? round(a.days / a.cured, 1) : null,
        contacts: a.contacts,
        cureDays: a.days,
      },
    ]),
  );
}

/**
 * Executions by status and how long they stayed open (into the summary), and the state transitions
 * of automated stages: each Wait, Task and Choice entered, and each retry.
 */
function executionStats(l: LocalLadder, policy: LoadedPolicy, summary: Summary) {
  const automatedStages = policy.stages.filter((st) => !isHumanStage(st));
  const automated = new Set(
    automatedStages.flatMap((st) => [
      `Wait for ${stageLabel(st)}`,
      stageLabel(st),
      `After ${stageLabel(st)}`,
    ]),
  );
  const tasks = new Set(automatedStages.map(stageLabel));
  let stageTransitions = 0;
  let stageRuns = 0;
  let openDays = 0;
  let finished = 0;
  for (const e of l.executions.values()) {
    summary.executions[e.status] = (summary.executions[e.status] ?? 0) + 1;
    if (e.stoppedAt !== undefined) {
      const days = (e.stoppedAt - e.startedAt) / DAY;
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
  return { stageTransitions, stageRuns, openDays, finished };
}
