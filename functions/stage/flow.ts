import {
  type CaseRecord,
  close,
  localDaysBetween,
  pendingPromise,
  spacedStageTime,
  stageTime,
} from '../domain/case.js';
import { isoUtc } from '../domain/clock.js';
import { type Gate, MAX_WAIT_MS, type Outcome, type Step } from '../domain/decide.js';
import { activeHardship } from '../domain/hardship.js';
import { nextStage } from '../domain/policy.js';
import { type Ctx, update } from './context.js';
import { headOf } from './record.js';

/** The Step the state machine acts on: this step's outcome, when to wake (capped) and the ledger head. */
export const step = (ctx: Ctx, outcome: Outcome, wakeAt: number, extra: Partial<Step> = {}): Step => ({
  outcome,
  stage: ctx.req.stage ?? ctx.req.step.stage,
  wakeAt: isoUtc(Math.min(wakeAt, ctx.now + MAX_WAIT_MS)),
  resumeStage: ctx.req.step.resumeStage,
  ledger: headOf(ctx),
  continueAt: '',
  pauseSeconds: 1,
  ...extra,
});

/** The stage a pause or hold names on its ledger records: the one it resumes at, else the step's own. */
export const pausedStage = (ctx: Ctx): string => ctx.req.step.resumeStage || ctx.req.step.stage;

/**
 * When the stage after `stageId` is due ('' and now when the ladder has no further stage): at its own
 * time, and no sooner than the policy's spacing after this stage (`spaced`: false after a stage that
 * was skipped, which contacted nobody).
 */
export const nextStageStep = (ctx: Ctx, stageId: string, spaced = true): Step => {
  const next = nextStage(ctx.policy, stageId);
  const zone = ctx.profile.item.timeZone;
  const own = next ? stageTime(ctx.policy, ctx.kase.item, next, zone) : ctx.now;
  const earliest = next && spaced ? spacedStageTime(ctx.policy, ctx.kase.item, ctx.now, zone) : ctx.now;
  return step(ctx, 'NEXT', Math.max(own, earliest, ctx.now), { stage: stageId, resumeStage: '' });
};

/** Routes a gate: terminal, hold, or a pause that resumes at `resumeStage`. */
export const gateStep = async (ctx: Ctx, g: Gate, resumeStage: string): Promise<Step> => {
  if (g.outcome === 'HOLD' || g.outcome === 'SIGN') return step(ctx, g.outcome, ctx.now, { resumeStage });
  // A hardship pause (no promise pending: a promise's pause is a plain Wait) waits on a task token, so an
  // agent's handling or a plan or promise can end it before its deadline (functions/human-task/core.ts).
  if (g.outcome === 'PAUSE' && !pendingPromise(ctx.kase.item) && activeHardship(ctx.kase.item)) {
    const until = Math.min(g.until, ctx.now + MAX_WAIT_MS);
    const pauseSeconds = Math.max(1, Math.ceil((until - ctx.now) / 1000));
    return step(ctx, 'HARDSHIP', until, { resumeStage, pauseSeconds });
  }
  if (g.outcome === 'PAUSE' || g.outcome === 'PLAN') return step(ctx, g.outcome, g.until, { resumeStage });
  // A specialist status or an erasure ends the ladder while the case is still ACTIVE: record why, so
  // the case does not read as open once its execution has ended.
  if (g.outcome === 'CLOSED' && ctx.kase.item.status === 'ACTIVE') {
    await update(ctx, (c) => close(c, 'CLOSED', g.reason, ctx.now));
  }
  return step(ctx, g.outcome, ctx.now);
};

/** After a pause or hold: move the remaining stages later so `resumeStage` is due now, gaps kept. */
export async function resume(ctx: Ctx, resumeStage: string, mutate?: (c: CaseRecord) => void) {
  const c: CaseRecord = structuredClone(ctx.kase.item);
  mutate?.(c);
  const stage = resumeStage ? ctx.policy.stages.find((s) => s.id === resumeStage) : undefined;
  if (stage) {
    const late = localDaysBetween(
      stageTime(ctx.policy, c, stage, ctx.profile.item.timeZone),
      ctx.now,
      ctx.profile.item.timeZone,
    );
    if (late > 0) c.shiftDays += late;
  }
  await ctx.deps.cases.saveCase(c, ctx.kase.rev);
  return step(ctx, 'RESUME', ctx.now, { resumeStage });
}
