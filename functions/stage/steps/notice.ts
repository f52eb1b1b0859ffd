import { isoUtc } from '../../domain/clock.js';
import type { Step } from '../../domain/decide.js';
import type { Stage } from '../../domain/policy.js';
import { contact, decide } from '../contact.js';
import { type Ctx, type Prior, update } from '../context.js';
import { nextStageStep, step } from '../flow.js';
import { record } from '../record.js';

/** A notice stage: send (or replay what was sent), record it, and note an advance notice once sent. */
export async function sendNotice(ctx: Ctx, stage: Stage, replay: Prior | undefined): Promise<Step> {
  const attempts = replay?.attempts ?? (await contact(ctx, stage, stage.template ?? '', decide(ctx, stage)));
  await record(ctx, { type: 'CONTACT', stage: stage.id, attempts });
  const deferredUntil = attempts.find((a) => a.status === 'DEFERRED')?.deferredUntil;
  if (deferredUntil) return step(ctx, 'WAIT', Date.parse(deferredUntil));
  const noticeFor = stage.noticeFor;
  if (noticeFor && attempts.some((a) => a.status === 'SENT') && !ctx.kase.item.notices[noticeFor]) {
    await update(ctx, (c) => {
      c.notices[noticeFor] = isoUtc(ctx.now);
    });
  }
  return nextStageStep(ctx, stage.id);
}
