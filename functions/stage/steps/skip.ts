import type { Step } from '../../domain/decide.js';
import type { Stage } from '../../domain/policy.js';
import { decide } from '../contact.js';
import type { Ctx, Prior } from '../context.js';
import { nextStageStep } from '../flow.js';
import { record } from '../record.js';

/** Why a stage was skipped: a pre-due stage of a loan that came in after its due date. */
export const SKIPPED_LATE = 'SKIPPED_LATE';

/**
 * A stage that will not run is still a decision, and the ledger records it: a SKIP record naming the
 * stage, with one SKIPPED attempt per channel it would have used. Nothing was sent, so the next
 * stage is not spaced after it.
 */
export async function skipStage(ctx: Ctx, stage: Stage, replay: Prior | undefined): Promise<Step> {
  const attempts =
    replay?.attempts ??
    (stage.kind === 'NOTICE' ? decide(ctx, stage) : []).map((d) => ({
      channel: d.channel,
      status: 'SKIPPED' as const,
      reason: SKIPPED_LATE,
    }));
  await record(ctx, { type: 'SKIP', stage: stage.id, attempts, detail: { reason: SKIPPED_LATE } });
  return nextStageStep(ctx, stage.id, false);
}
