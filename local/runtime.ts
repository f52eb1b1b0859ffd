import { executionArnOf } from '../functions/adapters/workflow.js';
import type { ApiRequest } from '../functions/agent-api/core.js';
import type { BorrowerRequest } from '../functions/borrower-api/core.js';
import type { DeskRequest } from '../functions/desk-api/core.js';
import type { PolicyRegistry } from '../functions/domain/policies.js';
import { type Access, type IamOptions, localAccess } from './access.js';
import { createTaskTokens } from './callbacks.js';
import { VirtualClock } from './clock.js';
import { type DeliveryFeedbackOptions, deliveryFeedback } from './delivery-feedback.js';
import {
  checkedBus,
  checkedCallbacks,
  checkedContinuer,
  checkedEvidence,
  checkedKeys,
  checkedStarter,
  invokingWriter,
} from './edges.js';
import { createExecutions, type ExecutionRecord, loadMachines } from './executions.js';
import {
  agentDesk,
  borrowerPage,
  buildHandlers,
  type EnvironmentOptions,
  loadFunctionModules,
} from './handlers.js';
import { createInvoker, type InvocationFault } from './invoke.js';
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
    Pick<SdkOptions, 'dynamodb' | 'messaging'>,
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
   * The stack's IAM, enforced on every call a function makes (local/access.ts): `false` turns it off;
   * `{ partition: 'aws-cn', region: 'cn-north-1' }` runs as the China partition.
   * @default on: partition aws, the local region, account 123456789012
   */
  iam?: false | IamOptions;
  /**
   * Every Task answers at once without running a handler (stages "NEXT", human tasks "NO_ANSWER"),
   * and LoanDelinquent starts its execution directly: the same definition on the same clock with no
   * handler work, which is the local runtime's ceiling (bench/bench.ts).
   */
  noopHandlers?: boolean;
  /** The borrower page's origin for the links in messages. @default http://127.0.0.1:4510 (`ladder serve`) */
  pagesUrl?: string;
}

/** The token's execution: task tokens are `<execution name>/<n>` (task-states.ts). */
const executionOfToken = (token: string) => token.slice(0, token.lastIndexOf('/'));

export async function createLocalLadder(options: LocalLadderOptions) {
  const services: LocalServices = await startLocalServices({
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
    quiet: true,
  });
  // A task token's state machine is its execution's (the executions exist below). A token of an
  // execution this process did not start (`ladder serve --data` restarted over tasks left open) is
  // the default's: every grant on the ladders is on all of them alike, and Step Functions then
  // answers that the task is gone, which the callbacks report as not delivered.
  let executions: Map<string, ExecutionRecord> | undefined;
  const access: Access = await localAccess(options.iam ?? {}, {
    stateMachineOfTaskToken: (token) => {
      const execution = executions?.get(executionOfToken(token));
      return access.stateMachineArn(String(execution?.input.policyId ?? 'default'));
    },
  }).catch(async (error: unknown) => {
    await services.close();
    throw error;
  });
  const modules = await loadFunctionModules(services, options);
  const clock = new VirtualClock(options.start);
  // The outbox speaks the ledger's time: every view of a local run has one clock.
  services.sms.useClock(() => clock.now());
  services.email.useClock(() => clock.now());
  const counters: Counters = { ddbRequests: 0, lambdaInvocations: 0 };
  // The providers report deliveries by invoking the delivery function, once the invoker exists (below).
  const feedback = deliveryFeedback(clock, () => invoke, options.delivery);
  const sdk = localSdk(
    modules,
    services,
    counters,
    {
      ...(options.dynamodb ? { dynamodb: options.dynamodb } : {}),
      ...(options.messaging ? { messaging: options.messaging } : {}),
      ...(options.faults?.dynamodb ? { fault: options.faults.dynamodb } : {}),
      ...(options.noopHandlers ? {} : { sent: { sms: feedback.smsSent, email: feedback.emailSent } }),
    },
    access,
  );
  const policies: PolicyRegistry = options.policies ?? modules.policies.bundledPolicies();

  // --- the local edges that stand in for Step Functions and EventBridge ---
  const tokens = createTaskTokens(clock);
  const callbacks = checkedCallbacks(tokens.callbacks, access);
  // The print vendor consumes LetterRequested and reports the dispatch through the bus, as upstream does.
  const { bus, published } = recordingBus(clock, (detailType, detail) => {
    if (detailType !== 'LetterRequested') return;
    const lane = String(detail.borrowerId);
    feedback.letterRequested(String(detail.idempotencyKey), (d) => router.send('LetterDispatched', d, lane));
  });
  const { evidence, evidencePacks } = evidenceRecorder(options.evidenceDir);
  const machines = loadMachines(clock, policies, access, options.definitions);
  // An execution asks for its Task states' handlers when it starts, once everything below is wired.
  const created = createExecutions(
    clock,
    machines,
    (name, definition) => taskStates.forExecution(name, definition),
    (policyId, name) => executionArnOf(access.stateMachineArn(policyId), name),
  );
  executions = created.executions;
  const keys = localKeys(options.dataDir);
  // The links in messages point at `ladder serve`'s pages: its default port until it says which it has.
  let pagesUrl = options.pagesUrl ?? 'http://127.0.0.1:4510';
  const handlers = buildHandlers(modules, {
    pagesUrl: () => pagesUrl,
    ...sdk,
    callbacks,
    clock,
    policies,
    bus: checkedBus(bus, access),
    evidence: checkedEvidence(evidence, access),
    starter: checkedStarter(created.starter, access),
    continuer: checkedContinuer(created.starter, access),
    keys: checkedKeys(keys, access),
    // The stage reaches the ledger by invoking the ledger writer, which exists once the invoker does.
    writer: invokingWriter(() => invoke, access),
  });
  const { invoke, nextRequestId } = createInvoker(handlers, clock, counters, {
    fault: options.faults?.invocation,
    functionArn: access.functionArn,
  });
  const taskStates = createTaskStates({
    invoke,
    tokens,
    functionArn: access.functionArn,
    ...(options.noopHandlers ? { noopHandlers: true } : {}),
    ...(options.onTaskOpened ? { onTaskOpened: options.onTaskOpened } : {}),
  });
  const router = createRouter({
    invoke,
    nextRequestId,
    clock,
    starter: created.starter,
    policies,
    ...(options.noopHandlers ? { noopHandlers: true } : {}),
  });
  const desk = agentDesk(modules, { stores: sdk.stores, callbacks, clock, policies });
  const page = borrowerPage(modules, {
    stores: sdk.stores,
    callbacks,
    clock,
    policies,
    bus: checkedBus(bus, access),
    keys: checkedKeys(keys, access),
    messaging: sdk.messaging,
    writer: invokingWriter(() => invoke, access),
  });
  const starter = created.starter;

  return {
    clock,
    services,
    counters,
    executions: created.executions,
    /** Where the local stack is (partition, region, account) and whether IAM is enforced. */
    access,
    published,
    stageCalls: taskStates.stageCalls,
    evidencePacks,
    policies,
    stores: sdk.stores,
    keys,
    /** Where the links in messages point from now on (`ladder serve` once it listens). */
    setPagesUrl: (url: string) => {
      pagesUrl = url;
    },
    /** StartExecution, as the intake function calls it (idempotent by name). */
    start: (name: string, input: Record<string, unknown> & { policyId: string }) =>
      starter.start(name, input),
    send: router.send,
    inboundSms: router.inboundSms,
    inboundEmail: router.inboundEmail,
    /** The work-queue API (API Gateway on AWS) over the local stores. */
    agentApi: (request: ApiRequest) => clock.track(() => desk.api(request)),
    /** The agent desk's API (Cognito-authorised on AWS; a local session token under `ladder serve`). */
    deskApi: (request: DeskRequest) => clock.track(() => desk.deskApi(request)),
    /** The borrower page's API (`/api/borrower...`): the link's token decides whose loans it reaches. */
    borrowerApi: (request: BorrowerRequest) => clock.track(() => page(request)),
    /** Claims and completes a human task as an agent would (`ladder agent claim`, then `complete`). */
    completeTask: (taskId: string, outcome: unknown, agent?: string) =>
      clock.track(() => desk.completeTask(taskId, outcome, agent)),
    /** Stops the clock, lets the work in flight finish (5 s at most), then closes the services under it. */
    async close(): Promise<void> {
      clock.stopPaced();
      let deadline: NodeJS.Timeout | undefined;
      await Promise.race([
        clock.quiescent(),
        new Promise((resolve) => {
          deadline = setTimeout(resolve, 5_000);
        }),
      ]);
      clearTimeout(deadline);
      await services.close();
    },
  };
}

export type LocalLadder = Awaited<ReturnType<typeof createLocalLadder>>;
