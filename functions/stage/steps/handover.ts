import { owedAt } from '../../domain/balance.js';
import { caseKey, close, daysPastDue, type NoticeKind } from '../../domain/case.js';
import { isoUtc } from '../../domain/clock.js';
import { type NoticeCount, noticeCountsFrom, noticeGate, type Step } from '../../domain/decide.js';
import { buildEvidencePack, renderEvidenceDocument } from '../../domain/evidence.js';
import { placedWithAgency } from '../../domain/handoff-events.js';
import { fromMinor } from '../../domain/money.js';
import { agencyRecall } from '../../domain/outbound.js';
import type { Stage } from '../../domain/policy.js';
import { owedNow } from '../contact.js';
import { type Ctx, type Prior, update } from '../context.js';
import { nextStageStep, step } from '../flow.js';
import { record } from '../record.js';
import { notesForPack } from './evidence-notes.js';

/**
 * What an agency, the bureau or legal is told: identifiers and the balance, never contact details.
 * `idempotencyKey` is the ledger record the handover belongs to: a retry that publishes again
 * (the bus has no deduplication) carries the same key, so the receiver can drop the repeat.
 */
export const handover = (ctx: Ctx) => ({
  loanId: ctx.req.loanId,
  cycle: ctx.req.cycle,
  borrowerId: ctx.req.borrowerId,
  balance: fromMinor(owedNow(ctx).totalMinor, ctx.kase.item.currency),
  currency: ctx.kase.item.currency,
  idempotencyKey: `${caseKey(ctx.req.loanId, ctx.req.cycle)}#${ctx.req.step.ledger.seq + 1}`,
});

/*
 * Each handover publishes first, then records, then changes the case. A retry after a failed record
 * finds nothing written and publishes again (the idempotency key lets the receiver drop it); a retry
 * after a failed case write replays the record (no second publish) and writes the case. Recording
 * before closing matters most at legal handoff: a case closed first would make the retry stop at the
 * gate, and the ledger would never say where the evidence went.
 */

/** The account goes to a collection agency; the ladder goes on (a payment, a signed plan or an upheld dispute recalls it). */
export async function placeWithAgency(ctx: Ctx, stage: Stage, replay: Prior | undefined): Promise<Step> {
  if (!replay?.recorded) await ctx.deps.bus.publish('AgencyPlacementRequested', handover(ctx));
  await record(ctx, {
    type: 'HANDOVER',
    stage: stage.id,
    attempts: [],
    detail: { placement: 'AGENCY', balance: handover(ctx).balance },
  });
  if (!ctx.kase.item.agency) {
    await update(ctx, (c) => {
      c.agency = { placedAt: isoUtc(ctx.now) };
    });
  }
  return nextStageStep(ctx, stage.id);
}

/**
 * The arrears are reported to the credit bureau only after the advance notice, and after the pack's
 * waiting period (US Reg F: 14 days; CN 征信业管理条例 art. 15: the notice itself, no wait).
 */
export async function reportToBureau(ctx: Ctx, stage: Stage, replay: Prior | undefined): Promise<Step> {
  const { policy, kase, profile, now } = ctx;
  const held = noticeGate('CREDIT_REPORT', kase.item, policy.rules.creditReportNoticeDays, now, policy);
  if (held?.status === 'DEFERRED' && held.until) return step(ctx, 'WAIT', held.until);
  const counted = noticeCountsFrom(kase.item, 'CREDIT_REPORT', policy, now);
  if (!held && !replay?.recorded) {
    await ctx.deps.bus.publish('CreditBureauReportRequested', {
      ...handover(ctx),
      daysPastDue: daysPastDue(kase.item, now, profile.item.timeZone),
    });
  }
  await record(ctx, {
    type: 'HANDOVER',
    stage: stage.id,
    attempts: [],
    detail: held
      ? { report: 'BLOCKED', reason: held.reason }
      : { report: 'CREDIT_BUREAU', notice: counted?.basis ?? 'DELIVERED' },
  });
  if (!held && !ctx.kase.item.bureauReport) {
    const reportKey = handover(ctx).idempotencyKey;
    await update(ctx, (c) => {
      c.bureauReport ??= { reportedAt: isoUtc(now), reportKey };
    });
  }
  await keepAssumedNotice(ctx, 'CREDIT_REPORT', counted);
  return nextStageStep(ctx, stage.id);
}

/**
 * A notice the policy assumed delivered (no report came) is written down as counting from then, so
 * that the case, and so the evidence pack, says what the report relied on.
 */
export async function keepAssumedNotice(ctx: Ctx, kind: NoticeKind, counted: NoticeCount | undefined) {
  if (counted?.basis !== 'ASSUMED' || ctx.kase.item.notices[kind]) return;
  await update(ctx, (c) => {
    c.notices[kind] = isoUtc(counted.at);
    c.noticeBasis = { ...c.noticeBasis, [kind]: 'ASSUMED' };
  });
}

/** The end of the ladder: legal receives the evidence pack and the case is closed as handed over. */
export async function handToLegal(ctx: Ctx, stage: Stage, replay: Prior | undefined): Promise<Step> {
  const { kase, req, now, deps } = ctx;
  // The evidence pack is built from the ledger as stored (one Query) and the case as of now; a
  // replayed step stores and announces the same pack again (same key, same content).
  const records = (await deps.ledger.list(caseKey(req.loanId, req.cycle))).filter(
    (r) => r.seq <= req.step.ledger.seq,
  );
  const pack = buildEvidencePack(
    kase.item,
    records,
    isoUtc(now),
    (at) => owedAt(kase.item, ctx.policy, at, ctx.profile.item.timeZone),
    await notesForPack(ctx, records),
  );
  const where = await deps.evidence.put(
    `evidence/${req.loanId}/${req.cycle}`,
    `${JSON.stringify(pack, null, 2)}\n`,
    renderEvidenceDocument(pack),
  );
  // The agency is recalled at the handoff: legal holds the account from now on.
  if (placedWithAgency(kase.item))
    await deps.bus.publish('AgencyRecallRequested', agencyRecall(kase.item, 'LEGAL_HANDOFF'));
  if (!replay?.recorded) {
    await deps.bus.publish('LegalHandoffRequested', {
      ...handover(ctx),
      ledgerId: caseKey(req.loanId, req.cycle),
      evidencePack: where.json,
      evidenceDocument: where.document,
    });
  }
  await record(ctx, {
    type: 'HANDOVER',
    stage: stage.id,
    attempts: [],
    detail: { placement: 'LEGAL', evidencePack: where.json, ledgerVerified: pack.ledger.verified },
  });
  if (ctx.kase.item.status === 'ACTIVE')
    await update(ctx, (c) => {
      if (placedWithAgency(c))
        c.agency = {
          ...(c.agency as NonNullable<typeof c.agency>),
          recalledAt: isoUtc(now),
          recallReason: 'LEGAL_HANDOFF',
        };
      close(c, 'HANDED_OVER', 'LEGAL_HANDOFF', now);
    });
  return step(ctx, 'HANDED_OVER', now);
}
