import { isoUtc } from '../../domain/clock.js';
import { gate, type Step } from '../../domain/decide.js';
import type { Stage } from '../../domain/policy.js';
import { contact, decide, SMS_THEN_EMAIL } from '../contact.js';
import { type Ctx, type Prior, update } from '../context.js';
import { gateStep, step } from '../flow.js';
import { record } from '../record.js';

/**
 * Hardship was heard (a reply or an event) while the ladder waited: the first stage that comes due
 * sends the plan offer instead (plan.offerTemplate, through the same consent, window, cap and
 * one-voice gates as a notice), records it against that stage, and the ladder pauses until the
 * hardship deadline (functions/domain/hardship.ts). A retry finishes the offer an earlier attempt sent.
 */
export async function offerForHardship(ctx: Ctx, stage: Stage, replay: Prior | undefined): Promise<Step> {
  const { policy } = ctx;
  const attempts =
    replay?.attempts ??
    (await contact(ctx, SMS_THEN_EMAIL, policy.plan.offerTemplate, decide(ctx, SMS_THEN_EMAIL)));
  await record(ctx, { type: 'CONTACT', stage: stage.id, attempts, detail: { plan: 'OFFERED_FOR_HARDSHIP' } });
  const deferredUntil = attempts.find((a) => a.status === 'DEFERRED')?.deferredUntil;
  if (deferredUntil) return step(ctx, 'WAIT', Date.parse(deferredUntil));
  await update(ctx, (c) => {
    if (c.hardship && !c.hardship.offeredAt) c.hardship.offeredAt = isoUtc(ctx.now);
  });
  const g = gate(policy, ctx.kase.item, ctx.profile.item);
  // Paused until the deadline; should nothing hold any more, the stage itself runs again now.
  return g ? gateStep(ctx, g, stage.id) : step(ctx, 'WAIT', ctx.now);
}
