import type { TaskQueue } from '../domain/case.js';

/**
 * The outcomes an agent may record, by name, and which fit which queue. Plain data with no imports
 * to run, so the CLI can list them (and refuse a wrong one) without loading the API's schemas.
 */
/** Outcomes that carry nothing but their name. */
export const PLAIN_OUTCOMES = [
  'REACHED',
  'HARDSHIP',
  'DISPUTE',
  'REFUSED',
  'NO_ANSWER',
  'WRONG_NUMBER',
  'SIGNED',
  'DECLINED',
  'REVIEWED',
  'ANSWERED',
  'ALREADY_PAID',
] as const;

/** Every outcome: the plain ones, a promise (amount, date), a plan (instalments), a visit report. */
export const OUTCOMES = [...PLAIN_OUTCOMES, 'PROMISE_TO_PAY', 'PLAN_AGREED', 'VISIT_REPORTED'] as const;
export type OutcomeName = (typeof OUTCOMES)[number];

/** Which outcomes fit which queue: a field visit is not answered with a signature. */
export const OUTCOMES_BY_QUEUE: Record<TaskQueue, readonly OutcomeName[]> = {
  'agent-calls': [
    'REACHED',
    'PROMISE_TO_PAY',
    'HARDSHIP',
    'DISPUTE',
    'REFUSED',
    'NO_ANSWER',
    'WRONG_NUMBER',
    'PLAN_AGREED',
  ],
  'field-visits': ['VISIT_REPORTED', 'PROMISE_TO_PAY', 'HARDSHIP', 'DISPUTE', 'REFUSED', 'PLAN_AGREED'],
  'plan-signing': ['SIGNED', 'DECLINED'],
  specialist: ['REVIEWED'],
  // A reply read and answered; or what it turned out to be (hardship pauses, a dispute holds).
  conversations: ['ANSWERED', 'HARDSHIP', 'DISPUTE', 'ALREADY_PAID', 'WRONG_NUMBER'],
};
