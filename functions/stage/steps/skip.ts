import type { Step } from '../../domain/decide.js';
import type { Stage } from '../../domain/policy.js';
import { decide } from '../contact.js';
import type { Ctx, Prior } from '../context.js';
import { nextStageStep } from '../flow.js';
import { record } from '../record.js';

/** Why a stage was skipped: a pre-due stage of a loan that came in after its due date. */
export const SKIPPED_LATE = 'SKIPPED_LATE';
/** Why a stage was skipped: the account is with an agency and the policy stops the lender's own notices. */
export const PLACED_WITH_AGENCY = 'PLACED_WITH_AGENCY';

/**
 * A stage that will not run is still a decision, and the ledger records it: a SKIP record naming the
 * stage, with one SKIPPED attempt per channel it would have used. Nothing was sent, so the next
 * stage is not spaced after it.
 */
export async function skipStage(
  ctx: Ctx,
  stage: Stage,
  replay: Prior | undefined,
  why: string = SKIPPED_LATE,
): Promise<Step> {
  // A replay keeps the reason it recorded.
  const reason = String(replay?.recorded?.detail?.reason ?? why);
  const message = stage.kind === 'NOTICE' || stage.kind === 'SETTLEMENT_OFFER';
  const attempts =
    replay?.attempts ??
    (message ? decide(ctx, stage) : []).map((d) => ({
      channel: d.channel,
      status: 'SKIPPED' as const,
      reason,
    }));
  await record(ctx, { type: 'SKIP', stage: stage.id, attempts, detail: { reason } });
  return nextStageStep(ctx, stage.id, false);
}
