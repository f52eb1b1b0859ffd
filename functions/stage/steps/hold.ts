import { disputeOpen } from '../../domain/case.js';
import { gate, type Step } from '../../domain/decide.js';
import type { Ctx } from '../context.js';
import { gateStep, pausedStage, resume, step } from '../flow.js';
import { record } from '../record.js';

/** The hold task's Catch delivers `{Error, Cause}` as the task result when the hold timed out. */
const timedOut = (taskResult: unknown): boolean =>
  (taskResult as { Error?: string } | undefined)?.Error === 'States.Timeout';

/**
 * The hold on an open dispute was woken (resolved, or the case closed), or ran out of time. Stop,
 * hold again, or resume. A dispute still open when the hold times out stays a hold (collection may
 * not resume until the dispute is answered): the timeout is recorded, so the ledger shows a dispute
 * left unanswered that long, and the ladder holds again.
 */
export async function afterHold(ctx: Ctx): Promise<Step> {
  const { kase, req } = ctx;
  if (timedOut(req.taskResult) && disputeOpen(kase.item)) {
    await record(ctx, {
      type: 'HOLD',
      stage: pausedStage(ctx),
      attempts: [],
      detail: {
        hold: 'TIMED_OUT',
        disputeOpenedAt: kase.item.dispute?.openedAt ?? '',
        ...(kase.item.dispute?.reason ? { disputeReason: kase.item.dispute.reason } : {}),
      },
    });
    return step(ctx, 'HOLD', ctx.now);
  }
  const g = gate(ctx.policy, kase.item, ctx.profile.item);
  if (g) return gateStep(ctx, g, req.step.resumeStage);
  return resume(ctx, req.step.resumeStage);
}
