import { gate, type Step } from '../../domain/decide.js';
import { activeHardship, hearHardship } from '../../domain/hardship.js';
import type { Channel, Stage } from '../../domain/policy.js';
import { nextStage } from '../../domain/policy.js';
import { type Ctx, type HumanResult, update } from '../context.js';
import { gateStep, nextStageStep, step } from '../flow.js';
import { record } from '../record.js';
import { retryCall } from './calls.js';

/**
 * One voice per borrower: this loan's call (visit) stage was covered by another loan's task of the day
 * (functions/human-task/cover.ts). The loan's own record says so, COVERED_BY the covering record, with
 * what the agent heard, so its ledger stays complete. What the outcome means for this loan:
 *
 * - NO_ANSWER: nobody was reached about this loan either; its call is tried again the next day, as if
 *   its own went unanswered (its attempts count by this stage's task id; no call is counted on the
 *   caps, since none was made for it).
 * - HARDSHIP: the borrower is one person: this loan's escalation pauses too. The plan offer went out
 *   with the covering loan's record; this loan's own offer goes with its next automated stage (as
 *   after a hardship event), since a plan is per loan.
 * - Anything else (answered, refused, a promise, a plan, a dispute, a wrong number): the outcome is
 *   the covering loan's. A promise's amount and date, a plan's instalments and a dispute are about
 *   one loan, and the agent recorded them on that one; a promise or plan for this loan is made by
 *   self-service or its own event. This loan's ladder moves on to its next stage.
 *
 * The outcome fans out only where it is about the person (not reached, hardship), never where it
 * is about one debt: that is the simplest rule that never makes up a promise the borrower did not make.
 * UNCOVERED: the ladder withdrew the covering task (its loan was paid, disputed, opted out of calls):
 * nothing is recorded, and the stage runs again at once, deciding for itself.
 */
export async function recordCovered(
  ctx: Ctx,
  stage: Stage,
  channel: Channel,
  result: HumanResult,
  taskId: string,
): Promise<Step> {
  if (result.outcome === 'UNCOVERED') return step(ctx, 'WAIT', ctx.now);
  const heard = result.heard ?? 'REACHED';
  await record(ctx, {
    type: 'CONTACT',
    stage: stage.id,
    attempts: [
      {
        channel,
        status: 'COVERED',
        reason: 'COVERED_BY',
        providerRef: result.coveredBy ?? '',
        outcome: heard,
      },
    ],
  });
  const g = gate(ctx.policy, ctx.kase.item, ctx.profile.item);
  if (g) return gateStep(ctx, g, nextStage(ctx.policy, stage.id)?.id ?? '');
  if (heard === 'HARDSHIP' && !activeHardship(ctx.kase.item))
    await update(ctx, (c) => hearHardship(c, ctx.policy, ctx.now, 'CALL'));
  if (heard === 'NO_ANSWER') return retryCall(ctx, stage, { taskId });
  return nextStageStep(ctx, stage.id);
}
