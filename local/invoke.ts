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
 * A Lambda invocation crashes (Runtime.ExitError) or times out (Sandbox.Timedout), before its
 * handler ran or after it (its writes and sends happened; its answer is lost).
 */
export type InvocationFault = (call: {
  fn: FunctionName;
  payload: unknown;
}) => { error: 'crash' | 'timeout'; when: 'before' | 'after' } | undefined;

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

/** The error Lambda reports for a crashed or timed-out invocation (the name Step Functions matches). */
const lambdaFailure = (error: 'crash' | 'timeout') =>
  error === 'crash'
    ? Object.assign(new Error('the runtime exited (injected)'), { name: 'Runtime.ExitError' })
    : Object.assign(new Error('Task timed out (injected)'), { name: 'Sandbox.Timedout' });

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
