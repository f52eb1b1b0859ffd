import type { LedgerWriter } from '../functions/adapters/ledger-writer.js';
import type { ApiRequest } from '../functions/agent-api/core.js';
import type { PolicyRegistry } from '../functions/domain/policies.js';
import { createTaskTokens } from './callbacks.js';
import { VirtualClock } from './clock.js';
import { type DeliveryFeedbackOptions, deliveryFeedback } from './delivery-feedback.js';
import { createExecutions, loadMachines } from './executions.js';
import { agentDesk, buildHandlers, type EnvironmentOptions, loadFunctionModules } from './handlers.js';
import { createInvoker, type InvocationFault, type Invoke } from './invoke.js';
import { localKeys } from './keys.js';
import { evidenceRecorder, recordingBus } from './recorders.js';
import { createRouter } from './router.js';
import { type DynamoDbFault, localSdk, type SdkOptions } from './sdk.js';
import { type LocalServices, startLocalServices } from './services/index.js';
import { createTaskStates, type TaskStateOptions } from './task-states.js';

export type { ExecutionRecord } from './executions.js';
export type { FunctionName } from './invoke.js';
export type { OpenedTask } from './task-states.js';

/**
 * The local stack: the committed state machine definition on the embedded interpreter, the real
 * handler code in-process, the real AWS SDK against the embedded store and the local e-mail and SMS
 * sinks, all on one virtual clock. This file wires the pieces: the SDK clients (sdk.ts), the
 * functions (handlers.ts) invoked as Lambda would (invoke.ts), the executions (executions.ts) whose
 * Task states call them (task-states.ts), `.waitForTaskToken` bridged with a callback registry that
 * enforces HeartbeatSeconds on the virtual clock (callbacks.ts), and events routed in (router.ts).
 */
export interface Counters {
  ddbRequests: number;
  lambdaInvocations: number;
}

/**
 * Faults the runtime injects (the SMS sink and the e-mail proxy take theirs with `injectFaults`).
 * Each hook is asked once per call and returns the fault for that call, or nothing.
 */
export interface Faults {
  dynamodb?: DynamoDbFault;
  invocation?: InvocationFault;
}

export interface LocalLadderOptions
  extends EnvironmentOptions,
    Pick<SdkOptions, 'dynamodb'>,
    Pick<TaskStateOptions, 'onTaskOpened'> {
  start: number;
  dataDir?: string;
  /** ASL text per policy id; by default each policy's committed statemachines/<policy>.asl.json. */
  definitions?: Record<string, string>;
  policies?: PolicyRegistry;
  /** Where evidence packs are written (also kept in memory). */
  evidenceDir?: string;
  faults?: Faults;
  /** The providers' delivery reports: how many messages fail to arrive, and how late reports come. */
  delivery?: DeliveryFeedbackOptions;
  /**
   * Every Task answers at once without running a handler (stages "NEXT", human tasks "NO_ANSWER"),
   * and LoanDelinquent starts its execution directly: the same definition on the same clock with no
   * handler work, which is the local runtime's ceiling (bench/bench.ts).
   */
  noopHandlers?: boolean;
}

export async function createLocalLadder(options: LocalLadderOptions) {
  const services: LocalServices = await startLocalServices({
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
    quiet: true,
  });
  const modules = await loadFunctionModules(services, options);
  const clock = new VirtualClock(options.start);
  // The outbox speaks the ledger's time: every view of a local run has one clock.
  services.sms.useClock(() => clock.now());
  const counters: Counters = { ddbRequests: 0, lambdaInvocations: 0 };
  // The functions are invoked through the invoker, which exists once they do (below).
  let invokeLater: Invoke | undefined;
  const later = () => invokeLater as Invoke;
  const feedback = deliveryFeedback(clock, later, options.delivery);
  const sdk = localSdk(modules, services, counters, {
    ...(options.dynamodb ? { dynamodb: options.dynamodb } : {}),
    ...(options.faults?.dynamodb ? { fault: options.faults.dynamodb } : {}),
    ...(options.noopHandlers ? {} : { sent: { sms: feedback.smsSent, email: feedback.emailSent } }),
  });
  const policies: PolicyRegistry = options.policies ?? modules.policies.bundledPolicies();

  // --- the local edges that stand in for Step Functions and EventBridge ---
  const tokens = createTaskTokens(clock);
  // The print vendor consumes LetterRequested and reports the dispatch through the bus, as upstream does.
  const { bus, published } = recordingBus(clock, (detailType, detail) => {
    if (detailType !== 'LetterRequested') return;
    const lane = String(detail.borrowerId);
    feedback.letterRequested(String(detail.idempotencyKey), (d) => router.send('LetterDispatched', d, lane));
  });
  const { evidence, evidencePacks } = evidenceRecorder(options.evidenceDir);
  const machines = loadMachines(clock, policies, options.definitions);
  // An execution asks for its Task states' handlers when it starts, once everything below is wired.
  const { executions, starter } = createExecutions(clock, machines, (name, definition) =>
    taskStates.forExecution(name, definition),
  );
  const keys = localKeys(options.dataDir);
  // The stage reaches the ledger by invoking the ledger writer.
  const writer: LedgerWriter = {
    append: async (record, options = {}) => {
      await later()('ledgerWriter', { record, ...options });
    },
  };
  const handlers = buildHandlers(modules, {
    ...sdk,
    callbacks: tokens.callbacks,
    clock,
    policies,
    bus,
    evidence,
    starter,
    keys,
    writer,
  });
  const { invoke, nextRequestId } = createInvoker(handlers, clock, counters, options.faults?.invocation);
  invokeLater = invoke;
  const taskStates = createTaskStates({
    invoke,
    tokens,
    ...(options.noopHandlers ? { noopHandlers: true } : {}),
    ...(options.onTaskOpened ? { onTaskOpened: options.onTaskOpened } : {}),
  });
  const router = createRouter({
    invoke,
    nextRequestId,
    clock,
    starter,
    policies,
    ...(options.noopHandlers ? { noopHandlers: true } : {}),
  });
  const desk = agentDesk(modules, { stores: sdk.stores, callbacks: tokens.callbacks, clock, policies });

  return {
    clock,
    services,
    counters,
    executions,
    published,
    stageCalls: taskStates.stageCalls,
    evidencePacks,
    policies,
    stores: sdk.stores,
    keys,
    /** StartExecution, as the intake function calls it (idempotent by name). */
    start: (name: string, input: Record<string, unknown> & { policyId: string }) =>
      starter.start(name, input),
    send: router.send,
    inboundSms: router.inboundSms,
    /** The work-queue API (API Gateway on AWS) over the local stores. */
    agentApi: (request: ApiRequest) => clock.track(() => desk.api(request)),
    /** Claims and completes a human task as an agent would (`ladder agent claim`, then `complete`). */
    completeTask: (taskId: string, outcome: unknown, agent?: string) =>
      clock.track(() => desk.completeTask(taskId, outcome, agent)),
    async close(): Promise<void> {
      clock.stopPaced();
      await services.close();
    },
  };
}

export type LocalLadder = Awaited<ReturnType<typeof createLocalLadder>>;
