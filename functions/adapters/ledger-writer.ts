import { InvokeCommand, type InvokeCommandOutput, type LambdaClient } from '@aws-sdk/client-lambda';
import { ConcurrentUpdateError, LadderError, TransientError } from '../domain/errors.js';
import type { LedgerRecord } from '../domain/ledger.js';
import { translateAwsError } from './aws-errors.js';

/**
 * Appends a chained record to the ledger and seals it; ConcurrentUpdateError when its seq is taken by
 * another record. With `adopt` the record is already stored (an earlier attempt of the step wrote it):
 * the writer checks that and seals it if that attempt could not.
 */
export interface LedgerWriter {
  append(record: LedgerRecord, options?: { adopt?: boolean }): Promise<void>;
}

/**
 * The stage function's way to the ledger: it may not write the table or make seals itself, it asks
 * the ledger writer function (a synchronous invocation). The writer's typed errors come back as the
 * Lambda's function error and are rethrown by name, so the stage's conflict handling stays the same.
 */
export class LambdaLedgerWriter implements LedgerWriter {
  constructor(
    private readonly lambda: LambdaClient,
    private readonly functionName: string,
  ) {}

  async append(record: LedgerRecord, options: { adopt?: boolean } = {}): Promise<void> {
    let out: InvokeCommandOutput;
    try {
      out = await this.lambda.send(
        new InvokeCommand({
          FunctionName: this.functionName,
          Payload: Buffer.from(JSON.stringify({ record, ...options })),
        }),
      );
    } catch (error) {
      return translateAwsError(error, `appending ledger record ${record.seq}`);
    }
    if (!out.FunctionError) return;
    const failure = JSON.parse(Buffer.from(out.Payload ?? new Uint8Array()).toString('utf8') || '{}') as {
      errorType?: string;
      errorMessage?: string;
    };
    throw writerFailure(failure, out.FunctionError);
  }
}

/**
 * Lambda's own failures of an invocation (the runtime exited, timed out or ran out of memory): the
 * writer may or may not have stored the record, and a retry adopts it if it did, so they are
 * transient to the stage.
 */
const RUNTIME_FAILURES = new Set(['Runtime.ExitError', 'Sandbox.Timedout', 'Runtime.OutOfMemory']);

/**
 * The ledger writer's function error as the stage sees it: its typed errors by name, Lambda's own
 * failures as transient, anything else a LadderError (recorded as a failure).
 */
export function writerFailure(
  failure: { errorType?: string; errorMessage?: string },
  functionError: string,
): Error {
  const message = `ledger writer: ${failure.errorMessage ?? failure.errorType ?? functionError}`;
  if (failure.errorType === 'ConcurrentUpdateError') return new ConcurrentUpdateError(message);
  if (failure.errorType === 'TransientError' || RUNTIME_FAILURES.has(failure.errorType ?? ''))
    return new TransientError(message);
  return new LadderError(message);
}
