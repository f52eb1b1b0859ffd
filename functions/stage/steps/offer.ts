import { DateTime } from 'luxon';
import { renderAgreement } from '../../domain/agreement.js';
import { daysPastDue, type SettlementOffer } from '../../domain/case.js';
import { isoUtc } from '../../domain/clock.js';
import type { Step } from '../../domain/decide.js';
import { wentOut } from '../../domain/ledger.js';
import { fromMinor, toMinor } from '../../domain/money.js';
import type { Stage } from '../../domain/policy.js';
import { offerAmountMinor, offerBand } from '../../domain/policy-money.js';
import { zone } from '../../domain/zone.js';
import { contact, decide, moneyDetail, noteAcknowledged, owedNow } from '../contact.js';
import { type Ctx, type Prior, update } from '../context.js';
import { nextStageStep, step } from '../flow.js';
import { record } from '../record.js';
import { resumesAt } from './signature.js';

/** The offer's terms as of the step's time: the first band that fits, or none. */
function terms(ctx: Ctx): Omit<SettlementOffer, 'agreement'> | undefined {
  const { kase, policy, profile, now } = ctx;
  const owed = owedNow(ctx).totalMinor;
  const band = offerBand(
    policy.settlement,
    daysPastDue(kase.item, now, profile.item.timeZone),
    owed,
    kase.item.currency,
  );
  if (!band) return undefined;
  const validUntil = DateTime.fromMillis(now, { zone: zone(profile.item.timeZone) })
    .plus({ days: band.validDays })
    .toISODate() as string;
  return {
    amountMinor: offerAmountMinor(owed, band.discountBasisPoints),
    balanceMinor: owed,
    madeAt: isoUtc(now),
    validUntil,
    paidAtOfferMinor: kase.item.paidMinor,
  };
}

/** The terms an earlier attempt of this step offered, from its record or receipt. */
function replayed(ctx: Ctx, replay: Prior): SettlementOffer | undefined {
  const d = replay.detail;
  if (typeof d?.settlementAmount !== 'string' || typeof d.agreement !== 'string') return undefined;
  const currency = ctx.kase.item.currency;
  return {
    amountMinor: toMinor(d.settlementAmount, currency),
    balanceMinor: toMinor(String(d.balance), currency),
    madeAt: replay.at,
    validUntil: String(d.validUntil),
    paidAtOfferMinor: ctx.kase.item.paidMinor,
    agreement: { key: d.agreement, sha256: String(d.agreementSha256) },
  };
}

/**
 * A one-time lump-sum settlement offer, by the policy's bands (days past due, amount owed), under the
 * same consent, hours and caps as any notice. The offer's terms are stored with the evidence before
 * anything is sent (a retry stores them again, never sends again: record.ts), and the record names
 * them by key and SHA-256. No band fits, or an offer was made already: the ladder goes on.
 */
export async function offerSettlement(ctx: Ctx, stage: Stage, replay: Prior | undefined): Promise<Step> {
  const earlier = replay ? replayed(ctx, replay) : undefined;
  const offer = earlier ?? (ctx.kase.item.offer ? undefined : terms(ctx));
  if (!replay && !offer) return nextStageStep(ctx, stage.id);
  let agreement = earlier?.agreement;
  if (!replay && offer) {
    const doc = renderAgreement(
      ctx.kase.item,
      { kind: 'OFFER', offer },
      ctx.policy,
      ctx.profile.item.locale,
      resumesAt(ctx),
      offer.madeAt,
    );
    const where = await ctx.deps.evidence.put(doc.key, doc.json, doc.document);
    agreement = { key: where.document, sha256: doc.sha256 };
  }
  const currency = ctx.kase.item.currency;
  const attempts =
    replay?.attempts ??
    (await contact(ctx, stage, stage.template ?? '', decide(ctx, stage), {
      money: { settlementAmount: offer?.amountMinor ?? 0 },
      dates: { offerExpires: offer?.validUntil ?? '' },
    }));
  const made =
    attempts.some((a) => wentOut(a.status)) && offer && agreement ? { ...offer, agreement } : undefined;
  const detail = replay
    ? replay.detail
    : {
        ...moneyDetail(ctx, attempts),
        ...(made
          ? {
              offer: 'SETTLEMENT',
              settlementAmount: fromMinor(made.amountMinor, currency),
              balance: fromMinor(made.balanceMinor, currency),
              validUntil: made.validUntil,
              agreement: made.agreement.key,
              agreementSha256: made.agreement.sha256,
            }
          : {}),
      };
  await record(ctx, { type: 'CONTACT', stage: stage.id, attempts, ...(detail ? { detail } : {}) });
  await noteAcknowledged(ctx, detail);
  const deferredUntil = attempts.find((a) => a.status === 'DEFERRED')?.deferredUntil;
  if (deferredUntil) return step(ctx, 'WAIT', Date.parse(deferredUntil));
  if (made && !ctx.kase.item.offer) {
    await update(ctx, (c) => {
      c.offer = made;
    });
  }
  return nextStageStep(ctx, stage.id);
}
