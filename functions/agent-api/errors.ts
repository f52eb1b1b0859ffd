import { LadderError } from '../domain/errors.js';

/** The HTTP answers of the work-queue API beyond 400 (ValidationError) and 409 (ConcurrentUpdateError). */
export class TaskNotFoundError extends LadderError {
  constructor(message: string) {
    super(message);
    this.name = 'TaskNotFoundError';
  }
}

/** The caller may not do this to this task (it holds no claim on it, or the route is not for its queue). */
export class ForbiddenError extends LadderError {
  constructor(message: string) {
    super(message);
    this.name = 'ForbiddenError';
  }
}

/** The task cannot take this now: done, withdrawn, or a call recorded outside the contact hours. */
export class TaskConflictError extends LadderError {
  constructor(message: string) {
    super(message);
    this.name = 'TaskConflictError';
  }
}
