import { SKIPPED_LATE, type Step } from '../../domain/decide.js';
import type { Stage } from '../../domain/policy.js';
import { decide } from '../contact.js';
import type { Ctx, Prior } from '../context.js';
import { nextStageStep } from '../flow.js';
import { record } from '../record.js';

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
  // A message's channels as decided (PREFERRED resolved); a call's or a visit's as the stage names them.
  const channels = message ? decide(ctx, stage).map((d) => d.channel) : stage.channels;
  const attempts =
    replay?.attempts ??
    channels.map((channel) => ({
      channel,
      status: 'SKIPPED' as const,
      reason,
    }));
  await record(ctx, { type: 'SKIP', stage: stage.id, attempts, detail: { reason } });
  return nextStageStep(ctx, stage.id, false);
}
