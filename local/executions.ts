import { readFileSync } from 'node:fs';
import type { StateMachine } from 'aws-local-stepfunctions';
import type { ExecutionStarter } from '../functions/adapters/workflow.js';
import type { PolicyRegistry } from '../functions/domain/policies.js';
import { definitionFile } from '../statemachines/render.js';
import { inLane, type VirtualClock } from './clock.js';
import { loadInterpreter } from './interpreter.js';
import { outsideInvocations } from './sdk.js';

/**
 * Step Functions locally: one state machine per policy on the embedded interpreter, and the
 * registry of executions started on them, each with its event history at virtual time.
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
  /**
   * The execution's event history by state name (entered, retried, caught, failed, exited), at virtual
   * time; a failure with its error name and cause (the message: ours, identifiers only).
   */
  history: Array<{ type: string; state: string; at: number; error?: string; cause?: string }>;
  output?: unknown;
  error?: string;
  done: Promise<void>;
}

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
      const definition = JSON.parse(substitute(text, names)) as Definition;
      const machine = new interpreter.StateMachine(definition as never, {
        validationOptions: { checkArn: false },
      });
      return [policy.id, { definition, machine }] as const;
    }),
  );
}

export type Machines = ReturnType<typeof loadMachines>;

/** Copies the interpreter's event log into the record, as it happens. */
async function recordHistory(run: ReturnType<StateMachine['run']>, record: ExecutionRecord): Promise<void> {
  for await (const event of run.eventLogs) {
    if (!('state' in event)) continue;
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
 * The executions, by name. `taskHandlers` gives an execution its Task states' handlers when it
 * starts.
 */
export function createExecutions(
  clock: VirtualClock,
  machines: Machines,
  taskHandlers: (executionName: string, definition: Definition) => TaskHandlers,
) {
  const executions = new Map<string, ExecutionRecord>();

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
    // Step Functions runs the execution, not the function that started it: outside its invocation.
    record.done = outsideInvocations(() =>
      inLane(lane, async () => {
        const run = chosen.machine.run(input as never, {
          overrides: { taskResourceLocalHandlers: taskHandlers(name, chosen.definition) as never },
          context: {
            Execution: { Id: `local:${name}`, Name: name },
            Task: { Token: name },
            State: { RetryCount: 0 },
          } as never,
        });
        const history = recordHistory(run, record);
        try {
          record.output = await run.result;
          record.status = 'SUCCEEDED';
        } catch (error) {
          record.status = 'FAILED';
          record.error = (error as Error).message;
        }
        record.stoppedAt = clock.now();
        await history;
      }),
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
