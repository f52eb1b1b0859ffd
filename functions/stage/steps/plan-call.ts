import { humanTaskId } from '../../domain/calls.js';
import { type CaseRecord, caseKey, endOfGrace } from '../../domain/case.js';
import { isoUtc } from '../../domain/clock.js';
import { gate, type Step } from '../../domain/decide.js';
import type { AttemptEntry, LedgerContent } from '../../domain/ledger.js';
import { breakPlan, proposePlan } from '../../domain/plan.js';
import { PLAN_CALL_STAGE, paidUpTo } from '../../domain/plan-monitor.js';
import { promiseProblem, takePromise } from '../../domain/promise.js';
import { type Ctx, type HumanResult, HumanResultSchema, update } from '../context.js';
import { gateStep, pausedStage, resume, step } from '../flow.js';
import { record } from '../record.js';
import { countCall, settleCall } from './calls.js';
import { instalmentPaid } from './plan.js';

type Detail = NonNullable<LedgerContent['detail']>;

/**
 * The agent's call after a missed instalment's reply window (DOMAIN.md step 7): recorded with what it
 * led to. A new plan (within the policy's renegotiations) goes to signing; a promise pauses the ladder
 * until its date; a dispute holds it; anything else, or no call, breaks the plan and escalation
 * resumes where the plan interrupted it. One record: the call and its consequence.
 */
export async function recordPlanCall(ctx: Ctx): Promise<Step> {
  const { req, policy, kase, profile, now } = ctx;
  const parsed = HumanResultSchema().safeParse(req.taskResult);
  const result: HumanResult = parsed.success ? parsed.data : { outcome: 'NO_ANSWER' };
  const taskId = humanTaskId(caseKey(req.loanId, req.cycle), PLAN_CALL_STAGE, req.step.ledger.seq);
  const closed = ['NOT_OPENED', 'CASE_CLOSED', 'WITHDRAWN'].includes(result.outcome);
  if (!parsed.success || closed) await settleCall(ctx, taskId);
  const g = gate(policy, kase.item, profile.item);
  if (g && g.outcome !== 'PLAN') return gateStep(ctx, g, req.step.resumeStage);
  const plan = kase.item.plan;
  const about: Detail = {
    instalment: (plan?.confirmed ?? 0) + 1,
    ...(plan?.agreement ? { agreement: plan.agreement.key } : {}),
  };
  if (closed) {
    const d = result.decision;
    if (d?.status === 'DEFERRED' && d.until) {
      const deferred: AttemptEntry = {
        channel: 'CALL',
        status: 'DEFERRED',
        reason: d.reason,
        deferredUntil: isoUtc(d.until),
      };
      await record(ctx, {
        type: 'PLAN',
        stage: pausedStage(ctx),
        attempts: [deferred],
        detail: { ...about, plan: 'CALL_DEFERRED' },
      });
      return step(ctx, 'WAIT', d.until);
    }
    const blocked: AttemptEntry[] = d ? [{ channel: 'CALL', status: 'BLOCKED', reason: d.reason }] : [];
    return broken(ctx, blocked, { ...about, plan: 'BROKEN', reason: d?.reason ?? 'NO_CALL' });
  }
  const attempt: AttemptEntry = parsed.success
    ? {
        channel: 'CALL',
        status: 'SENT',
        outcome: result.outcome,
        ...(result.taskId ? { providerRef: result.taskId } : {}),
      }
    : { channel: 'CALL', status: 'FAILED', reason: 'TASK_TIMED_OUT' };
  const counted = async () => {
    if (parsed.success) await countCall(ctx, { ...result, taskId: result.taskId ?? taskId });
  };
  const tz = profile.item.timeZone;
  if (plan && paidUpTo(kase.item, plan, plan.confirmed)) {
    // Paid while the agent was calling: the plan goes on.
    await counted();
    return instalmentPaid(ctx, plan.confirmed, true, [attempt]);
  }
  if (result.outcome === 'PLAN_AGREED' && result.plan) {
    const trial = structuredClone(kase.item);
    const problem = proposePlan(trial, result.plan, policy, now, tz);
    if (!problem) {
      await record(ctx, {
        type: 'PLAN',
        stage: pausedStage(ctx),
        attempts: [attempt],
        detail: { ...about, plan: 'RENEGOTIATED' },
      });
      await counted();
      if (ctx.kase.item.plan?.proposedAt !== isoUtc(now))
        await update(ctx, (c) =>
          proposePlan(c, result.plan as NonNullable<HumanResult['plan']>, policy, now, tz),
        );
      return step(ctx, 'SIGN', now);
    }
    await counted();
    return broken(ctx, [attempt], { ...about, plan: 'BROKEN', reason: problem });
  }
  if (
    result.outcome === 'PROMISE_TO_PAY' &&
    result.promise &&
    !promiseProblem(result.promise, kase.item, policy, now, tz)
  ) {
    const promise = result.promise;
    const detail = { ...about, plan: 'BROKEN', promise: 'MADE', amount: promise.amount, date: promise.date };
    await record(ctx, { type: 'PLAN', stage: pausedStage(ctx), attempts: [attempt], detail });
    await counted();
    await update(ctx, (c) => {
      breakPlan(c, now);
      if (!c.promises.some((p) => p.madeAt === isoUtc(now))) takePromise(c, promise, now);
    });
    return step(ctx, 'PAUSE', endOfGrace(promise.date, policy.promiseToPay.graceDays, tz));
  }
  if (result.outcome === 'DISPUTE') {
    await record(ctx, {
      type: 'PLAN',
      stage: pausedStage(ctx),
      attempts: [attempt],
      detail: { ...about, plan: 'BROKEN', dispute: 'OPENED' },
    });
    await counted();
    await update(ctx, (c) => {
      breakPlan(c, now);
      if (!c.dispute || c.dispute.resolvedAt) {
        if (c.dispute) c.disputeHistory = [...(c.disputeHistory ?? []), c.dispute];
        c.dispute = { openedAt: isoUtc(now) };
      }
    });
    return step(ctx, 'HOLD', now);
  }
  await counted();
  return broken(ctx, [attempt], { ...about, plan: 'BROKEN' });
}

/** The plan is broken: recorded, and escalation resumes where the plan interrupted it. */
async function broken(ctx: Ctx, attempts: AttemptEntry[], detail: Detail): Promise<Step> {
  await record(ctx, { type: 'PLAN', stage: pausedStage(ctx), attempts, detail });
  return resume(ctx, ctx.req.step.resumeStage, (c: CaseRecord) => breakPlan(c, ctx.now));
}
