import { owedAt } from '../../domain/balance.js';
import { type CaseRecord, endOfGrace, type RepaymentPlan } from '../../domain/case.js';
import { isoUtc } from '../../domain/clock.js';
import { gate, type Step } from '../../domain/decide.js';
import { handoffEvents, publishAll } from '../../domain/handoff-events.js';
import type { AttemptEntry, LedgerContent } from '../../domain/ledger.js';
import { completePlan } from '../../domain/plan.js';
import { nextPlanCheck, paidUpTo, pendingReminder, replyWindowEnd } from '../../domain/plan-monitor.js';
import { contact, decide, moneyDetail, noteAcknowledged, SMS_THEN_EMAIL } from '../contact.js';
import { type Ctx, update } from '../context.js';
import { gateStep, pausedStage, resume, step } from '../flow.js';
import { record, replayOf } from '../record.js';

/**
 * A signed plan, monitored (DOMAIN.md's steps 5 to 7): a reminder the policy's days before each
 * instalment; at its date plus grace, the instalment is confirmed paid, or missed: the borrower is
 * asked why and given the policy's reply window; at its end, paid late goes on, a new plan is signed
 * (at most the policy's renegotiations), or an agent calls (PLAN_CALL); only after that call does
 * escalation resume, where the plan interrupted it (plan-call.ts). Every message passes the same gates
 * as a stage, each step writes one record, and a retry replays it (record.ts).
 */
export async function checkPlan(ctx: Ctx): Promise<Step> {
  const { policy, kase, profile, now, req } = ctx;
  const plan = kase.item.plan;
  const g = gate(policy, kase.item, profile.item);
  if (g && !(g.outcome === 'PLAN' && plan)) return gateStep(ctx, g, req.step.resumeStage);
  if (!plan || (plan.status !== 'ACTIVE' && plan.status !== 'MISSED'))
    return resume(ctx, req.step.resumeStage);
  if (plan.status === 'MISSED') return afterReplyWindow(ctx, plan);
  const index = plan.confirmed;
  const instalment = plan.instalments[index];
  if (!instalment) return resume(ctx, req.step.resumeStage);
  const tz = profile.item.timeZone;
  const until = endOfGrace(instalment.date, policy.plan.graceDays, tz);
  const remindAt = pendingReminder(policy, plan, tz);
  if (remindAt !== undefined && now >= remindAt && now < until && !paidUpTo(kase.item, plan, index))
    return remind(ctx, plan, index);
  // Paid before its reminder was due: no reminder, the instalment is confirmed at its date plus grace.
  if (now < until) return step(ctx, 'WAIT', remindAt !== undefined && remindAt > now ? remindAt : until);
  return paidUpTo(kase.item, plan, index) ? instalmentPaid(ctx, index) : instalmentMissed(ctx, plan, index);
}

/** The monitoring records of one agreement: which instalment, of which agreement. */
const about = (plan: RepaymentPlan, index: number, what: string): LedgerContent['detail'] => ({
  instalment: index + 1,
  plan: what,
  ...(plan.agreement ? { agreement: plan.agreement.key } : {}),
});

/** The instalment's amount and date, for the reminder and the follow-up. */
const instalmentVars = (plan: RepaymentPlan, index: number) => {
  const i = plan.instalments[index];
  return { money: { instalmentAmount: i?.amountMinor ?? 0 }, dates: { instalmentDate: i?.date ?? '' } };
};

/** Sends (or replays) a monitoring message and records it: one record, the amount owed shown. */
async function planMessage(ctx: Ctx, templateId: string, plan: RepaymentPlan, index: number, what: string) {
  const stageId = pausedStage(ctx);
  const replay = replayOf(ctx, 'PLAN', stageId);
  const attempts =
    replay?.attempts ??
    (await contact(
      ctx,
      SMS_THEN_EMAIL,
      templateId,
      decide(ctx, SMS_THEN_EMAIL),
      instalmentVars(plan, index),
    ));
  const deferredUntil = attempts.find((a) => a.status === 'DEFERRED')?.deferredUntil;
  const detail = replay
    ? replay.detail
    : { ...moneyDetail(ctx, attempts), ...about(plan, index, deferredUntil ? `${what}_DEFERRED` : what) };
  await record(ctx, { type: 'PLAN', stage: stageId, attempts, ...(detail ? { detail } : {}) });
  await noteAcknowledged(ctx, detail);
  return deferredUntil;
}

/** The reminder before an instalment falls due. */
async function remind(ctx: Ctx, plan: RepaymentPlan, index: number): Promise<Step> {
  const deferredUntil = await planMessage(
    ctx,
    ctx.policy.plan.reminderTemplate ?? '',
    plan,
    index,
    'REMINDER',
  );
  if (deferredUntil) return step(ctx, 'WAIT', Date.parse(deferredUntil));
  await update(ctx, (c) => {
    if (c.plan) c.plan.reminded = Math.max(c.plan.reminded ?? 0, index + 1);
  });
  const current = ctx.kase.item.plan as RepaymentPlan;
  return step(ctx, 'WAIT', nextPlanCheck(ctx.policy, current, ctx.profile.item.timeZone) ?? ctx.now);
}

/**
 * Instalment `index` (and every one before it) is paid: wait for the next, or the plan is complete.
 * `attempts`: a follow-up call recorded with it (plan-call.ts).
 */
export async function instalmentPaid(
  ctx: Ctx,
  index: number,
  late = false,
  attempts: AttemptEntry[] = [],
): Promise<Step> {
  const { policy, kase, profile, now } = ctx;
  const c: CaseRecord = structuredClone(kase.item);
  const cPlan = c.plan as RepaymentPlan;
  cPlan.confirmed = index + 1;
  cPlan.status = 'ACTIVE';
  delete cPlan.missedAt;
  const done = cPlan.confirmed >= cPlan.instalments.length;
  if (done) completePlan(c, now);
  // Settled after a negative report: the bureau is asked to correct it (before the record, as a handover).
  const owed = owedAt(c, policy, now, profile.item.timeZone).totalMinor;
  await publishAll(ctx.deps.bus, handoffEvents(kase.item, c, owed, now));
  const what = done ? 'COMPLETED' : late ? 'INSTALMENT_PAID_LATE' : 'INSTALMENT_PAID';
  await record(ctx, { type: 'PLAN', stage: pausedStage(ctx), attempts, detail: about(cPlan, index, what) });
  await ctx.deps.cases.saveCase(c, kase.rev);
  if (done) return step(ctx, 'SETTLED', now);
  return step(ctx, 'WAIT', nextPlanCheck(policy, cPlan, profile.item.timeZone) ?? now);
}

/** A missed instalment: ask the borrower why (DOMAIN.md step 7), then wait for the reply. */
async function instalmentMissed(ctx: Ctx, plan: RepaymentPlan, index: number): Promise<Step> {
  const deferredUntil = await planMessage(ctx, ctx.policy.plan.followUpTemplate, plan, index, 'MISSED');
  if (deferredUntil) return step(ctx, 'WAIT', Date.parse(deferredUntil));
  await update(ctx, (c) => {
    if (c.plan?.status === 'ACTIVE') c.plan = { ...c.plan, status: 'MISSED', missedAt: isoUtc(ctx.now) };
  });
  const current = ctx.kase.item.plan as RepaymentPlan;
  return step(ctx, 'WAIT', replyWindowEnd(ctx.policy, current));
}

/**
 * The reply window after a missed instalment: paid meanwhile, the plan goes on; still open, wait;
 * over with nothing paid (a new plan would be at the gate, as SIGN), an agent calls.
 */
async function afterReplyWindow(ctx: Ctx, plan: RepaymentPlan): Promise<Step> {
  if (paidUpTo(ctx.kase.item, plan, plan.confirmed)) return instalmentPaid(ctx, plan.confirmed, true);
  const end = replyWindowEnd(ctx.policy, plan);
  if (ctx.now < end) return step(ctx, 'WAIT', end);
  return step(ctx, 'PLAN_CALL', ctx.now);
}
