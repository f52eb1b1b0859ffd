import { ConcurrentUpdateError, TransientError } from '../domain/errors.js';

/**
 * Translates AWS SDK errors into the names the state machine retries. The SDK has already retried
 * throttling a few times by the time an error reaches us; what is left is retried by Step Functions
 * with backoff. Anything unrecognised is rethrown unchanged (the Catch records it as a failure).
 */
const TRANSIENT = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'Throttling',
  'Throttled',
  'ThrottledException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'InternalServerError',
  'InternalFailure',
  'InternalError',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'KMSThrottlingException',
  'TimeoutError',
  'ECONNRESET',
  'ECONNREFUSED',
]);

export function isThrottleOrOutage(error: unknown): boolean {
  const e = error as { name?: string; code?: string; $metadata?: { httpStatusCode?: number } };
  return (
    TRANSIENT.has(e?.name ?? '') ||
    TRANSIENT.has(e?.code ?? '') ||
    e?.$metadata?.httpStatusCode === 429 ||
    (e?.$metadata?.httpStatusCode ?? 0) >= 500
  );
}

export function translateAwsError(error: unknown, what: string): never {
  const name = (error as { name?: string })?.name;
  if (name === 'ConditionalCheckFailedException')
    throw new ConcurrentUpdateError(`${what}: written concurrently`, { cause: error });
  if (isThrottleOrOutage(error))
    throw new TransientError(`${what}: ${name ?? 'unavailable'}`, { cause: error });
  throw error;
}
