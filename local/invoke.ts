import type { Context } from 'aws-lambda';
import type { VirtualClock } from './clock.js';
import type { Handlers } from './handlers.js';
import { currentRequestCounter, runAs } from './sdk.js';

/** Invoking the handlers in-process as Lambda would: a context, a request id, crashes and timeouts. */

export type FunctionName =
  | 'intake'
  | 'stage'
  | 'humanTask'
  | 'events'
  | 'erasure'
  | 'inboundSms'
  | 'ledgerWriter'
  | 'delivery';

/**
 * What Lambda does to an invocation, injected: its runtime exits (crash), it times out, it runs out
 * of memory (the function ran, or began to), or the Invoke request itself is refused: throttled
 * (the concurrency limit) or a Lambda service error (the function did not run, or its answer was
 * lost). `before` the handler ran or `after` it (its writes and sends happened; its answer is lost).
 */
export type LambdaFault = 'crash' | 'timeout' | 'outOfMemory' | 'throttle' | 'serviceError';

export type InvocationFault = (call: {
  fn: FunctionName;
  payload: unknown;
}) => { error: LambdaFault; when: 'before' | 'after' } | undefined;

/**
 * A function error as Lambda returns it in the Invoke response (FunctionError "Unhandled", a payload
 * of errorType and errorMessage): here the runtime's own, not the handler's. The caller translates
 * it: Step Functions (task-states.ts) and the SDK adapters see different names.
 */
export class FunctionFailure extends Error {
  constructor(
    readonly errorType: string,
    message: string,
  ) {
    super(message);
    this.name = errorType;
  }
}

/** The Invoke request failed: the SDK's error for Lambda's API error (HTTP 429 or 500). */
export class InvokeApiError extends Error {
  readonly $metadata: { httpStatusCode: number };
  constructor(name: 'TooManyRequestsException' | 'ServiceException', status: number) {
    super(
      name === 'TooManyRequestsException' ? 'Rate Exceeded. (injected)' : 'Lambda service error (injected)',
    );
    this.name = name;
    this.$metadata = { httpStatusCode: status };
  }
}

/** The error Lambda gives for an injected fault (Lambda's error types and API errors). */
function lambdaFailure(fault: LambdaFault): Error {
  switch (fault) {
    case 'crash':
      return new FunctionFailure('Runtime.ExitError', 'Runtime exited with error: exit status 1 (injected)');
    case 'timeout':
      return new FunctionFailure('Sandbox.Timedout', 'Task timed out (injected)');
    case 'outOfMemory':
      return new FunctionFailure(
        'Runtime.OutOfMemory',
        'Runtime exited with error: signal: killed (injected)',
      );
    case 'throttle':
      return new InvokeApiError('TooManyRequestsException', 429);
    case 'serviceError':
      return new InvokeApiError('ServiceException', 500);
  }
}

export type Invoke = <T>(name: FunctionName, event: unknown, perCall?: { ddb: number }) => Promise<T>;

const lambdaContext = (functionName: string, functionArn: string, requestId: number): Context =>
  ({
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: functionArn,
    memoryLimitInMB: '256',
    awsRequestId: `local-${requestId}`,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    callbackWaitsForEmptyEventLoop: false,
    getRemainingTimeInMillis: () => 60_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  }) as Context;

export interface InvokerOptions {
  fault?: InvocationFault | undefined;
  /** The function's ARN (its invokedFunctionArn). */
  functionArn: (name: FunctionName) => string;
}

export function createInvoker(
  handlers: Handlers,
  clock: VirtualClock,
  counters: { lambdaInvocations: number },
  { fault, functionArn }: InvokerOptions,
) {
  let requestId = 0;
  /**
   * Invokes a handler as Lambda would: tracked on the clock, running as the function `name` (its role
   * checks the calls it makes), with its DynamoDB requests counted.
   */
  async function invoke<T>(name: FunctionName, event: unknown, perCall?: { ddb: number }): Promise<T> {
    counters.lambdaInvocations += 1;
    const handler = handlers[name] as unknown as (e: unknown, c: Context) => Promise<T>;
    const injected = fault?.({ fn: name, payload: event });
    return clock.track(async () => {
      if (injected?.when === 'before') throw lambdaFailure(injected.error);
      const counter = perCall ?? currentRequestCounter() ?? { ddb: 0 };
      const result = await runAs(name, counter, () =>
        handler(event, lambdaContext(name, functionArn(name), ++requestId)),
      );
      if (injected?.when === 'after') throw lambdaFailure(injected.error);
      return result;
    });
  }
  /** The request id the next invocation gets (events delivered carry it as their id). */
  const nextRequestId = () => requestId + 1;
  return { invoke, nextRequestId };
}

/**
 * How Step Functions names a Lambda failure in a Task state of the optimised integration
 * (arn:aws:states:::lambda:invoke): an error the handler threw keeps its name (the payload's
 * errorType); the runtime's own failures are Lambda.Unknown: "Unhandled errors in Lambda are reported
 * as Lambda.Unknown in the error output. These include out-of-memory errors and function timeouts"
 * (Step Functions Developer Guide, "Handle Lambda service exceptions"), and a runtime that exited is
 * the same kind of failure; the cause carries what Lambda said. An Invoke API error is
 * Lambda.<exception>: "When Lambda hits the maximum number of invocations, the error is
 * Lambda.TooManyRequestsException" (same page), a service error Lambda.ServiceException.
 */
export function asTaskError(error: unknown): unknown {
  if (error instanceof FunctionFailure) {
    const payload = JSON.stringify({ errorType: error.errorType, errorMessage: error.message });
    return Object.assign(new Error(payload), { name: 'Lambda.Unknown' });
  }
  if (error instanceof InvokeApiError)
    return Object.assign(new Error(error.message), { name: `Lambda.${error.name}` });
  return error;
}
