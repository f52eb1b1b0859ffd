import { type CaseRecord, endOfGrace } from '../../domain/case.js';
import { isoUtc } from '../../domain/clock.js';
import { decideContacts, gate, type Step } from '../../domain/decide.js';
import type { AttemptEntry } from '../../domain/ledger.js';
import { toMinor } from '../../domain/money.js';
import { proposePlan } from '../../domain/plan.js';
import { type Channel, nextStage, type Stage, stageById } from '../../domain/policy.js';
import { contact, SMS_THEN_EMAIL } from '../contact.js';
import { type Ctx, HumanResult, update } from '../context.js';
import { gateStep, nextStageStep, step } from '../flow.js';
import { record } from '../record.js';

/** An agent call or a field visit ended: record what the agent reports, then act on it. */
export async function recordHumanOutcome(ctx: Ctx): Promise<Step> {
  const stage = stageById(ctx.policy, ctx.req.stage ?? '');
  const parsed = HumanResult.safeParse(ctx.req.taskResult);
  // No result means the Catch delivered a timeout: nobody completed the task in time. Escalate.
  const result: HumanResult = parsed.success ? parsed.data : { outcome: 'NO_ANSWER' };
  const timedOut = !parsed.success;
  const channel: Channel = stage.kind === 'FIELD_VISIT' ? 'VISIT' : 'CALL';

  if (result.outcome === 'NOT_OPENED' || result.outcome === 'CASE_CLOSED') {
    return notOpened(ctx, stage, channel, result.decision);
  }

  const attempt: AttemptEntry = timedOut
    ? { channel, status: 'FAILED', reason: 'TASK_TIMED_OUT' }
    : {
        channel,
        status: 'SENT',
        outcome: result.outcome,
        ...(result.taskId ? { providerRef: result.taskId } : {}),
      };
  await record(ctx, { type: 'CONTACT', stage: stage.id, attempts: [attempt] });
  if (channel === 'CALL' && !timedOut) await countCall(ctx, result.outcome);
  return actOnOutcome(ctx, stage, result);
}

/** The task was not opened (the case closed, or a rule blocked or deferred the contact): say why. */
async function notOpened(
  ctx: Ctx,
  stage: Stage,
  channel: Channel,
  d: HumanResult['decision'],
): Promise<Step> {
  const g = gate(ctx.policy, ctx.kase.item, ctx.profile.item);
  if (g) return gateStep(ctx, g, stage.id);
  if (!d) return nextStageStep(ctx, stage.id);
  await record(ctx, {
    type: 'CONTACT',
    stage: stage.id,
    attempts: [
      {
        channel,
        status: d.status,
        reason: d.reason,
        ...(d.until ? { deferredUntil: isoUtc(d.until) } : {}),
      },
    ],
  });
  return d.status === 'DEFERRED' && d.until ? step(ctx, 'WAIT', d.until) : nextStageStep(ctx, stage.id);
}

/** Counts the call on the borrower's profile (the call caps read it), keeping the last eight days'. */
async function countCall(ctx: Ctx, outcome: HumanResult['outcome']): Promise<void> {
  const { req, now } = ctx;
  const p = structuredClone(ctx.profile.item);
  const connected = !['NO_ANSWER', 'WRONG_NUMBER'].includes(outcome);
  const call = { at: isoUtc(now), loanId: req.loanId, connected };
  // A replay of this step (same time) finds its call already counted.
  if (!p.calls.some((c) => c.at === call.at && c.loanId === call.loanId)) {
    p.calls = [...p.calls.filter((c) => now - Date.parse(c.at) < 8 * 86_400_000), call];
    await ctx.deps.cases.saveProfile(p, ctx.profile.rev);
  }
}

/** What the agent agreed with the borrower: a promise, a dispute, a plan to sign, or hardship. */
async function actOnOutcome(ctx: Ctx, stage: Stage, result: HumanResult): Promise<Step> {
  const { policy, now, deps } = ctx;
  const next = nextStage(policy, stage.id)?.id ?? '';
  const c: CaseRecord = structuredClone(ctx.kase.item);
  switch (result.outcome) {
    case 'PROMISE_TO_PAY': {
      if (!result.promise) break;
      if (!c.promises.some((p) => p.madeAt === isoUtc(now)))
        c.promises.push({
          amountMinor: toMinor(result.promise.amount, c.currency),
          date: result.promise.date,
          madeAt: isoUtc(now),
          paidAtMakeMinor: c.paidMinor,
          status: 'PENDING',
        });
      await deps.cases.saveCase(c, ctx.kase.rev);
      return step(
        ctx,
        'PAUSE',
        endOfGrace(result.promise.date, policy.promiseToPay.graceDays, ctx.profile.item.timeZone),
        { resumeStage: next },
      );
    }
    case 'DISPUTE':
      c.dispute = { openedAt: isoUtc(now) };
      await deps.cases.saveCase(c, ctx.kase.rev);
      return step(ctx, 'HOLD', now, { resumeStage: next });
    case 'PLAN_AGREED': {
      if (!result.plan) break;
      const refused = proposePlan(c, result.plan.instalments, policy, now);
      if (refused) break;
      await deps.cases.saveCase(c, ctx.kase.rev);
      return step(ctx, 'SIGN', now, { resumeStage: next });
    }
    case 'HARDSHIP':
      return offerPlan(ctx, stage);
    default:
      break;
  }
  return nextStageStep(ctx, stage.id);
}

/** Hardship: offer a plan the borrower can choose in self-service (DOMAIN.md), then go on. */
async function offerPlan(ctx: Ctx, stage: Stage): Promise<Step> {
  const { policy, req, now } = ctx;
  await update(ctx, (c) => {
    c.hardshipAt = isoUtc(now);
  });
  const decisions = decideContacts(
    policy.rules,
    SMS_THEN_EMAIL.channels,
    SMS_THEN_EMAIL.delivery,
    ctx.profile.item,
    req.loanId,
    now,
  );
  const attempts = await contact(ctx, SMS_THEN_EMAIL, policy.plan.offerTemplate, decisions);
  await record(ctx, {
    type: 'PLAN',
    stage: stage.id,
    attempts,
    detail: { plan: 'OFFERED_FOR_HARDSHIP' },
  });
  return nextStageStep(ctx, stage.id);
}
