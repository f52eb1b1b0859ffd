import type { HumanTask } from '../functions/adapters/task-store.js';
import type { TaskTokens } from './callbacks.js';
import type { Definition, TaskHandlers } from './executions.js';
import { asTaskError, type FunctionName, type Invoke } from './invoke.js';
import { dataLimitError, PAYLOAD_MAX_BYTES, payloadBytes } from './limits.js';

/**
 * Each Task state of a definition, run locally: it invokes the function its FunctionName names, with
 * `$$.State.RetryCount` kept here, and a `.waitForTaskToken` state waits on a task token.
 */
export interface OpenedTask {
  taskId: string;
  queue: HumanTask['queue'];
  loanId: string;
  stage: string;
  lane: string;
}

export interface TaskStateOptions {
  invoke: Invoke;
  tokens: TaskTokens;
  /** The ARN a definition's Task names each function by (the placeholders filled in executions.ts). */
  functionArn: (name: 'stage' | 'humanTask') => string;
  /** Every Task answers at once without running a handler (LocalLadderOptions.noopHandlers). */
  noopHandlers?: boolean;
  /** Called when a human task opens (the simulated agent desk answers it), once per task. */
  onTaskOpened?: (task: OpenedTask) => void;
}

type State = Definition['States'][string];
type Handler = TaskHandlers[string];

const isCallback = (state: State) => state.Resource?.endsWith('.waitForTaskToken') ?? false;

/**
 * A task's input after Parameters, or its result, over Step Functions' payload quota: the state fails
 * with States.DataLimitExceeded, which no Retry or Catch takes (local/limits.ts).
 */
function checkPayload(stateName: string, what: 'input' | 'result', value: unknown): void {
  const bytes = payloadBytes(value);
  if (bytes > PAYLOAD_MAX_BYTES) throw dataLimitError(`the task ${what} of "${stateName}"`, bytes);
}

/** A Task that answers at once: a stage goes on to the next one, a human task is not answered. */
function noopHandler(state: State): Handler {
  return isCallback(state)
    ? async () => ({ outcome: 'NO_ANSWER' })
    : async (params) => {
        const payload = (params as { Payload: { stage?: string; step: Record<string, unknown> } }).Payload;
        return {
          Payload: {
            ...payload.step,
            outcome: 'NEXT',
            stage: payload.stage ?? payload.step.stage,
            continueAt: '',
            pauseSeconds: 1,
          },
          StatusCode: 200,
        };
      };
}

/**
 * $$.State.RetryCount: the interpreter's context object is fixed per execution (it holds 0), so
 * the count is kept here. A retry gets the same Payload as the attempt before it; a new entry
 * into the state (after a Wait) gets a new step, so a different Payload.
 */
function retryCounter() {
  const lastPayload = new Map<string, { json: string; count: number }>();
  return (stateName: string, payload: Record<string, unknown>): number => {
    const json = JSON.stringify({ ...payload, retryCount: undefined });
    const last = lastPayload.get(stateName);
    const count = last?.json === json ? last.count + 1 : 0;
    lastPayload.set(stateName, { json, count });
    return count;
  };
}

export function createTaskStates(options: TaskStateOptions) {
  const { invoke, tokens } = options;
  const functionByArn: Record<string, FunctionName> = {
    [options.functionArn('stage')]: 'stage',
    [options.functionArn('humanTask')]: 'humanTask',
  };
  /** Per-stage cost accounting: DynamoDB requests of the stage executor, by action. */
  const stageCalls: Array<{ action: string; ddb: number }> = [];
  const announced = new Set<string>();

  /** A request-response Task: the function's answer is the state's result, as Lambda's Invoke gives it. */
  function invokeHandler(
    fn: FunctionName,
    stateName: string,
    retryCount: ReturnType<typeof retryCounter>,
  ): Handler {
    return async (params) => {
      checkPayload(stateName, 'input', params);
      const payload = { ...(params as { Payload: Record<string, unknown> }).Payload };
      if ('retryCount' in payload) payload.retryCount = retryCount(stateName, payload);
      const perCall = { ddb: 0 };
      const answer = await invoke(fn, payload, perCall).catch((error: unknown) => {
        throw asTaskError(error);
      });
      const result = { Payload: answer, StatusCode: 200 };
      if (fn === 'stage') stageCalls.push({ action: String(payload.action), ddb: perCall.ddb });
      checkPayload(stateName, 'result', result);
      return result;
    };
  }

  /** Tells the desk about a human task the function opened, the first time it does. */
  function announce(
    opened: { taskId?: string; queue?: OpenedTask['queue']; opened: boolean },
    payload: Record<string, unknown>,
  ) {
    if (!opened.opened || !opened.taskId || !opened.queue || announced.has(opened.taskId)) return;
    announced.add(opened.taskId);
    options.onTaskOpened?.({
      taskId: opened.taskId,
      queue: opened.queue,
      loanId: String(payload.loanId),
      stage: String(payload.stage),
      lane: String(payload.borrowerId),
    });
  }

  /** A `.waitForTaskToken` Task: the function opens the task; the state waits for its token's answer. */
  function callbackHandler(
    fn: FunctionName,
    stateName: string,
    state: State,
    nextToken: () => string,
  ): Handler {
    return async (params) => {
      checkPayload(stateName, 'input', params);
      const payload = { ...(params as { Payload: Record<string, unknown> }).Payload };
      const token = nextToken();
      payload.taskToken = token;
      const result = tokens.open(token, state.HeartbeatSeconds);
      let opened: { taskId?: string; queue?: OpenedTask['queue']; opened: boolean };
      try {
        opened = await invoke(fn, payload);
      } catch (error) {
        // This attempt's token is dead: the retry (or the Catch) takes over.
        tokens.drop(token);
        throw asTaskError(error);
      }
      announce(opened, payload);
      return result;
    };
  }

  /** The local handler of each Task state of one execution's definition. */
  function forExecution(executionName: string, definition: Definition): TaskHandlers {
    const out: TaskHandlers = {};
    let taskCounter = 0;
    const nextToken = () => `${executionName}/${++taskCounter}`;
    const retryCount = retryCounter();
    for (const [stateName, state] of Object.entries(definition.States)) {
      if (state.Type !== 'Task' || !state.Resource) continue;
      const fn = functionByArn[state.Parameters?.FunctionName ?? ''];
      if (!fn) throw new Error(`state "${stateName}" calls an unknown function`);
      if (options.noopHandlers) out[stateName] = noopHandler(state);
      else if (isCallback(state)) out[stateName] = callbackHandler(fn, stateName, state, nextToken);
      else out[stateName] = invokeHandler(fn, stateName, retryCount);
    }
    return out;
  }

  return { stageCalls, forExecution };
}
