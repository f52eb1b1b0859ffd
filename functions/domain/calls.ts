import type { CallRecord } from './case.js';

/**
 * The call logs the caps read: the borrower's (per debtor, per debt) and the phone line's (per number,
 * shared by every borrower with that number). A call is entered when its task opens (pending: its
 * outcome unknown, so it counts against every cap) and completed when the agent records the outcome.
 */

/** Calls are kept eight days: long enough for every cap (a day, a rolling week, a week after a conversation). */
export const CALL_LOG_MS = 8 * 86_400_000;

/** What the agent reported: did the call reach the borrower? */
export const connectedOutcome = (outcome: string): boolean =>
  !['NO_ANSWER', 'WRONG_NUMBER'].includes(outcome);

/** The log with `call` in it (replacing the entry of the same task), and calls older than the log keeps dropped. */
export function withCall(calls: readonly CallRecord[], call: CallRecord, now: number): CallRecord[] {
  const kept = calls.filter(
    (c) => now - Date.parse(c.at) < CALL_LOG_MS && !(call.taskId !== undefined && c.taskId === call.taskId),
  );
  return [...kept, call];
}

/** The entry of this call task, if the log has it. */
export const callOfTask = (
  calls: readonly CallRecord[],
  taskId: string | undefined,
): CallRecord | undefined => (taskId === undefined ? undefined : calls.find((c) => c.taskId === taskId));

/** A human task's id: one task per entry into the task state (the ledger head's seq then), however often retried. */
export const humanTaskId = (ledgerId: string, stageId: string, seq: number): string =>
  `${ledgerId}#${stageId}#${seq}`;
