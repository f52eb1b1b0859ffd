import * as z from 'zod';
import { Decimal, Id, LocalDate } from '../domain/events.js';
import { once } from '../domain/once.js';
import { OUTCOMES_BY_QUEUE, PLAIN_OUTCOMES } from './outcome-names.js';

/**
 * What an agent or agency records when a task is done. Amounts and dates use the event contract's own
 * schemas (decimal strings, calendar dates), so an outcome is refused here exactly as the same
 * promise or plan would be as an event; the policy's limits are checked against the case after this.
 */
export const TaskOutcomeSchema = once(() => {
  const Promise_ = z.object({ amount: Decimal(), date: LocalDate() });
  /**
   * The agent's own notes on the call (free text, optional): stored under the contact key, named in the
   * ledger by id and SHA-256, and given to legal in the evidence pack (functions/agent-api/notes.ts).
   */
  const notes = z.string().min(1).max(4000).optional();
  return z.discriminatedUnion('outcome', [
    z.object({ outcome: z.enum(PLAIN_OUTCOMES), notes }),
    z.object({ outcome: z.literal('PROMISE_TO_PAY'), promise: Promise_, notes }),
    z.object({
      outcome: z.literal('PLAN_AGREED'),
      plan: z.object({
        instalments: z.array(Promise_).min(1).max(36),
        /** A settlement above the policy's approval limit: who approved it (recorded with the agreement). */
        approval: z.object({ approverId: Id() }).optional(),
      }),
      notes,
    }),
    /** The visitor's report: kept like notes (under the contact key, by id and SHA-256 in the ledger). */
    z.object({ outcome: z.literal('VISIT_REPORTED'), report: z.string().min(1).max(4000) }),
  ]);
});
export type TaskOutcome = z.infer<ReturnType<typeof TaskOutcomeSchema>>;
export { OUTCOMES_BY_QUEUE };
