import { describe, expect, it } from 'vitest';
import {
  CALL_LOG_MS,
  callOfTask,
  connectedOutcome,
  humanTaskId,
  withCall,
} from '../../functions/domain/calls.js';
import type { CallRecord } from '../../functions/domain/case.js';
import { at, DAY } from './fixtures.js';

/** The call logs the caps read: what counts as connected, how long calls are kept, one entry per task. */
describe('call logs', () => {
  const now = at('2026-12-20T10:00:00Z');
  const call = (atIso: string, taskId?: string, loanId = 'L-1'): CallRecord => ({
    at: atIso,
    loanId,
    connected: false,
    ...(taskId ? { taskId } : {}),
  });

  it('only no answer and a wrong number are unconnected', () => {
    const outcomes = [
      'NO_ANSWER',
      'WRONG_NUMBER',
      'REACHED',
      'REFUSED',
      'PROMISE_TO_PAY',
      'HARDSHIP',
      'DISPUTE',
    ];
    expect(outcomes.map(connectedOutcome)).toEqual([false, false, true, true, true, true, true]);
  });

  it('keeps calls for eight days: a call 8 days minus a millisecond ago stays, one 8 days ago goes', () => {
    expect(CALL_LOG_MS).toBe(8 * DAY);
    const kept = call(new Date(now - 8 * DAY + 1).toISOString(), 'T-1');
    const gone = call(new Date(now - 8 * DAY).toISOString(), 'T-2');
    const added = call(new Date(now).toISOString(), 'T-3');
    expect(withCall([kept, gone], added, now)).toEqual([kept, added]);
  });

  it("replaces the entry of the same task, and keeps other tasks' and task-less calls", () => {
    const pending = { ...call('2026-12-20T09:00:00Z', 'T-1'), pending: true };
    const other = call('2026-12-20T08:00:00Z', 'T-2', 'L-2');
    const untasked = call('2026-12-20T07:00:00Z');
    const done = { ...call('2026-12-20T09:00:00Z', 'T-1'), connected: true };
    expect(withCall([pending, other, untasked], done, now)).toEqual([other, untasked, done]);
    // A call without a task replaces nothing, not even other task-less calls.
    const another = call('2026-12-20T09:30:00Z');
    expect(withCall([untasked, pending], another, now)).toEqual([untasked, pending, another]);
  });

  it("finds a task's entry, and none for no task", () => {
    const a = call('2026-12-20T09:00:00Z', 'T-1');
    const b = call('2026-12-20T09:00:00Z', 'T-2');
    const untasked = call('2026-12-20T07:00:00Z');
    expect(callOfTask([a, b], 'T-2')).toBe(b);
    expect(callOfTask([a, b], 'T-3')).toBeUndefined();
    expect(callOfTask([untasked, a], undefined)).toBeUndefined();
  });

  it('names a human task by ledger, stage and the ledger head it opened at', () => {
    expect(humanTaskId('L-1#1', 'D+7', 12)).toBe('L-1#1#D+7#12');
  });
});
