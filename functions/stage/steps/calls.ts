import { callOfTask, connectedOutcome, withCall } from '../../domain/calls.js';
import { type CallRecord, spacedStageTime } from '../../domain/case.js';
import { isoUtc } from '../../domain/clock.js';
import type { Step } from '../../domain/decide.js';
import type { Stage } from '../../domain/policy.js';
import { type Ctx, type HumanResult, update } from '../context.js';
import { nextStageStep, step } from '../flow.js';

/**
 * Completes a call the agent made in both logs the caps read: the borrower's profile (caps per debtor
 * and per debt) and the phone line's (caps per number). Its task entered it when it opened (pending);
 * now it has its outcome and time. A replay of the step finds it already completed.
 */
export async function countCall(ctx: Ctx, result: HumanResult): Promise<void> {
  const { req, now, deps } = ctx;
  const call: CallRecord = {
    at: isoUtc(now),
    loanId: req.loanId,
    connected: connectedOutcome(result.outcome),
    borrowerId: req.borrowerId,
    ...(result.taskId ? { taskId: result.taskId } : {}),
  };
  const done = (calls: readonly CallRecord[]) => {
    const entry =
      callOfTask(calls, result.taskId) ?? calls.find((c) => c.at === call.at && c.loanId === call.loanId);
    return entry !== undefined && !entry.pending;
  };
  const p = ctx.profile.item;
  if (!done(p.calls)) {
    const item = { ...p, calls: withCall(p.calls, call, now) };
    ctx.profile = { item, rev: await deps.cases.saveProfile(item, ctx.profile.rev) };
  }
  if (!p.lineId) return;
  const line = await deps.cases.lineCalls(p.lineId);
  if (line && done(line.item.calls)) return;
  await deps.cases.saveLineCalls(
    { lineId: p.lineId, calls: withCall(line?.item.calls ?? [], call, now) },
    line?.rev,
  );
}

/**
 * A call task that ended without an outcome (timed out, or withdrawn): its reserved call stays counted,
 * as an unanswered one at the time it was reserved (the agent may have dialled), no longer pending.
 */
export async function settleCall(ctx: Ctx, taskId: string): Promise<void> {
  const { deps, now } = ctx;
  const settle = (calls: readonly CallRecord[]) => {
    const entry = callOfTask(calls, taskId);
    return entry?.pending ? withCall(calls, { ...entry, pending: false, connected: false }, now) : undefined;
  };
  const p = ctx.profile.item;
  const calls = settle(p.calls);
  if (calls)
    ctx.profile = {
      item: { ...p, calls },
      rev: await deps.cases.saveProfile({ ...p, calls }, ctx.profile.rev),
    };
  if (!p.lineId) return;
  const line = await deps.cases.lineCalls(p.lineId);
  const lineCalls = line && settle(line.item.calls);
  if (line && lineCalls) await deps.cases.saveLineCalls({ lineId: p.lineId, calls: lineCalls }, line.rev);
}

/**
 * A call not answered is tried again the next day at the stage time (the task opens again, under the
 * contact window and the call caps), until the stage's attempts are made; then the ladder moves on.
 * Each call task is counted once, however often its outcome's step is retried.
 */
export async function retryCall(ctx: Ctx, stage: Stage, result: Pick<HumanResult, 'taskId'>): Promise<Step> {
  const taskId = result.taskId ?? `seq-${ctx.req.step.ledger.seq}`;
  const tries = ctx.kase.item.callTries?.[stage.id] ?? [];
  if (!tries.includes(taskId))
    await update(ctx, (c) => {
      c.callTries = { ...c.callTries, [stage.id]: [...tries, taskId] };
    });
  const made = ctx.kase.item.callTries?.[stage.id]?.length ?? 1;
  if (stage.kind !== 'AGENT_CALL' || made >= stage.attempts) return nextStageStep(ctx, stage.id);
  const tomorrow = spacedStageTime(ctx.policy, ctx.kase.item, ctx.now, ctx.profile.item.timeZone);
  return step(ctx, 'WAIT', tomorrow);
}
