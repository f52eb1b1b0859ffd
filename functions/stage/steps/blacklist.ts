import { notSevere } from '../../domain/blacklist.js';
import { daysPastDue } from '../../domain/case.js';
import { isoUtc } from '../../domain/clock.js';
import { noticeCountsFrom, noticeGate, type Step } from '../../domain/decide.js';
import { ValidationError } from '../../domain/errors.js';
import { fromMinor } from '../../domain/money.js';
import type { Stage } from '../../domain/policy.js';
import { owedNow } from '../contact.js';
import { type Ctx, type Prior, update } from '../context.js';
import { nextStageStep, step } from '../flow.js';
import { record } from '../record.js';
import { handover, keepAssumedNotice } from './handover.js';

/**
 * A serious defaulter is shared on the policy's industry blacklist (domain/blacklist.ts): only after
 * the blacklist notice counts (delivered, or assumed by the policy) and its `noticeDays` have passed,
 * and only at the policy's severity. A loan that is not serious enough is recorded NOT_REPORTED with
 * the reason; a missing notice is recorded BLOCKED, as a credit report's is. As every handover, it
 * publishes first, then records, then changes the case (handover.ts), and a retry replays the record.
 */
export async function reportToBlacklist(ctx: Ctx, stage: Stage, replay: Prior | undefined): Promise<Step> {
  const { policy, kase, profile, now } = ctx;
  const blacklist = policy.blacklist;
  if (!blacklist)
    throw new ValidationError(`stage ${stage.id}: policy ${policy.id} has no blacklist section`);
  const held = noticeGate('BLACKLIST_REPORT', kase.item, blacklist.noticeDays, now, policy);
  if (held?.status === 'DEFERRED' && held.until) return step(ctx, 'WAIT', held.until);
  const counted = noticeCountsFrom(kase.item, 'BLACKLIST_REPORT', policy, now);
  const dpd = daysPastDue(kase.item, now, profile.item.timeZone);
  const owed = owedNow(ctx).totalMinor;
  const minor = held ? undefined : notSevere(blacklist, kase.item.currency, owed, dpd);
  const reported = !held && !minor;
  const facts = {
    registry: blacklist.registry,
    daysPastDue: dpd,
    balance: fromMinor(owed, kase.item.currency),
  };
  if (reported && !replay?.recorded)
    await ctx.deps.bus.publish('BlacklistReportRequested', {
      ...handover(ctx),
      daysPastDue: dpd,
      registry: blacklist.registry,
    });
  await record(ctx, {
    type: 'HANDOVER',
    stage: stage.id,
    attempts: [],
    detail: held
      ? { report: 'BLOCKED', reason: held.reason, ...facts }
      : minor
        ? { report: 'NOT_REPORTED', reason: minor, ...facts }
        : { report: 'BLACKLIST', notice: counted?.basis ?? 'DELIVERED', ...facts },
  });
  if (reported && !ctx.kase.item.blacklist) {
    const reportKey = handover(ctx).idempotencyKey;
    await update(ctx, (c) => {
      c.blacklist ??= { reportedAt: isoUtc(now), reportKey, registry: blacklist.registry };
    });
  }
  await keepAssumedNotice(ctx, 'BLACKLIST_REPORT', counted);
  return nextStageStep(ctx, stage.id);
}
