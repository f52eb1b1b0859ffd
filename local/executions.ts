import { readFileSync } from 'node:fs';
import type { StateMachine } from 'aws-local-stepfunctions';
import type { ExecutionStarter } from '../functions/adapters/workflow.js';
import type { PolicyRegistry } from '../functions/domain/policies.js';
import { definitionFile } from '../statemachines/render.js';
import { inLane, type VirtualClock } from './clock.js';
import { loadInterpreter } from './interpreter.js';
import {
  awsEventsOf,
  countHistory,
  EXECUTION_MAX_MS,
  payloadOver,
  type Termination,
  yearExceeded,
} from './limits.js';
import { outsideInvocations } from './sdk.js';

/**
 * Step Functions locally: one state machine per policy on the embedded interpreter, and the
 * registry of executions started on them, each with its event history at virtual time. Step
 * Functions' quotas on an execution are enforced as AWS enforces them (limits.ts): a year at most
 * (TIMED_OUT), 25,000 history events, 256 KiB of state.
 */
export interface ExecutionRecord {
  name: string;
  /** The execution's ARN ($$.Execution.Id), on its policy's state machine. */
  arn: string;
  lane: string;
  input: Record<string, unknown>;
  status: 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT';
  startedAt: number;
  stoppedAt?: number;
  /** States entered, in order. */
  states: string[];
  /**
   * The execution's event history by state name (entered, retried, caught, failed, exited), at virtual
   * time; a failure with its error name and cause (the message: ours, identifiers only).
   */
  history: Array<{ type: string; state: string; at: number; error?: string; cause?: string }>;
  /** How many events its history holds on AWS (limits.ts, awsEventsOf): at most 25,000. */
  historyEvents: number;
  output?: unknown;
  /** Why it failed or timed out, as DescribeExecution gives it: the error name and its cause. */
  error?: string;
  cause?: string;
  done: Promise<void>;
}

/** The execution a finished one continued in (its output's continuedAs), if it did. */
export const continuedAs = (e: Pick<ExecutionRecord, 'output'>): string | undefined =>
  (e.output as { continuedAs?: { name?: string } } | undefined)?.continuedAs?.name;

export type Definition = {
  States: Record<
    string,
    { Type: string; Resource?: string; Parameters?: { FunctionName?: string }; HeartbeatSeconds?: number }
  >;
};

/** The local handler of each Task state of one execution, by state name. */
export type TaskHandlers = Record<string, (input: unknown) => Promise<unknown>>;

/** What fills a definition's placeholders: the partition and the functions' ARNs (local/access.ts). */
export interface DefinitionNames {
  readonly partition: string;
  functionArn(name: 'stage' | 'humanTask'): string;
}

/**
 * A definition's placeholders filled as CDK's definitionSubstitutions do (lib/workflow.ts), textually:
 * the JSON is parsed only after, so a placeholder never has to be valid where it stands.
 */
export const substitute = (text: string, names: DefinitionNames): string =>
  text
    .replaceAll('${Partition}', names.partition)
    .replaceAll('${StageFunctionArn}', names.functionArn('stage'))
    .replaceAll('${HumanTaskFunctionArn}', names.functionArn('humanTask'));

/**
 * The interpreter evaluates a Task's TimeoutSecondsPath against the input after Parameters, Step
 * Functions against the state's input. A state whose Payload passes the same path on (the hardship
 * pause: statemachines/render.ts) is given the path to it in the Payload, so both read the same value.
 */
function timeoutPathsAfterParameters(definition: Definition): Definition {
  for (const state of Object.values(definition.States) as Array<Record<string, unknown>>) {
    const path = state.TimeoutSecondsPath;
    const payload = (state.Parameters as { Payload?: Record<string, unknown> } | undefined)?.Payload ?? {};
    const key = Object.keys(payload).find((k) => k.endsWith('.$') && payload[k] === path);
    if (typeof path === 'string' && key) state.TimeoutSecondsPath = `$.Payload.${key.slice(0, -2)}`;
  }
  return definition;
}

/**
 * One state machine per policy, as on AWS; each policy's committed definition unless given, with its
 * placeholders filled as CDK would.
 */
export function loadMachines(
  clock: VirtualClock,
  policies: PolicyRegistry,
  names: DefinitionNames,
  definitions?: Record<string, string>,
) {
  const interpreter = loadInterpreter(clock);
  return new Map(
    policies.all().map((policy) => {
      const text =
        definitions?.[policy.id] ??
        readFileSync(new URL(`../${definitionFile(policy.id)}`, import.meta.url), 'utf8');
      const definition = timeoutPathsAfterParameters(JSON.parse(substitute(text, names)) as Definition);
      const machine = new interpreter.StateMachine(definition as never, {
        validationOptions: { checkArn: false },
      });
      return [policy.id, { definition, machine }] as const;
    }),
  );
}

export type Machines = ReturnType<typeof loadMachines>;
type Machine = NonNullable<ReturnType<Machines['get']>>;

type Run = ReturnType<StateMachine['run']>;
type LogEvent = {
  type: string;
  timestamp: number;
  state?: { name: string; type: string; input?: unknown; output?: unknown };
  Error?: unknown;
  Cause?: unknown;
};

/** A state's input as it enters, or its output as it leaves, over the payload quota. */
function stateDataOver(event: LogEvent): Termination | undefined {
  if (event.type === 'StateEntered')
    return payloadOver(`the input of "${event.state?.name}"`, event.state?.input);
  if (event.type === 'StateExited')
    return payloadOver(`the output of "${event.state?.name}"`, event.state?.output);
  return undefined;
}

/** How an execution is ended by a quota, and whether it was. */
interface Stopper {
  stop(why: Termination): void;
  readonly stopped: boolean;
}

/**
 * Copies the interpreter's event log into the record, as it happens, counting the events AWS would
 * record and checking each state's data against the payload quota. A quota exceeded ends the
 * execution; its history ends there, as on AWS.
 */
async function recordHistory(run: Run, record: ExecutionRecord, definition: Definition, stopper: Stopper) {
  const isCallback = (name: string) =>
    definition.States[name]?.Resource?.endsWith('.waitForTaskToken') ?? false;
  for await (const raw of run.eventLogs) {
    if (stopper.stopped) continue;
    const event = raw as LogEvent;
    const counted = countHistory(record.historyEvents, awsEventsOf(event, isCallback), event.type);
    record.historyEvents = counted.count;
    const over = counted.over ?? stateDataOver(event);
    if (over) stopper.stop(over);
    if (over || !event.state) continue;
    // The error and its cause, as the execution history on AWS shows them (TaskFailed's error, cause).
    const error =
      'Error' in event
        ? { error: String(event.Error), ...(event.Cause !== undefined ? { cause: String(event.Cause) } : {}) }
        : {};
    record.history.push({ type: event.type, state: event.state.name, at: event.timestamp, ...error });
    if (event.type === 'StateEntered') record.states.push(event.state.name);
  }
}

/**
 * Runs one execution to its end on the interpreter: its history recorded, its year counted on the
 * virtual clock, and a quota exceeded ending it as AWS would (status, error, cause).
 */
async function runExecution(
  clock: VirtualClock,
  record: ExecutionRecord,
  chosen: Machine,
  handlers: TaskHandlers,
) {
  let stopped: Termination | undefined;
  let run: Run | undefined;
  const stopper: Stopper = {
    get stopped() {
      return stopped !== undefined;
    },
    stop(why) {
      if (stopped || record.status !== 'RUNNING') return;
      stopped = why;
      Object.assign(record, {
        status: why.status,
        error: why.error,
        cause: why.cause,
        stoppedAt: clock.now(),
      });
      const type = why.status === 'TIMED_OUT' ? 'ExecutionTimedOut' : 'ExecutionFailed';
      record.history.push({
        type,
        state: record.states.at(-1) ?? '',
        at: clock.now(),
        error: why.error,
        cause: why.cause,
      });
      run?.abort();
    },
  };
  run = chosen.machine.run(record.input as never, {
    overrides: { taskResourceLocalHandlers: handlers as never },
    context: {
      Execution: { Id: record.arn, Name: record.name },
      Task: { Token: record.name },
      State: { RetryCount: 0 },
    } as never,
  });
  const year = clock.setTimeout(() => stopper.stop(yearExceeded()), EXECUTION_MAX_MS);
  const history = recordHistory(run, record, chosen.definition, stopper);
  try {
    const output = await run.result;
    if (!stopped) Object.assign(record, { output, status: 'SUCCEEDED' });
  } catch (error) {
    // The interpreter wraps what ended the execution: the Fail state's or the task's error, by name.
    const reason = ((error as Error).cause ?? error) as Error;
    if (!stopped) Object.assign(record, { status: 'FAILED', error: reason.name, cause: reason.message });
  } finally {
    clock.clearTimeout(year);
  }
  record.stoppedAt ??= clock.now();
  await history;
}

/**
 * The executions, by name. `taskHandlers` gives an execution its Task states' handlers when it
 * starts; `arnOf` names it as Step Functions would (on its policy's state machine).
 */
export function createExecutions(
  clock: VirtualClock,
  machines: Machines,
  taskHandlers: (executionName: string, definition: Definition) => TaskHandlers,
  arnOf: (policyId: string, name: string) => string,
) {
  const executions = new Map<string, ExecutionRecord>();

  function startExecution(name: string, input: Record<string, unknown>): ExecutionRecord {
    const lane = String(input.borrowerId ?? name);
    const chosen = machines.get(String(input.policyId));
    if (!chosen) throw new Error(`no state machine for policy ${String(input.policyId)}`);
    const record: ExecutionRecord = {
      name,
      arn: arnOf(String(input.policyId), name),
      lane,
      input,
      status: 'RUNNING',
      startedAt: clock.now(),
      states: [],
      history: [],
      historyEvents: 0,
      done: Promise.resolve(),
    };
    executions.set(name, record);
    // Step Functions runs the execution, not the function that started it: outside its invocation.
    record.done = outsideInvocations(() =>
      inLane(lane, () => runExecution(clock, record, chosen, taskHandlers(name, chosen.definition))),
    );
    return record;
  }

  /** StartExecution, as the intake function calls it (idempotent by name). */
  const starter: ExecutionStarter = {
    async start(name, input) {
      if (executions.has(name)) return { started: false };
      startExecution(name, input as unknown as Record<string, unknown>);
      return { started: true };
    },
  };

  return { executions, starter };
}
