import type { Step } from '../../domain/decide.js';
import type { Ctx } from '../context.js';
import { step } from '../flow.js';
import { record } from '../record.js';

/** A task failed after its retries: record why in the ledger before the execution fails. */
export async function recordFailure(ctx: Ctx): Promise<Step> {
  // The failed step may have sent before it failed to record: its receipt goes in first (as of its
  // time), so no message is missing from the ledger even when the ladder ends in failure.
  const receipt = ctx.prior?.receipt ? ctx.prior : undefined;
  if (receipt) {
    const now = ctx.now;
    ctx.now = Date.parse(receipt.at);
    await record(ctx, {
      type: receipt.type,
      stage: receipt.stage,
      attempts: receipt.attempts,
      ...(receipt.detail ? { detail: receipt.detail } : {}),
    });
    ctx.now = now;
  }
  await record(ctx, {
    type: 'FAILURE',
    stage: ctx.req.step.stage || 'ladder',
    attempts: [],
    detail: { error: ctx.req.error?.Error ?? 'unknown' },
  });
  return step(ctx, 'CLOSED', ctx.now);
}
