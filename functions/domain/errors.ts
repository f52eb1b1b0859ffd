/**
 * Errors are the contract with the state machine: Step Functions matches a Lambda error by its
 * `name`, so every `ErrorEquals` in statemachines/ uses exactly these names.
 */
export class LadderError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'LadderError';
  }
}

/** Input that can never succeed: bad event, bad policy, unknown loan. Not retried. */
export class ValidationError extends LadderError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ValidationError';
  }
}

/** A downstream service (DynamoDB, SNS, SES) throttled or was unavailable. Retried with backoff. */
export class TransientError extends LadderError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TransientError';
  }
}

/** Someone else wrote first (conditional check failed). Retried: the next read sees their write. */
export class ConcurrentUpdateError extends LadderError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ConcurrentUpdateError';
  }
}

/** The case the execution refers to does not exist (deleted or never stored). Not retried. */
export class CaseNotFoundError extends LadderError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CaseNotFoundError';
  }
}

/** Names the state machine retries; kept here so the renderer and the handlers agree. */
export const RETRYABLE_ERRORS = ['TransientError', 'ConcurrentUpdateError'] as const;

/**
 * A borrower link that is malformed, tampered with, expired, or used for a loan it does not name. The
 * borrower API answers 403 with no detail (which of these it was is not the caller's to learn).
 */
export class LinkRefusedError extends LadderError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'LinkRefusedError';
  }
}
