import { humanTaskId } from '../../domain/calls.js';
import { type CaseRecord, caseKey, endOfGrace, pendingPromise } from '../../domain/case.js';
import { isoUtc } from '../../domain/clock.js';
import { gate, SKIPPED_LATE, type Step } from '../../domain/decide.js';
import { activeHardship, hearHardship } from '../../domain/hardship.js';
import type { AttemptEntry, LedgerContent } from '../../domain/ledger.js';
import { proposePlan } from '../../domain/plan.js';
import { type Channel, nextStage, type Stage, stageById } from '../../domain/policy.js';
import { promiseProblem, takePromise } from '../../domain/promise.js';
import { contact, decide, SMS_THEN_EMAIL } from '../contact.js';
import { type Ctx, type HumanResult, HumanResultSchema, update } from '../context.js';
import { gateStep, nextStageStep, step } from '../flow.js';
import { record, replayOf } from '../record.js';
import { countCall, retryCall, settleCall } from './calls.js';
import { recordCovered } from './covered-task.js';
import { offerForHardship } from './hardship.js';
import { skipStage } from './skip.js';

/**
 * An agent call or a field visit ended: record what happened, then act on it. Everything an outcome
 * sets off passes the same checks as a stage: the case is re-read and gated first (a dispute opened
 * or a payment arrived while the agent worked: the call is recorded, nothing follows from it), a
 * promise or plan must be one the policy allows, and a plan offer after hardship is decided by the
 * same consent, hours and verification rules as any notice. The step writes one ledger record (the
 * call and whatever it sent), so a retry replays it whole and never sends the offer twice.
 */
export async function recordHumanOutcome(ctx: Ctx): Promise<Step> {
  const stage = stageById(ctx.policy, ctx.req.stage ?? '');
  const parsed = HumanResultSchema().safeParse(ctx.req.taskResult);
  // No result means the Catch delivered a timeout: nobody completed the task in time. Escalate.
  const result: HumanResult = parsed.success ? parsed.data : { outcome: 'NO_ANSWER' };
  const channel: Channel = stage.kind === 'FIELD_VISIT' ? 'VISIT' : 'CALL';
  const taskId = humanTaskId(caseKey(ctx.req.loanId, ctx.req.cycle), stage.id, ctx.req.step.ledger.seq);
  // A call task that closed without an outcome leaves its reserved call counted, as unanswered.
  if (channel === 'CALL' && (!parsed.success || ['CASE_CLOSED', 'WITHDRAWN'].includes(result.outcome)))
    await settleCall(ctx, taskId);
  if (result.outcome === 'NOT_OPENED' || result.outcome === 'CASE_CLOSED' || result.outcome === 'WITHDRAWN') {
    return notOpened(ctx, stage, channel, result);
  }
  if (result.outcome === 'COVERED' || result.outcome === 'UNCOVERED')
    return recordCovered(ctx, stage, channel, result, taskId);
  const attempt: AttemptEntry = parsed.success
    ? {
        channel,
        status: 'SENT',
        outcome: result.outcome,
        ...(result.taskId ? { providerRef: result.taskId } : {}),
        ...(result.covers?.length ? { covers: result.covers } : {}),
      }
    : { channel, status: 'FAILED', reason: 'TASK_TIMED_OUT' };
  const g = gate(ctx.policy, ctx.kase.item, ctx.profile.item);
  const next = nextStage(ctx.policy, stage.id)?.id ?? '';
  // The agent's notes or the visit's report, by id and SHA-256 (the text is under the contact key).
  const note: Record<string, string> =
    result.noteId && result.noteSha256 ? { noteId: result.noteId, noteSha256: result.noteSha256 } : {};
  if (g || !parsed.success) {
    await record(ctx, {
      type: 'CONTACT',
      stage: stage.id,
      attempts: [attempt],
      ...(note.noteId ? { detail: note } : {}),
    });
    if (channel === 'CALL' && parsed.success)
      await countCall(ctx, { ...result, taskId: result.taskId ?? taskId });
    return g ? gateStep(ctx, g, next) : nextStageStep(ctx, stage.id);
  }
  const action = await decideAction(ctx, result);
  await record(ctx, {
    type: 'CONTACT',
    stage: stage.id,
    attempts: [attempt, ...action.sent],
    ...(action.detail || note.noteId ? { detail: { ...action.detail, ...note } } : {}),
  });
  if (channel === 'CALL') await countCall(ctx, { ...result, taskId: result.taskId ?? taskId });
  return act(ctx, stage, result, action.refused);
}

/** The task was not opened, or was withdrawn (the case closed, a dispute, an opt-out): say why. */
async function notOpened(ctx: Ctx, stage: Stage, channel: Channel, result: HumanResult): Promise<Step> {
  const g = gate(ctx.policy, ctx.kase.item, ctx.profile.item);
  // Hardship heard while this call (visit) stage was next: the plan offer goes out now, recorded on
  // this stage, as an automated stage would send it (a retry finishes the offer an attempt sent).
  const offered = replayOf(ctx, 'CONTACT', stage.id);
  if (offered?.detail?.plan === 'OFFERED_FOR_HARDSHIP') return offerForHardship(ctx, stage, offered);
  const hardship = activeHardship(ctx.kase.item);
  if (g?.outcome === 'PAUSE' && hardship && !hardship.offeredAt && !pendingPromise(ctx.kase.item))
    return offerForHardship(ctx, stage, undefined);
  if (g) return gateStep(ctx, g, stage.id);
  // Withdrawn for a reason the gate does not show (an opt-out of calls): decide the stage again.
  const d =
    result.decision ??
    (result.outcome === 'WITHDRAWN'
      ? withdrawnDecision(ctx, stage, result.reason ?? 'TASK_WITHDRAWN')
      : undefined);
  if (!d) return nextStageStep(ctx, stage.id);
  if (d.reason === SKIPPED_LATE) return skipStage(ctx, stage, replayOf(ctx, 'SKIP', stage.id));
  const deferred = d.status === 'DEFERRED' && d.until;
  await record(ctx, {
    type: 'CONTACT',
    stage: stage.id,
    attempts: [
      {
        channel,
        status: d.status,
        reason: d.reason,
        ...(deferred ? { deferredUntil: isoUtc(d.until as number) } : {}),
      },
    ],
  });
  return deferred ? step(ctx, 'WAIT', d.until as number) : nextStageStep(ctx, stage.id);
}

function withdrawnDecision(ctx: Ctx, stage: Stage, reason: string): NonNullable<HumanResult['decision']> {
  const [d] = decide(ctx, { channels: stage.channels, delivery: 'ALL' });
  if (d && d.status !== 'SEND')
    return { status: d.status, reason: d.reason ?? reason, ...(d.until ? { until: d.until } : {}) };
  return { status: 'BLOCKED', reason };
}

type Detail = LedgerContent['detail'];

/**
 * What follows from the outcome, decided before the record is written so the record says it: a
 * promise or plan the policy refuses (and why), or the plan offer sent after hardship (replayed from
 * an earlier attempt's record or receipt, never sent again).
 */
async function decideAction(
  ctx: Ctx,
  result: HumanResult,
): Promise<{ sent: AttemptEntry[]; detail?: Detail; refused?: boolean }> {
  const { policy, kase, profile, now } = ctx;
  const tz = profile.item.timeZone;
  switch (result.outcome) {
    case 'PROMISE_TO_PAY': {
      const problem = result.promise
        ? promiseProblem(result.promise, kase.item, policy, now, tz)
        : 'NO_PROMISE';
      if (problem) return { sent: [], detail: { promise: 'REFUSED', reason: problem }, refused: true };
      return {
        sent: [],
        detail: { promise: 'MADE', amount: result.promise?.amount ?? '', date: result.promise?.date ?? '' },
      };
    }
    case 'PLAN_AGREED': {
      const trial = structuredClone(kase.item);
      const problem = result.plan ? proposePlan(trial, result.plan, policy, now, tz) : 'NO_PLAN';
      if (problem) return { sent: [], detail: { plan: 'REFUSED', reason: problem }, refused: true };
      return { sent: [], detail: { plan: 'PROPOSED' } };
    }
    case 'HARDSHIP': {
      // Hardship: offer a plan the borrower can choose in self-service (DOMAIN.md), then go on.
      const replay = replayOf(ctx, 'CONTACT', ctx.req.stage ?? '');
      const sent =
        replay?.attempts.slice(1) ??
        (await contact(ctx, SMS_THEN_EMAIL, policy.plan.offerTemplate, decide(ctx, SMS_THEN_EMAIL)));
      return { sent, detail: { plan: 'OFFERED_FOR_HARDSHIP' } };
    }
    case 'DISPUTE':
      return { sent: [], detail: { dispute: 'OPENED' } };
    default:
      return { sent: [] };
  }
}

/** Acts on the recorded outcome. Each change is safe to repeat: a retry replays the same step. */
async function act(ctx: Ctx, stage: Stage, result: HumanResult, refused = false): Promise<Step> {
  const { policy, now } = ctx;
  const next = nextStage(policy, stage.id)?.id ?? '';
  if (refused) return nextStageStep(ctx, stage.id);
  const madeNow = (c: CaseRecord) => c.promises.some((p) => p.madeAt === isoUtc(now));
  switch (result.outcome) {
    case 'PROMISE_TO_PAY': {
      const promise = result.promise as NonNullable<HumanResult['promise']>;
      if (!madeNow(ctx.kase.item)) await update(ctx, (c) => takePromise(c, promise, now));
      const until = endOfGrace(promise.date, policy.promiseToPay.graceDays, ctx.profile.item.timeZone);
      return step(ctx, 'PAUSE', until, { resumeStage: next });
    }
    case 'DISPUTE':
      if (!ctx.kase.item.dispute || ctx.kase.item.dispute.resolvedAt) {
        await update(ctx, (c) => {
          if (c.dispute) c.disputeHistory = [...(c.disputeHistory ?? []), c.dispute];
          c.dispute = { openedAt: isoUtc(now) };
        });
      }
      return step(ctx, 'HOLD', now, { resumeStage: next });
    case 'PLAN_AGREED': {
      const proposal = result.plan ?? { instalments: [] };
      if (ctx.kase.item.plan?.proposedAt !== isoUtc(now))
        await update(ctx, (c) => proposePlan(c, proposal, policy, now, ctx.profile.item.timeZone));
      return step(ctx, 'SIGN', now, { resumeStage: next });
    }
    case 'HARDSHIP':
      // The offer went out with this record: escalation pauses until the hardship deadline.
      if (!activeHardship(ctx.kase.item))
        await update(ctx, (c) => hearHardship(c, policy, now, 'CALL', true));
      return nextStageStep(ctx, stage.id);
    case 'NO_ANSWER':
      return retryCall(ctx, stage, result);
    default:
      return nextStageStep(ctx, stage.id);
  }
}
