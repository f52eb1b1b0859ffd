import { endOfGrace } from '../../domain/case.js';
import { isoUtc } from '../../domain/clock.js';
import { gate, type Step } from '../../domain/decide.js';
import { agencyRecall } from '../../domain/outbound.js';
import { signPlan } from '../../domain/plan.js';
import { type Ctx, update } from '../context.js';
import { gateStep, pausedStage, resume, step } from '../flow.js';
import { record } from '../record.js';

/** The plan agreement task ended: signed (monitoring starts), declined, or expired (escalation resumes). */
export async function recordSignature(ctx: Ctx): Promise<Step> {
  const { policy, kase, profile, req, now } = ctx;
  const g = gate(policy, kase.item, profile.item);
  if (g && g.outcome !== 'SIGN') return gateStep(ctx, g, req.step.resumeStage);
  const outcome = (req.taskResult as { outcome?: string } | undefined)?.outcome;
  const signed = outcome === 'SIGNED' && kase.item.plan?.status === 'PROPOSED';
  const status = signed ? 'SIGNED' : outcome === 'DECLINED' ? 'DECLINED' : 'EXPIRED';
  await record(ctx, { type: 'PLAN', stage: pausedStage(ctx), attempts: [], detail: { plan: status } });
  if (!signed) {
    return resume(ctx, req.step.resumeStage, (c) => {
      if (c.plan) c.plan.status = status === 'DECLINED' ? 'DECLINED' : 'EXPIRED';
    });
  }
  // The recall is published before the case says so: a failed write retries the recall rather than lose it.
  const placed = kase.item.agency && !kase.item.agency.recalledAt;
  if (placed) await ctx.deps.bus.publish('AgencyRecallRequested', agencyRecall(kase.item, 'PLAN_AGREED'));
  await update(ctx, (c) => {
    signPlan(c, now);
    if (c.agency && !c.agency.recalledAt)
      c.agency = { ...c.agency, recalledAt: isoUtc(now), recallReason: 'PLAN_AGREED' };
  });
  const first = ctx.kase.item.plan?.instalments[0];
  return step(
    ctx,
    'PLAN',
    first ? endOfGrace(first.date, policy.plan.graceDays, profile.item.timeZone) : now,
  );
}
