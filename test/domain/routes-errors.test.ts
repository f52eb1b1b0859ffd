import { describe, expect, it } from 'vitest';
import {
  CaseNotFoundError,
  ConcurrentUpdateError,
  LadderError,
  RETRYABLE_ERRORS,
  TransientError,
  ValidationError,
} from '../../functions/domain/errors.js';
import {
  DEFAULT_UPSTREAM_SOURCES,
  EVENT_TARGETS,
  LADDER_SOURCE,
  sourceProblem,
  sourcesFor,
  targetOf,
} from '../../functions/domain/routes.js';

/** The event routes and the sources they accept, and the error names the state machine matches. */
describe('event routes', () => {
  it('each detail-type goes to one target', () => {
    expect(EVENT_TARGETS).toEqual({
      intake: ['LoanDelinquent'],
      events: [
        'PaymentReceived',
        'BalanceChanged',
        'BorrowerOptedOut',
        'BorrowerOptedIn',
        'DisputeOpened',
        'DisputeResolved',
        'PromiseToPayMade',
        'RepaymentPlanAccepted',
        'HardshipReported',
        'BorrowerStatusChanged',
        'ContactPointVerified',
        'BorrowerPreferencesChanged',
      ],
      erasure: ['BorrowerErasureRequested'],
      delivery: ['LetterDispatched'],
    });
    expect(
      ['LoanDelinquent', 'DisputeOpened', 'BorrowerErasureRequested', 'LetterDispatched', 'Nope'].map(
        targetOf,
      ),
    ).toEqual(['intake', 'events', 'erasure', 'delivery', undefined]);
  });

  it('sources: per detail-type, else the default list, else lender.loans', () => {
    expect(LADDER_SOURCE).toBe('ladder');
    expect(DEFAULT_UPSTREAM_SOURCES).toEqual(['lender.loans']);
    expect(sourcesFor('PaymentReceived')).toEqual(['lender.loans']);
    const sources = { default: ['core'], byDetailType: { PaymentReceived: ['payments'] } };
    expect(sourcesFor('PaymentReceived', sources)).toEqual(['payments']);
    expect(sourcesFor('DisputeOpened', sources)).toEqual(['core']);
    expect(sourcesFor('DisputeOpened', { byDetailType: {} })).toEqual(['lender.loans']);
  });

  it.each([
    ['ladder', `"ladder" is Ladder's own source: it cannot be an upstream producer`],
    ['aws.events', '"aws.events": sources starting with aws. are reserved for AWS services'],
    ['lender loans', '"lender loans": letters, digits and . _ - only'],
    ['', '"": letters, digits and . _ - only'],
    ['x'.repeat(257), `"${'x'.repeat(257)}": letters, digits and . _ - only`],
  ])('source "%s" is refused', (source, problem) => {
    expect(sourceProblem(source)).toBe(problem);
  });

  it.each(['lender.loans', 'lender.aws.', 'Core_Banking-2', 'x'.repeat(256)])(
    'source "%s" is accepted',
    (source) => {
      expect(sourceProblem(source)).toBeUndefined();
    },
  );
});

describe('errors: the names the state machine matches', () => {
  it.each([
    [new LadderError('m'), 'LadderError'],
    [new ValidationError('m'), 'ValidationError'],
    [new TransientError('m'), 'TransientError'],
    [new ConcurrentUpdateError('m'), 'ConcurrentUpdateError'],
    [new CaseNotFoundError('m'), 'CaseNotFoundError'],
  ])('%s', (error, name) => {
    expect(error.name).toBe(name);
    expect(error).toBeInstanceOf(LadderError);
    expect(error.message).toBe('m');
  });

  it('a cause is kept, and only transient and concurrent-update errors are retried', () => {
    const cause = new Error('throttled');
    expect(new TransientError('m', { cause }).cause).toBe(cause);
    expect(new ValidationError('m', { cause }).cause).toBe(cause);
    expect(new ConcurrentUpdateError('m', { cause }).cause).toBe(cause);
    expect(new CaseNotFoundError('m', { cause }).cause).toBe(cause);
    expect(new LadderError('m', { cause }).cause).toBe(cause);
    expect(RETRYABLE_ERRORS).toEqual(['TransientError', 'ConcurrentUpdateError']);
  });
});
