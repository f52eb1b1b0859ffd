import { type CaseRecord, endOfGrace } from '../../domain/case.js';
import { gate, type Step } from '../../domain/decide.js';
import { completePlan } from '../../domain/plan.js';
import { contact, decide, SMS_THEN_EMAIL } from '../contact.js';
import type { Ctx } from '../context.js';
import { gateStep, pausedStage, resume, step } from '../flow.js';
import { record, replayOf } from '../record.js';

/** An instalment's date plus grace has come: confirm it was paid, or follow up the missed one. */
export async function checkPlan(ctx: Ctx): Promise<Step> {
  const { policy, kase, profile, now, req } = ctx;
  const plan = kase.item.plan;
  const g = gate(policy, kase.item, profile.item);
  if (g && !(g.outcome === 'PLAN' && plan)) return gateStep(ctx, g, req.step.resumeStage);
  if (plan?.status !== 'ACTIVE') return resume(ctx, req.step.resumeStage);
  const index = plan.confirmed;
  const instalment = plan.instalments[index];
  if (!instalment) return resume(ctx, req.step.resumeStage);
  const until = endOfGrace(instalment.date, policy.plan.graceDays, profile.item.timeZone);
  if (now < until) return step(ctx, 'WAIT', until);
  const dueSoFar = plan.instalments.slice(0, index + 1).reduce((sum, i) => sum + i.amountMinor, 0);
  const paidSince = kase.item.paidMinor - plan.paidAtAcceptMinor;
  return paidSince >= dueSoFar ? instalmentPaid(ctx, index) : instalmentMissed(ctx, index);
}

/** Instalment `index` (and every one before it) is paid: wait for the next, or the plan is complete. */
async function instalmentPaid(ctx: Ctx, index: number): Promise<Step> {
  const { policy, kase, profile, now } = ctx;
  const c: CaseRecord = structuredClone(kase.item);
  const cPlan = c.plan as NonNullable<CaseRecord['plan']>;
  cPlan.confirmed = index + 1;
  const done = cPlan.confirmed >= cPlan.instalments.length;
  if (done) completePlan(c, now);
  await record(ctx, {
    type: 'PLAN',
    stage: pausedStage(ctx),
    attempts: [],
    detail: { instalment: index + 1, plan: done ? 'COMPLETED' : 'INSTALMENT_PAID' },
  });
  await ctx.deps.cases.saveCase(c, kase.rev);
  if (done) return step(ctx, 'SETTLED', now);
  const nextInstalment = cPlan.instalments[cPlan.confirmed];
  return step(
    ctx,
    'WAIT',
    nextInstalment ? endOfGrace(nextInstalment.date, policy.plan.graceDays, profile.item.timeZone) : now,
  );
}

/** A missed instalment: follow up and ask the cause (DOMAIN.md step 7), then escalation resumes. */
async function instalmentMissed(ctx: Ctx, index: number): Promise<Step> {
  const stageId = pausedStage(ctx);
  const attempts =
    replayOf(ctx, 'PLAN', stageId)?.attempts ??
    (await contact(ctx, SMS_THEN_EMAIL, ctx.policy.plan.followUpTemplate, decide(ctx, SMS_THEN_EMAIL)));
  const deferredUntil = attempts.find((a) => a.status === 'DEFERRED')?.deferredUntil;
  await record(ctx, {
    type: 'PLAN',
    stage: stageId,
    attempts,
    detail: { instalment: index + 1, plan: deferredUntil ? 'MISSED_FOLLOW_UP_DEFERRED' : 'BROKEN' },
  });
  if (deferredUntil) return step(ctx, 'WAIT', Date.parse(deferredUntil));
  return resume(ctx, ctx.req.step.resumeStage, (x) => {
    if (x.plan) x.plan.status = 'BROKEN';
  });
}
