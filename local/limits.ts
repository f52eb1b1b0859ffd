/**
 * Step Functions' quotas on a Standard execution, as the local runtime enforces them, each with the
 * error AWS ends the execution with (docs/limits.md has the sources and what an operator sees).
 *
 * - Maximum execution time, 1 year: "If an execution runs for more than the 1-year maximum, it will
 *   fail with a `States.Timeout` error and emit a `ExecutionsTimedOut` CloudWatch metric"
 *   (Step Functions Developer Guide, "Step Functions service quotas"); the execution's status is
 *   TIMED_OUT. A year is taken as 365 days.
 * - Maximum execution history size, 25,000 events, a hard quota: "When an execution reaches 24,999
 *   events, it waits for the next event to happen. If the event number 25,000 is ExecutionSucceeded,
 *   the execution finishes successfully. If the event number 25,000 isn't ExecutionSucceeded, the
 *   ExecutionFailed event is logged" ("Avoid reaching the history quota", bp-history-limit). The
 *   failure reads `States.Runtime`, "The execution reached the maximum number of history events
 *   (25000)." as executions that reached it report (e.g. github.com/loads/ardere/issues/86).
 * - Maximum input or output size for a task, state or execution, 262,144 bytes of UTF-8: "This quota
 *   affects tasks (activity, Lambda function, or integrated service), state or execution output, and
 *   input data when scheduling a task, entering a state, or starting an execution". Exceeding it is
 *   `States.DataLimitExceeded`, "a terminal error that can't be caught by the States.ALL error type"
 *   ("Handling errors in Step Functions workflows", error names).
 */
export const EXECUTION_MAX_MS = 365 * 86_400_000;
export const HISTORY_MAX_EVENTS = 25_000;
export const PAYLOAD_MAX_BYTES = 262_144;

/** How a limit ended an execution: its status, and the error and cause its history shows. */
export interface Termination {
  status: 'FAILED' | 'TIMED_OUT';
  error: string;
  cause: string;
}

export const yearExceeded = (): Termination => ({
  status: 'TIMED_OUT',
  error: 'States.Timeout',
  cause: 'The execution ran longer than the 1-year maximum of a Standard workflow.',
});

export const historyFull = (): Termination => ({
  status: 'FAILED',
  error: 'States.Runtime',
  cause: `The execution reached the maximum number of history events (${HISTORY_MAX_EVENTS}).`,
});

/** UTF-8 bytes of a value as Step Functions carries it (JSON). */
export const payloadBytes = (value: unknown): number =>
  Buffer.byteLength(JSON.stringify(value) ?? 'null', 'utf8');

const dataLimitCause = (what: string, bytes: number) =>
  `${what} is ${bytes} bytes, more than the ${PAYLOAD_MAX_BYTES} bytes a state may carry.`;

/**
 * The error a Task state fails with when its input (after Parameters) or its task's result is too
 * large. Not retryable and not catchable, as on AWS: the interpreter honours `isRetryable` and
 * `isCatchable` on the error a task throws, so neither Retry nor a States.ALL Catch takes it.
 */
export function dataLimitError(what: string, bytes: number): Error {
  return Object.assign(new Error(dataLimitCause(what, bytes)), {
    name: 'States.DataLimitExceeded',
    isRetryable: false,
    isCatchable: false,
  });
}

/** Checks a value against the payload quota; the execution's termination when it is over. */
export function payloadOver(what: string, value: unknown): Termination | undefined {
  const bytes = payloadBytes(value);
  if (bytes <= PAYLOAD_MAX_BYTES) return undefined;
  return { status: 'FAILED', error: 'States.DataLimitExceeded', cause: dataLimitCause(what, bytes) };
}

/** One event of the interpreter's log, as much of it as the count needs. */
export interface InterpreterEvent {
  type: string;
  state?: { name: string; type: string };
}

/**
 * How many events of an AWS execution history one event of the interpreter's log stands for. The
 * interpreter logs states entered, exited, retried and caught; AWS records, for a Task state of the
 * Lambda integration, TaskStateEntered, then for each attempt TaskScheduled, TaskStarted and its end
 * (TaskSucceeded, TaskFailed or TaskTimedOut), plus TaskSubmitted for a `.waitForTaskToken` task,
 * then TaskStateExited; for every other state its Entered and Exited events; and ExecutionStarted and
 * the execution's end. A retry is a new attempt; a Catch adds no event of its own.
 */
export function awsEventsOf(event: InterpreterEvent, isCallback: (state: string) => boolean): number {
  const attempt = (name: string) => (isCallback(name) ? 4 : 3);
  switch (event.type) {
    case 'ExecutionStarted':
    case 'ExecutionSucceeded':
    case 'ExecutionFailed':
    case 'StateExited':
      return 1;
    case 'StateEntered':
      return 1 + (event.state?.type === 'Task' ? attempt(event.state.name) : 0);
    case 'StateRetried':
      return event.state?.type === 'Task' ? attempt(event.state.name) : 0;
    default:
      return 0;
  }
}

/**
 * The history count after an event of `events` AWS events, or the termination when the event would be
 * number 25,000 (or later) and is not ExecutionSucceeded.
 */
export function countHistory(
  count: number,
  events: number,
  type: string,
): { count: number; over?: Termination } {
  const next = count + events;
  if (next < HISTORY_MAX_EVENTS) return { count: next };
  if (next === HISTORY_MAX_EVENTS && type === 'ExecutionSucceeded') return { count: next };
  return { count: HISTORY_MAX_EVENTS, over: historyFull() };
}
