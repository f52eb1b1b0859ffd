import { gate, type Step } from '../../domain/decide.js';
import type { Ctx } from '../context.js';
import { gateStep, resume } from '../flow.js';

/** The hold on an open dispute was woken (resolved, or the case closed): stop, hold again, or resume. */
export async function afterHold(ctx: Ctx): Promise<Step> {
  const g = gate(ctx.policy, ctx.kase.item, ctx.profile.item);
  if (g) return gateStep(ctx, g, ctx.req.step.resumeStage);
  return resume(ctx, ctx.req.step.resumeStage);
}
