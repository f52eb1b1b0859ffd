import { renderAgreement } from '../../domain/agreement.js';
import { isoUtc } from '../../domain/clock.js';
import { gate, type Step } from '../../domain/decide.js';
import { fromMinor } from '../../domain/money.js';
import { agencyRecall } from '../../domain/outbound.js';
import { signPlan } from '../../domain/plan.js';
import { nextPlanCheck } from '../../domain/plan-monitor.js';
import { stageLabel } from '../../domain/policy.js';
import { type Ctx, update } from '../context.js';
import { gateStep, pausedStage, resume, step } from '../flow.js';
import { record } from '../record.js';

/** Where collection resumes if the agreement is broken: the stage the plan interrupted. */
export const resumesAt = (ctx: Ctx): string => {
  const stage = ctx.policy.stages.find((s) => s.id === ctx.req.step.resumeStage);
  return stage ? stageLabel(stage) : 'the end of the ladder';
};

/**
 * The plan agreement task ended: signed (monitoring starts), declined, or expired (escalation resumes).
 * A signed agreement is rendered (amounts, dates, what happens on a missed instalment, how interest
 * is counted) and stored with the evidence before the record that names it by key and SHA-256; a
 * replay stores the same document again (same key, same content).
 */
export async function recordSignature(ctx: Ctx): Promise<Step> {
  const { policy, kase, profile, req, now } = ctx;
  const g = gate(policy, kase.item, profile.item);
  if (g && g.outcome !== 'SIGN') return gateStep(ctx, g, req.step.resumeStage);
  const result = req.taskResult as { outcome?: string; signedVia?: unknown } | undefined;
  const outcome = result?.outcome;
  // Click-to-sign on the borrower's page: the link it was signed through (the record's `at` is when).
  const via: Record<string, string> =
    typeof result?.signedVia === 'string' ? { signedVia: `link:${result.signedVia.slice(0, 64)}` } : {};
  const plan = kase.item.plan;
  const signed = outcome === 'SIGNED' && plan?.status === 'PROPOSED';
  const status = signed ? 'SIGNED' : outcome === 'DECLINED' ? 'DECLINED' : 'EXPIRED';
  if (!signed || !plan) {
    await record(ctx, { type: 'PLAN', stage: pausedStage(ctx), attempts: [], detail: { plan: status } });
    return resume(ctx, req.step.resumeStage, (c) => {
      if (c.plan) c.plan.status = status === 'DECLINED' ? 'DECLINED' : 'EXPIRED';
      for (const pause of c.accrualPauses ?? []) pause.to ??= isoUtc(now);
    });
  }
  const doc = renderAgreement(
    kase.item,
    { kind: 'PLAN', plan },
    policy,
    profile.item.locale,
    resumesAt(ctx),
    plan.proposedAt,
  );
  const where = await ctx.deps.evidence.put(doc.key, doc.json, doc.document);
  const money = (minor: number) => fromMinor(minor, kase.item.currency);
  await record(ctx, {
    type: 'PLAN',
    stage: pausedStage(ctx),
    attempts: [],
    detail: {
      plan: 'SIGNED',
      agreement: where.document,
      agreementSha256: doc.sha256,
      balanceAtAgreement: money(plan.balanceAtAgreementMinor),
      agreed: money(plan.agreedMinor),
      ...(plan.approval ? { approvedBy: plan.approval.approverId } : {}),
      ...via,
    },
  });
  // The recall is published before the case says so: a failed write retries the recall rather than lose it.
  const placed = kase.item.agency && !kase.item.agency.recalledAt;
  if (placed) await ctx.deps.bus.publish('AgencyRecallRequested', agencyRecall(kase.item, 'PLAN_AGREED'));
  await update(ctx, (c) => {
    signPlan(c, now, { key: where.document, sha256: doc.sha256 });
    if (c.agency && !c.agency.recalledAt)
      c.agency = { ...c.agency, recalledAt: isoUtc(now), recallReason: 'PLAN_AGREED' };
  });
  const signedPlan = ctx.kase.item.plan;
  const next = signedPlan && nextPlanCheck(policy, signedPlan, profile.item.timeZone);
  return step(ctx, 'PLAN', next ?? now);
}
