import { isoUtc } from '../../domain/clock.js';
import type { Step } from '../../domain/decide.js';
import { wentOut } from '../../domain/ledger.js';
import type { Stage } from '../../domain/policy.js';
import { contact, decide, moneyDetail, noteAcknowledged } from '../contact.js';
import { type Ctx, type Prior, update } from '../context.js';
import { nextStageStep, step } from '../flow.js';
import { record } from '../record.js';

/** A notice stage: send (or replay what was sent), record it, and note an advance notice once sent. */
export async function sendNotice(ctx: Ctx, stage: Stage, replay: Prior | undefined): Promise<Step> {
  const attempts = replay?.attempts ?? (await contact(ctx, stage, stage.template ?? '', decide(ctx, stage)));
  const detail = replay ? replay.detail : moneyDetail(ctx, attempts);
  await record(ctx, { type: 'CONTACT', stage: stage.id, attempts, ...(detail ? { detail } : {}) });
  await noteAcknowledged(ctx, detail);
  const deferredUntil = attempts.find((a) => a.status === 'DEFERRED')?.deferredUntil;
  if (deferredUntil) return step(ctx, 'WAIT', Date.parse(deferredUntil));
  // A notice counts from its delivery (functions/delivery): note what went out, to be reported on.
  // A visit notice another loan's message covered counts from that message's delivery (its ledger
  // record): the visit it announces is that loan's, which covers this one. A credit-report notice does
  // not: it must tell the borrower about this debt (征信业管理条例 art. 15), and the covering message is
  // about another; this loan's report then waits for a notice of its own (the independent check agrees).
  const noticeFor = stage.noticeFor;
  const covers = (status: string) => status === 'COVERED' && noticeFor === 'FIELD_VISIT';
  const refs = attempts
    .filter((a) => (wentOut(a.status) || covers(a.status)) && a.providerRef)
    .map((a) => a.providerRef as string);
  if (noticeFor && refs.length > 0 && !ctx.kase.item.noticesSent?.[noticeFor]) {
    await update(ctx, (c) => {
      c.noticesSent = { ...c.noticesSent, [noticeFor]: { at: isoUtc(ctx.now), refs } };
    });
  }
  return nextStageStep(ctx, stage.id);
}
