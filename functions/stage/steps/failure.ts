import { caseKey } from '../../domain/case.js';
import type { Step } from '../../domain/decide.js';
import type { Ctx } from '../context.js';
import { step } from '../flow.js';
import { record } from '../record.js';

/**
 * A task failed after its retries: record why in the ledger before the execution fails. The failed
 * step may have written its own record before it failed (the head in the execution's state is then
 * one behind), so the failure is appended after the newest record of the chain, not after that head.
 * If the failed step sent and could not record, its receipt goes in first (as of its time), so no
 * message is missing from the ledger even when the ladder ends in failure.
 */
export async function recordFailure(ctx: Ctx): Promise<Step> {
  const latest = await ctx.deps.ledger.latest(caseKey(ctx.req.loanId, ctx.req.cycle));
  if (latest && latest.seq > ctx.head.seq) ctx.head = { seq: latest.seq, hash: latest.hash };
  const receipt = ctx.prior?.receipt ? ctx.prior : undefined;
  if (receipt && receipt.seq > ctx.head.seq) {
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
