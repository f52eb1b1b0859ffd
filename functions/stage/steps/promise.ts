import { endOfGrace, pendingPromise } from '../../domain/case.js';
import { isoUtc } from '../../domain/clock.js';
import { gate, type Step } from '../../domain/decide.js';
import { unendedHardship } from '../../domain/hardship.js';
import { fromMinor } from '../../domain/money.js';
import type { Ctx } from '../context.js';
import { gateStep, pausedStage, resume, step } from '../flow.js';
import { record } from '../record.js';

/**
 * A promise's date plus grace has come: kept or broken by the payments since, then escalation resumes.
 * A hardship pause wakes here too: at its deadline it ends (recorded) and escalation resumes.
 */
export async function checkPromise(ctx: Ctx): Promise<Step> {
  const { policy, kase, profile, now, req } = ctx;
  const promise = pendingPromise(kase.item);
  const hardship = unendedHardship(kase.item);
  const over = hardship && (now >= Date.parse(hardship.until) || hardship.handledAt !== undefined);
  if (!promise && hardship && over && kase.item.status === 'ACTIVE') {
    // The hardship pause ran out with no plan, promise or payment, or an agent handled the reply and
    // did not confirm hardship: escalation resumes where it stopped.
    await record(ctx, {
      type: 'HOLD',
      stage: pausedStage(ctx),
      attempts: [],
      detail: {
        hardship: 'PAUSE_ENDED',
        source: hardship.source,
        reportedAt: hardship.reportedAt,
        ...(hardship.handledAt ? { handledAt: hardship.handledAt } : {}),
      },
    });
    return resume(ctx, req.step.resumeStage, (c) => {
      if (c.hardship) c.hardship.endedAt = isoUtc(now);
    });
  }
  const g = gate(policy, kase.item, profile.item);
  if (g && !(g.outcome === 'PAUSE' && promise)) return gateStep(ctx, g, req.step.resumeStage);
  if (!promise) return resume(ctx, req.step.resumeStage);
  const until = endOfGrace(promise.date, policy.promiseToPay.graceDays, profile.item.timeZone);
  if (now < until) return step(ctx, 'WAIT', until);
  const kept = kase.item.paidMinor - promise.paidAtMakeMinor >= promise.amountMinor;
  const status = kept ? 'KEPT' : 'BROKEN';
  await record(ctx, {
    type: 'PROMISE',
    stage: pausedStage(ctx),
    attempts: [],
    detail: {
      promise: status,
      amount: fromMinor(promise.amountMinor, kase.item.currency),
      date: promise.date,
    },
  });
  return resume(ctx, req.step.resumeStage, (c) => {
    const p = pendingPromise(c);
    if (p) p.status = status;
  });
}
