import { caseKey } from '../domain/case.js';
import { isoUtc } from '../domain/clock.js';
import type { LedgerHead } from '../domain/decide.js';
import { ConcurrentUpdateError } from '../domain/errors.js';
import { chain, type LedgerContent, type LedgerRecord, type SendReceipt, wentOut } from '../domain/ledger.js';
import type { Ctx, Prior } from './context.js';

/*
 * Retries never send twice, at no cost to a step that succeeds first time (README: "Retries never
 * send twice"). A step's ledger record is the next seq after the head it was given, so an
 * earlier attempt of the same step leaves one of two traces: the record itself (it was written and
 * the answer lost: read, only when the state machine says this is a retry, with one Query), or a
 * send receipt in the borrower's partition (it sent, then failed to write the record: read by the
 * Query every step makes anyway). Either way the step replays that attempt, as of its time, instead
 * of deciding and sending again. A conflict on the ledger seq is resolved the same way.
 */

/** What a step records; the rest of the ledger record comes from the request and the policy. */
export type Content = Omit<
  LedgerContent,
  'ledgerId' | 'loanId' | 'cycle' | 'at' | 'policyId' | 'policyVersion' | 'rulePackId' | 'rulePackVersion'
>;

/**
 * The ledger head as this step leaves it when it records nothing new: including the record an
 * earlier attempt of the step already wrote, so the next step appends after it, not over it.
 */
export const headOf = (ctx: Ctx): LedgerHead =>
  ctx.head.seq === ctx.req.step.ledger.seq && ctx.prior?.recorded
    ? { seq: ctx.prior.recorded.seq, hash: ctx.prior.recorded.hash }
    : ctx.head;

/** The earlier attempt's trace, when it was this kind of record for this stage. */
export const replayOf = (ctx: Ctx, type: LedgerContent['type'], stage: string): Prior | undefined =>
  ctx.prior?.type === type && ctx.prior.stage === stage ? ctx.prior : undefined;

/** The record continuing `head` was already written by an earlier attempt of this step. */
const sameStep = (existing: LedgerRecord | undefined, rec: LedgerRecord): existing is LedgerRecord =>
  existing !== undefined &&
  existing.prevHash === rec.prevHash &&
  existing.type === rec.type &&
  existing.stage === rec.stage;

/**
 * Takes the record an earlier attempt of this step wrote as this step's own. Handing it to the writer
 * again seals it, in case that attempt died between its append and its seal (the same record is an
 * idempotent append: see functions/ledger-writer/core.ts).
 */
async function adopt(ctx: Ctx, existing: LedgerRecord): Promise<void> {
  await ctx.deps.writer.append(existing, { adopt: true });
  ctx.head = { seq: existing.seq, hash: existing.hash };
  await noteMessages(ctx, existing);
}

/**
 * Appends the step's record after `head`, or adopts the one an earlier attempt of this step wrote.
 * When the append fails after something was sent, the sends are kept as a receipt for the retry.
 */
export async function record(ctx: Ctx, content: Content): Promise<void> {
  const { req, policy, deps } = ctx;
  const rec = chain(ctx.head, {
    ledgerId: caseKey(req.loanId, req.cycle),
    loanId: req.loanId,
    cycle: req.cycle,
    at: isoUtc(ctx.now),
    policyId: policy.id,
    policyVersion: policy.version,
    rulePackId: policy.rules.id,
    rulePackVersion: policy.rules.version,
    ...content,
  });
  if (sameStep(ctx.prior?.recorded, rec)) return adopt(ctx, ctx.prior.recorded);
  try {
    await deps.writer.append(rec);
  } catch (error) {
    if (error instanceof ConcurrentUpdateError) {
      // The seq is taken: by this step's earlier attempt whose answer was lost (adopt it), or not.
      const existing = await deps.ledger.get(rec.ledgerId, rec.seq);
      if (sameStep(existing, rec)) return adopt(ctx, existing);
    }
    const sent = content.attempts.some((a) => wentOut(a.status));
    if (sent && !ctx.prior?.receipt) {
      const receipt: SendReceipt = {
        loanId: req.loanId,
        cycle: req.cycle,
        seq: rec.seq,
        at: rec.at,
        type: content.type,
        stage: content.stage,
        attempts: content.attempts,
        ...(content.detail ? { detail: content.detail } : {}),
      };
      // Best effort: if this fails too, the original error is the one worth reporting.
      await deps.cases.saveReceipt(req.borrowerId, receipt).catch(() => undefined);
    }
    throw error;
  }
  deps.observe?.(rec);
  ctx.head = { seq: rec.seq, hash: rec.hash };
  await noteMessages(ctx, rec);
}

/**
 * Notes which loan each message of the record belongs to, so its delivery report (which names only
 * the provider's message id, or the letter's key) reaches the loan (functions/delivery). Idempotent:
 * a replayed step notes the same messages again.
 */
async function noteMessages(ctx: Ctx, rec: LedgerRecord): Promise<void> {
  const noticeFor = ctx.policy.stages.find((s) => s.id === rec.stage)?.noticeFor;
  for (const a of rec.attempts) {
    if (!wentOut(a.status) || !a.providerRef || !['SMS', 'EMAIL', 'LETTER'].includes(a.channel)) continue;
    await ctx.deps.cases.saveMessageRef({
      ref: a.providerRef,
      borrowerId: ctx.req.borrowerId,
      loanId: rec.loanId,
      cycle: rec.cycle,
      stage: rec.stage,
      channel: a.channel,
      seq: rec.seq,
      sentAt: rec.at,
      policyId: rec.policyId,
      policyVersion: rec.policyVersion,
      rulePackId: rec.rulePackId,
      rulePackVersion: rec.rulePackVersion,
      ...(noticeFor ? { noticeFor } : {}),
    });
  }
}
