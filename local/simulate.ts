import { existsSync, readdirSync } from 'node:fs';
import { DateTime } from 'luxon';
import type { LoadedPolicy } from '../functions/domain/policy.js';
import { renderLadderJson } from '../statemachines/render.js';
import type { IamOptions } from './access.js';
import { asyncDelivery } from './async-delivery.js';
import { inLane } from './clock.js';
import type { DeliveryFeedbackOptions } from './delivery-feedback.js';
import { simulatedDesk } from './desk.js';
import { continuedAs } from './executions.js';
import { createLocalLadder, type Faults, type LocalLadder } from './runtime.js';
import { type Scenario, ScenarioError, type ScenarioLoan } from './scenario.js';
import { DETAIL_TYPE, detailOf } from './scenario-events.js';
import { scenarioPolicies } from './scenario-policy.js';
import type { FailurePlan } from './services/index.js';
import { collect, type SimulationResult } from './summary.js';

export { costPer1000 } from './cost.js';
export { scenarioPolicies } from './scenario-policy.js';
export type {
  ArmSummary,
  SimulatedAttempt,
  SimulatedLoan,
  SimulationResult,
  Summary,
} from './summary.js';

const HOUR = 3_600_000;

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
  /**
   * The fast mode: the stores on in-memory tables instead of the embedded DynamoDB (local/sdk.ts,
   * services/memory-store.ts); the same handlers, IAM and clock, and the same per-loan results.
   * Not with `dataDir` (nothing is kept on disk).
   */
  fast?: boolean;
  /** Replaces the handlers with ones that do nothing (the interpreter's ceiling; see bench/). */
  noopHandlers?: boolean;
  /** The stack's IAM, enforced by default (LocalLadderOptions.iam); `false` turns it off. */
  iam?: false | IamOptions;
  /** The providers' delivery reports (how many messages do not arrive). */
  delivery?: DeliveryFeedbackOptions;
  /**
   * When the clock starts and when the run stops (`runWindow`): by default this scenario's own. A run
   * in parts (local/portfolio.ts) gives each part the whole scenario's, so that each loan runs as it
   * would in one run.
   */
  window?: RunWindow;
}

export interface RunWindow {
  start: number;
  until: number;
}

/** The scenario's window: from its first loan's delivery to the horizon (simulationHorizon). */
export function runWindow(scenario: Scenario, baseDir?: string): RunWindow {
  const start = Math.min(...scenario.loans.map(deliverAt));
  const { registry } = scenarioPolicies(scenario, baseDir);
  return { start, until: simulationHorizon(scenario, start, registry.all()) };
}

/** When a loan's LoanDelinquent is delivered: its `deliveredAt`, else 08:00 four days before its due date, in its borrower's zone. */
const deliverAt = (loan: ScenarioLoan) =>
  loan.deliveredAt
    ? Date.parse(loan.deliveredAt)
    : DateTime.fromISO(loan.dueDate, { zone: loan.borrower.timeZone })
        .minus({ days: 4 })
        .set({ hour: 8 })
        .toMillis();

/** The run's fault hooks until `stop`: faults are injected into the run, not into reading its results afterwards. */
function switchableFaults(hooks: SimulationFaults | undefined) {
  let injecting = true;
  const faults: Faults = {
    ...(hooks?.dynamodb ? { dynamodb: (call) => (injecting ? hooks.dynamodb?.(call) : undefined) } : {}),
    ...(hooks?.invocation
      ? { invocation: (call) => (injecting ? hooks.invocation?.(call) : undefined) }
      : {}),
  };
  return {
    faults,
    stop: () => {
      injecting = false;
    },
  };
}

/** A loan's LoanDelinquent, and its borrower's timed events (SMS replies through the inbound SMS handler). */
function scheduleLoan(
  l: LocalLadder,
  loan: ScenarioLoan,
  start: number,
  { deliver, invoke }: Pick<ReturnType<typeof asyncDelivery>, 'deliver' | 'invoke'>,
) {
  const lane = loan.borrower.borrowerId;
  inLane(lane, () => {
    l.clock.setTimeout(() => {
      void deliver('LoanDelinquent', {
        loanId: loan.loanId,
        cycle: 1,
        amountDue: loan.amountDue,
        currency: loan.currency,
        dueDate: loan.dueDate,
        ...(loan.minimumDue ? { minimumDue: loan.minimumDue } : {}),
        ...(loan.product ? { product: loan.product } : {}),
        ...(loan.riskScore !== undefined ? { riskScore: loan.riskScore } : {}),
        borrower: loan.borrower,
      });
    }, deliverAt(loan) - start);
    loan.events.forEach((e, n) => {
      if (!e.at) return;
      const at = e.at;
      const first = Math.max(0, Date.parse(e.deliveredAt ?? at) - start);
      // A repeated delivery is the same event again (the same payment id), a minute later each time.
      for (let copy = 0; copy <= (e.repeat ?? 0); copy++) {
        const when = first + copy * 60_000;
        // A reply is one message: a repeat or a retry after a failure has the same provider message id.
        const messageId = `${loan.loanId}-${n}`;
        if (e.type === 'smsReply' || (e.type === 'reply' && e.channel === 'SMS')) {
          const { phone } = loan.borrower;
          const text = e.type === 'reply' ? e.text : e.body;
          l.clock.setTimeout(() => void invoke((x) => x.inboundSms(phone, text, undefined, messageId)), when);
          continue;
        }
        if (e.type === 'reply') {
          const mail = { from: loan.borrower.email, subject: e.subject ?? '', body: e.text, messageId };
          l.clock.setTimeout(() => void invoke((x) => x.inboundEmail(mail)), when);
          continue;
        }
        const type = DETAIL_TYPE[e.type];
        if (type) l.clock.setTimeout(() => void deliver(type, detailOf(loan, e, at, n)), when);
      }
    });
  });
}

/**
 * When a run stops even if timers are left: a dispute never answered holds forever (a hold that times
 * out holds again, continuing in a fresh execution every few months). 400 days after the scenario's
 * last scripted instant, plus a month for each instalment the longest plan of its policies may have,
 * so a plan agreed late in the ladder still runs to its end.
 */
export function simulationHorizon(scenario: Scenario, start: number, policies: LoadedPolicy[]): number {
  let last = start;
  for (const loan of scenario.loans)
    for (const e of loan.events) if (e.at) last = Math.max(last, Date.parse(e.deliveredAt ?? e.at));
  const instalments = Math.max(0, ...policies.map((p) => p.plan.maxInstalments));
  return last + (400 + 31 * instalments) * 24 * HOUR;
}

/** Runs the clock until no timer is left (reporting progress), then lets the finished executions settle. */
async function runToEnd(
  l: LocalLadder,
  total: number,
  until: number,
  onProgress?: SimulateOptions['onProgress'],
) {
  // A loan is done when its ladder's last execution is: one that continued in another is not.
  const progress = () => {
    let done = 0;
    for (const e of l.executions.values()) if (e.status !== 'RUNNING' && !continuedAs(e)) done += 1;
    onProgress?.(done, total);
  };
  // Counting walks every execution: at most four times a (real) second, not at every instant.
  let counted = 0;
  await l.clock.runUntilIdle({
    until,
    onAdvance: () => {
      if (!onProgress || Date.now() - counted < 250) return;
      counted = Date.now();
      progress();
    },
  });
  if (onProgress) progress();
  // Quiescent with no timer left: an execution still RUNNING waits for something that will never
  // come (stuck). It is counted as such, not awaited.
  await Promise.all(
    [...l.executions.values()]
      .filter((e) => e.status !== 'RUNNING')
      .map((e) => e.done.catch(() => undefined)),
  );
}

/**
 * Runs a scenario through the local stack on the virtual clock: each loan's LoanDelinquent event is
 * delivered four days before its due date (so the D-3 reminder runs), borrower events at their
 * times, and the simulated agent desk answers each agent call 30 minutes after it opens with the
 * scripted answer for that call (unanswered when there is none).
 */
export async function simulate(scenario: Scenario, options: SimulateOptions = {}): Promise<SimulationResult> {
  const { registry, policy, isDefault } = scenarioPolicies(scenario, options.baseDir);
  // A run's store is kept in --data for inspection afterwards; a second run on it would replay the
  // same loans against their stored cases and ledgers, so each run needs its own directory.
  if (options.dataDir && existsSync(options.dataDir) && readdirSync(options.dataDir).length > 0) {
    throw new ScenarioError(`--data ${options.dataDir}: must be a new or empty directory`);
  }
  if (options.fast && options.dataDir)
    throw new ScenarioError('--fast keeps the tables in memory: it cannot keep them in --data');
  const { start, until } = options.window ?? runWindow(scenario, options.baseDir);
  const faults = switchableFaults(options.faults);
  let ladder: LocalLadder | undefined;
  const current = () => ladder as LocalLadder;
  const delivery = asyncDelivery(current);
  ladder = await createLocalLadder({
    start,
    policies: registry,
    // A scenario's own policy is rendered here, by the same renderer as the committed files.
    ...(isDefault
      ? {}
      : { definitions: Object.fromEntries(registry.all().map((p) => [p.id, renderLadderJson(p)])) }),
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
    ...(options.evidenceDir ? { evidenceDir: options.evidenceDir } : {}),
    faults: faults.faults,
    ...(options.delivery ? { delivery: options.delivery } : {}),
    ...(options.noopHandlers ? { noopHandlers: true } : {}),
    // SNS and SES requests reach the sinks in process in both modes (services/in-process-messaging.ts):
    // the SDK's serialisation, error parsing and the role's check stay, the socket and SigV4 signing
    // for a local endpoint go. The DynamoDB-backed mode is the fidelity check of the store, not of a
    // socket to a local sink; `ladder serve` keeps the sinks' HTTP endpoints.
    messaging: 'in-process' as const,
    ...(options.fast ? { dynamodb: 'memory' as const } : {}),
    ...(options.iam !== undefined ? { iam: options.iam } : {}),
    onTaskOpened: simulatedDesk(scenario, current, delivery.deliver),
  });
  const l = ladder;
  if (options.faults?.sms) l.services.sms.injectFaults(options.faults.sms);
  if (options.faults?.email) l.services.email.injectFaults(options.faults.email);
  options.onStart?.(l);
  try {
    for (const loan of scenario.loans) scheduleLoan(l, loan, start, delivery);
    await runToEnd(l, scenario.loans.length, until, options.onProgress);
    faults.stop();
    const result = await collect(l, scenario, policy, start);
    result.summary.deadLetters = delivery.deadLetters();
    await options.onFinish?.(l);
    return result;
  } finally {
    await l.close();
  }
}
