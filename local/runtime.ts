import { AsyncLocalStorage } from 'node:async_hooks';
import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import {
  DynamoDBClient,
  InternalServerError,
  ProvisionedThroughputExceededException,
} from '@aws-sdk/client-dynamodb';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SNSClient } from '@aws-sdk/client-sns';
import type { Context } from 'aws-lambda';
import type { EvidenceStore } from '../functions/adapters/evidence-store.js';
import type { HumanTask } from '../functions/adapters/task-store.js';
import type { EventPublisher, ExecutionStarter, TaskCallbacks } from '../functions/adapters/workflow.js';
import type { ApiRequest } from '../functions/agent-api/core.js';
import { GENESIS_HASH } from '../functions/domain/ledger.js';
import type { PolicyRegistry } from '../functions/domain/policies.js';
import { executionName } from '../functions/intake/core.js';
import { definitionFile } from '../statemachines/render.js';
import { inLane, VirtualClock } from './clock.js';
import { loadInterpreter } from './interpreter.js';
import { useInProcessStore } from './services/in-process.js';
import { type LocalServices, localAwsEnv, startLocalServices } from './services/index.js';

/**
 * The local stack: the committed state machine definition on the embedded interpreter, the real
 * handler code in-process, the real AWS SDK against the embedded store and the local e-mail and SMS
 * sinks, all on one virtual clock. This file is the one adapter between the interpreter and the
 * handlers: it maps each Task's FunctionName to a handler, bridges `.waitForTaskToken` (which the
 * interpreter lacks) with a callback registry, and enforces HeartbeatSeconds on the virtual clock.
 */
export interface ExecutionRecord {
  name: string;
  lane: string;
  input: Record<string, unknown>;
  status: 'RUNNING' | 'SUCCEEDED' | 'FAILED';
  startedAt: number;
  stoppedAt?: number;
  /** States entered, in order. */
  states: string[];
  /** The execution's event history by state name (entered, retried, caught, failed, exited), at virtual time. */
  history: Array<{ type: string; state: string; at: number; error?: string }>;
  output?: unknown;
  error?: string;
  done: Promise<void>;
}

export interface Counters {
  ddbRequests: number;
  lambdaInvocations: number;
}

interface PendingTask {
  resolve: (output: unknown) => void;
  reject: (error: Error) => void;
  /** (Re)arms the HeartbeatSeconds timer: at the start, and on each heartbeat. */
  arm: () => void;
  timer?: number;
}

export interface OpenedTask {
  taskId: string;
  queue: HumanTask['queue'];
  loanId: string;
  stage: string;
  lane: string;
}

export type FunctionName = 'intake' | 'stage' | 'humanTask' | 'events' | 'erasure' | 'inboundSms';

/**
 * Faults the runtime injects (the SMS sink and the e-mail proxy take theirs with `injectFaults`).
 * Each hook is asked once per call and returns the fault for that call, or nothing.
 */
export interface Faults {
  /**
   * A DynamoDB call fails as it would once the SDK's own retries gave up: throttled
   * (ProvisionedThroughputExceededException) or the service unavailable (InternalServerError).
   */
  dynamodb?: (call: {
    operation: string;
    table: string;
    input: Record<string, unknown>;
  }) => 'throttle' | 'unavailable' | undefined;
  /**
   * A Lambda invocation crashes (Runtime.ExitError) or times out (Sandbox.Timedout), before its
   * handler ran or after it (its writes and sends happened; its answer is lost).
   */
  invocation?: (call: {
    fn: FunctionName;
    payload: unknown;
  }) => { error: 'crash' | 'timeout'; when: 'before' | 'after' } | undefined;
}

export interface LocalLadderOptions {
  start: number;
  dataDir?: string;
  /** ASL text per policy id; by default each policy's committed statemachines/<policy>.asl.json. */
  definitions?: Record<string, string>;
  policies?: PolicyRegistry;
  logLevel?: string;
  /** Where evidence packs are written (also kept in memory). */
  evidenceDir?: string;
  /**
   * Powertools' development mode (pretty logs, no metric output): on by default locally. Off, logs are
   * the JSON lines and metrics the EMF documents a Lambda prints (the privacy test reads them).
   */
  powertoolsDev?: boolean;
  /** Called when a human task opens (the simulated agent desk answers it), once per task. */
  onTaskOpened?: (task: OpenedTask) => void;
  /**
   * How the DynamoDB client reaches the embedded store: 'in-process' (the default) hands each
   * marshalled call to dynalite's request handler directly; 'http' goes through the endpoint with
   * the whole SDK stack (signing, retries), several times slower.
   */
  dynamodb?: 'in-process' | 'http';
  faults?: Faults;
  /**
   * Every Task answers at once without running a handler (stages "NEXT", human tasks "NO_ANSWER"),
   * and LoanDelinquent starts its execution directly: the same definition on the same clock with no
   * handler work, which is the local runtime's ceiling (bench/bench.ts).
   */
  noopHandlers?: boolean;
}

const invocation = new AsyncLocalStorage<{ ddb: number }>();

export async function createLocalLadder(options: LocalLadderOptions) {
  const services: LocalServices = await startLocalServices({
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
    quiet: true,
  });
  Object.assign(process.env, localAwsEnv(services), {
    POWERTOOLS_LOG_LEVEL: options.logLevel ?? 'SILENT',

    POWERTOOLS_TRACE_ENABLED: 'false',
    POWERTOOLS_DEV: options.powertoolsDev === false ? 'false' : 'true',
    AWS_SDK_JS_SUPPRESS_NODE_DEPRECATION_WARNING: '1',
  });
  // Imported after the environment is set: Powertools reads it when its modules load.
  const [
    { documentClient, stores },
    { AwsMessaging },
    { bundledPolicies },
    intake,
    stage,
    human,
    events,
    humanCore,
    agentApiCore,
    eventsCore,
    inboundSms,
    erasure,
  ] = await Promise.all([
    import('../functions/adapters/env.js'),
    import('../functions/adapters/messaging.js'),
    import('../functions/domain/policies.js'),
    import('../functions/intake/handler.js'),
    import('../functions/stage/handler.js'),
    import('../functions/human-task/handler.js'),
    import('../functions/events/handler.js'),
    import('../functions/human-task/core.js'),
    import('../functions/agent-api/core.js'),
    import('../functions/events/core.js'),
    import('../functions/inbound-sms/handler.js'),
    import('../functions/erasure/handler.js'),
  ]);

  const clock = new VirtualClock(options.start);
  const counters: Counters = { ddbRequests: 0, lambdaInvocations: 0 };
  const dynamo = new DynamoDBClient({});
  dynamo.middlewareStack.add(
    (next, context) => async (args) => {
      counters.ddbRequests += 1;
      const current = invocation.getStore();
      if (current) current.ddb += 1;
      const fault = options.faults?.dynamodb?.({
        operation: String(context.commandName).replace(/Command$/, ''),
        table: String((args.input as { TableName?: string }).TableName),
        input: args.input as Record<string, unknown>,
      });
      const $metadata = {};
      if (fault === 'throttle')
        throw new ProvisionedThroughputExceededException({ message: 'injected throttle', $metadata });
      if (fault === 'unavailable') throw new InternalServerError({ message: 'injected outage', $metadata });
      return next(args);
    },
    { step: 'initialize', name: 'countRequests' },
  );
  if ((options.dynamodb ?? 'in-process') === 'in-process') useInProcessStore(dynamo, services.dynamodb);
  const s = stores(documentClient(dynamo));
  const policies: PolicyRegistry = options.policies ?? bundledPolicies();

  // --- the local edges that stand in for Step Functions and EventBridge ---
  const executions = new Map<string, ExecutionRecord>();
  const pending = new Map<string, PendingTask>();
  const published: Array<{ at: number; detailType: string; detail: Record<string, unknown> }> = [];

  const callbacks: TaskCallbacks = {
    async succeed(token, output) {
      const task = pending.get(token);
      if (!task) return { delivered: false };
      pending.delete(token);
      clock.clearTimeout(task.timer);
      task.resolve(output);
      return { delivered: true };
    },
    async heartbeat(token) {
      const task = pending.get(token);
      if (!task) return { delivered: false };
      task.arm();
      return { delivered: true };
    },
  };
  const bus: EventPublisher = {
    async publish(detailType, detail) {
      published.push({ at: clock.now(), detailType, detail });
    },
  };
  /** Evidence packs: kept in memory, and written to `evidenceDir` when one is given. */
  const evidencePacks = new Map<string, { json: string; document: string }>();
  const evidence: EvidenceStore = {
    async put(key, json, document) {
      evidencePacks.set(key, { json, document });
      if (!options.evidenceDir) return { json: `memory:${key}.json`, document: `memory:${key}.md` };
      const base = join(options.evidenceDir, key);
      await mkdir(dirname(base), { recursive: true });
      await Promise.all([writeFile(`${base}.json`, json), writeFile(`${base}.md`, document)]);
      return { json: `${base}.json`, document: `${base}.md` };
    },
  };
  const starter: ExecutionStarter = {
    async start(name, input) {
      if (executions.has(name)) return { started: false };
      startExecution(name, input as unknown as Record<string, unknown>);
      return { started: true };
    },
  };

  const messaging = new AwsMessaging(new SNSClient({}), new SESv2Client({}), 'collections@example.com');

  /** The events function's dependencies; erasure and inbound SMS apply their events through the same core. */
  const eventsDeps = { cases: s.cases(), callbacks, clock, policies, bus, tasks: s.tasks() };
  const handlers = {
    intake: intake.buildIntakeHandler({ cases: s.cases(), contacts: s.contacts(), starter, clock, policies }),
    stage: stage.buildStageHandler({
      cases: s.cases(),
      contacts: s.contacts(),
      ledger: s.ledger(),
      messaging,
      bus,
      clock,
      policies,
      evidence,
    }),
    humanTask: human.buildHumanTaskHandler({
      cases: s.cases(),
      tasks: s.tasks(),
      callbacks,
      clock,
      policies,
    }),
    events: events.buildEventsHandler(eventsDeps),
    erasure: erasure.buildErasureHandler({ ...eventsDeps, contacts: s.contacts() }),
    inboundSms: inboundSms.buildInboundSmsHandler({
      contacts: s.contacts(),
      events: eventsCore.createEventsCore(eventsDeps),
      clock,
    }),
  };
  const taskDeps = { tasks: s.tasks(), callbacks };
  const agentApi = agentApiCore.createAgentApiCore(taskDeps);

  let requestId = 0;
  const lambdaContext = (functionName: string): Context =>
    ({
      functionName,
      functionVersion: '$LATEST',
      invokedFunctionArn: `arn:aws:lambda:us-east-1:123456789012:function:${functionName}`,
      memoryLimitInMB: '256',
      awsRequestId: `local-${++requestId}`,
      logGroupName: `/aws/lambda/${functionName}`,
      logStreamName: 'local',
      callbackWaitsForEmptyEventLoop: false,
      getRemainingTimeInMillis: () => 60_000,
      done: () => undefined,
      fail: () => undefined,
      succeed: () => undefined,
    }) as Context;

  /** The error Lambda reports for a crashed or timed-out invocation (the name Step Functions matches). */
  const lambdaFailure = (error: 'crash' | 'timeout') =>
    error === 'crash'
      ? Object.assign(new Error('the runtime exited (injected)'), { name: 'Runtime.ExitError' })
      : Object.assign(new Error('Task timed out (injected)'), { name: 'Sandbox.Timedout' });

  /** Invokes a handler as Lambda would: tracked on the clock, with its DynamoDB requests counted. */
  async function invoke<T>(name: FunctionName, event: unknown, perCall?: { ddb: number }): Promise<T> {
    counters.lambdaInvocations += 1;
    const handler = handlers[name] as unknown as (e: unknown, c: Context) => Promise<T>;
    const fault = options.faults?.invocation?.({ fn: name, payload: event });
    return clock.track(async () => {
      if (fault?.when === 'before') throw lambdaFailure(fault.error);
      const result = await invocation.run(perCall ?? { ddb: 0 }, () => handler(event, lambdaContext(name)));
      if (fault?.when === 'after') throw lambdaFailure(fault.error);
      return result;
    });
  }

  // --- the state machine: the committed definition, with placeholders filled as CDK would ---
  const interpreter = loadInterpreter(clock);
  const arn = (fn: string) => `arn:aws:lambda:us-east-1:123456789012:function:ladder-${fn}`;
  type Definition = {
    States: Record<
      string,
      { Type: string; Resource?: string; Parameters?: { FunctionName?: string }; HeartbeatSeconds?: number }
    >;
  };
  /** One state machine per policy, as on AWS; each policy's committed definition unless given. */
  const machines = new Map(
    policies.all().map((policy) => {
      const text =
        options.definitions?.[policy.id] ??
        readFileSync(new URL(`../${definitionFile(policy.id)}`, import.meta.url), 'utf8');
      const definition = JSON.parse(
        text
          .replaceAll('${StageFunctionArn}', arn('stage'))
          .replaceAll('${HumanTaskFunctionArn}', arn('humanTask')),
      ) as Definition;
      const machine = new interpreter.StateMachine(definition as never, {
        validationOptions: { checkArn: false },
      });
      return [policy.id, { definition, machine }] as const;
    }),
  );
  const functionByArn: Record<string, keyof typeof handlers> = {
    [arn('stage')]: 'stage',
    [arn('humanTask')]: 'humanTask',
  };

  /** Per-stage cost accounting: DynamoDB requests of the stage executor, by action. */
  const stageCalls: Array<{ action: string; ddb: number }> = [];

  const announced = new Set<string>();

  function localHandlers(executionName: string, definition: Definition) {
    const out: Record<string, (input: unknown) => Promise<unknown>> = {};
    let taskCounter = 0;
    // $$.State.RetryCount: the interpreter's context object is fixed per execution (it holds 0), so
    // the count is kept here. A retry gets the same Payload as the attempt before it; a new entry
    // into the state (after a Wait) gets a new step, so a different Payload.
    const lastPayload = new Map<string, { json: string; count: number }>();
    const retryCount = (stateName: string, payload: Record<string, unknown>): number => {
      const json = JSON.stringify({ ...payload, retryCount: undefined });
      const last = lastPayload.get(stateName);
      const count = last?.json === json ? last.count + 1 : 0;
      lastPayload.set(stateName, { json, count });
      return count;
    };
    for (const [stateName, state] of Object.entries(definition.States)) {
      if (state.Type !== 'Task' || !state.Resource) continue;
      const fn = functionByArn[state.Parameters?.FunctionName ?? ''];
      if (!fn) throw new Error(`state "${stateName}" calls an unknown function`);
      if (options.noopHandlers) {
        out[stateName] = state.Resource.endsWith('.waitForTaskToken')
          ? async () => ({ outcome: 'NO_ANSWER' })
          : async (params) => {
              const payload = (params as { Payload: { stage?: string; step: Record<string, unknown> } })
                .Payload;
              return {
                Payload: { ...payload.step, outcome: 'NEXT', stage: payload.stage ?? payload.step.stage },
                StatusCode: 200,
              };
            };
      } else if (state.Resource.endsWith('.waitForTaskToken')) {
        out[stateName] = async (params) => {
          const payload = { ...(params as { Payload: Record<string, unknown> }).Payload };
          const token = `${executionName}/${++taskCounter}`;
          payload.taskToken = token;
          const result = new Promise<unknown>((resolve, reject) => {
            const task: PendingTask = {
              resolve,
              reject,
              arm: () => {
                if (!state.HeartbeatSeconds) return;
                clock.clearTimeout(task.timer);
                task.timer = clock.setTimeout(() => {
                  pending.delete(token);
                  reject(Object.assign(new Error('no heartbeat'), { name: 'States.HeartbeatTimeout' }));
                }, state.HeartbeatSeconds * 1000);
              },
            };
            task.arm();
            pending.set(token, task);
          });
          let opened: { taskId?: string; queue?: OpenedTask['queue']; opened: boolean };
          try {
            opened = await invoke(fn, payload);
          } catch (error) {
            // This attempt's token is dead: the retry (or the Catch) takes over.
            const task = pending.get(token);
            pending.delete(token);
            clock.clearTimeout(task?.timer);
            throw error;
          }
          if (opened.opened && opened.taskId && opened.queue && !announced.has(opened.taskId)) {
            announced.add(opened.taskId);
            options.onTaskOpened?.({
              taskId: opened.taskId,
              queue: opened.queue,
              loanId: String(payload.loanId),
              stage: String(payload.stage),
              lane: String(payload.borrowerId),
            });
          }
          return result;
        };
      } else {
        out[stateName] = async (params) => {
          const payload = { ...(params as { Payload: Record<string, unknown> }).Payload };
          if ('retryCount' in payload) payload.retryCount = retryCount(stateName, payload);
          const perCall = { ddb: 0 };
          const result = await invoke(fn, payload, perCall);
          if (fn === 'stage') stageCalls.push({ action: String(payload.action), ddb: perCall.ddb });
          return { Payload: result, StatusCode: 200 };
        };
      }
    }
    return out;
  }

  function startExecution(name: string, input: Record<string, unknown>): ExecutionRecord {
    const lane = String(input.borrowerId ?? name);
    const record: ExecutionRecord = {
      name,
      lane,
      input,
      status: 'RUNNING',
      startedAt: clock.now(),
      states: [],
      history: [],
      done: Promise.resolve(),
    };
    executions.set(name, record);
    const chosen = machines.get(String(input.policyId));
    if (!chosen) throw new Error(`no state machine for policy ${String(input.policyId)}`);
    record.done = inLane(lane, async () => {
      const run = chosen.machine.run(input as never, {
        overrides: { taskResourceLocalHandlers: localHandlers(name, chosen.definition) as never },
        context: {
          Execution: { Id: `local:${name}`, Name: name },
          Task: { Token: name },
          State: { RetryCount: 0 },
        } as never,
      });
      const history = (async () => {
        for await (const event of run.eventLogs) {
          if (!('state' in event)) continue;
          const error = 'Error' in event ? { error: String(event.Error) } : {};
          record.history.push({ type: event.type, state: event.state.name, at: event.timestamp, ...error });
          if (event.type === 'StateEntered') record.states.push(event.state.name);
        }
      })();
      try {
        record.output = await run.result;
        record.status = 'SUCCEEDED';
      } catch (error) {
        record.status = 'FAILED';
        record.error = (error as Error).message;
      }
      record.stoppedAt = clock.now();
      await history;
    });
    return record;
  }

  /** LoanDelinquent with no-op handlers: the execution starts at once, nothing is stored. */
  async function noopSend(detailType: string, detail: unknown) {
    if (detailType !== 'LoanDelinquent') return { applied: false };
    const d = detail as { loanId: string; cycle?: number; borrower: { borrowerId: string } };
    const cycle = d.cycle ?? 1;
    const input: Record<string, unknown> & { policyId: string } = {
      loanId: d.loanId,
      borrowerId: d.borrower.borrowerId,
      cycle,
      policyId: policies.defaultId,
      step: {
        outcome: 'NEXT',
        stage: '',
        wakeAt: new Date(clock.now()).toISOString(),
        resumeStage: '',
        ledger: { seq: 0, hash: GENESIS_HASH },
      },
    };
    return starter.start(executionName(d.loanId, cycle), input);
  }

  return {
    clock,
    services,
    counters,
    executions,
    published,
    stageCalls,
    evidencePacks,
    policies,
    stores: s,
    /** StartExecution, as the intake function calls it (idempotent by name). */
    start: (name: string, input: Record<string, unknown> & { policyId: string }) =>
      starter.start(name, input),
    /**
     * Delivers an event as the EventBridge rules would: LoanDelinquent to intake, BorrowerErasureRequested
     * to erasure, the rest to events.
     */
    async send(detailType: string, detail: unknown, lane?: string): Promise<unknown> {
      if (options.noopHandlers) return noopSend(detailType, detail);
      const target =
        detailType === 'LoanDelinquent'
          ? 'intake'
          : detailType === 'BorrowerErasureRequested'
            ? 'erasure'
            : 'events';
      const deliver = () =>
        invoke(target, {
          version: '0',
          id: `local-${requestId + 1}`,
          'detail-type': detailType,
          source: 'local',
          account: '123456789012',
          time: new Date(clock.now()).toISOString(),
          region: 'us-east-1',
          resources: [],
          detail,
        });
      return lane ? inLane(lane, deliver) : deliver();
    },
    /** A two-way SMS reply, delivered as the SNS topic would (AWS End User Messaging SMS's JSON). */
    inboundSms(from: string, body: string, lane?: string): Promise<{ optOuts: number }> {
      const deliver = () =>
        invoke<{ optOuts: number }>('inboundSms', {
          Records: [
            {
              EventSource: 'aws:sns',
              Sns: {
                Type: 'Notification',
                MessageId: `local-${requestId + 1}`,
                Timestamp: new Date(clock.now()).toISOString(),
                Message: JSON.stringify({ originationNumber: from, messageBody: body }),
              },
            },
          ],
        });
      return lane ? inLane(lane, deliver) : deliver();
    },
    /** Completes a human task as an agent would (`ladder agent complete`). */
    /** The work-queue API (API Gateway on AWS) over the local stores. */
    agentApi: (request: ApiRequest) => clock.track(() => agentApi(request)),
    completeTask: (taskId: string, outcome: unknown) =>
      clock.track(() => humanCore.completeTask(taskDeps, taskId, outcome)),
    async close(): Promise<void> {
      clock.stopPaced();
      await services.close();
    },
  };
}

export type LocalLadder = Awaited<ReturnType<typeof createLocalLadder>>;
