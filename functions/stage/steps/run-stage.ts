import { pendingPromise } from '../../domain/case.js';
import { gate, notYet, preDueExpired, type Step } from '../../domain/decide.js';
import { ValidationError } from '../../domain/errors.js';
import { placedWithAgency } from '../../domain/handoff-events.js';
import { activeHardship } from '../../domain/hardship.js';
import { stageById } from '../../domain/policy.js';
import type { Ctx } from '../context.js';
import { gateStep, step } from '../flow.js';
import { replayOf } from '../record.js';
import { reportToBlacklist } from './blacklist.js';
import { handToLegal, placeWithAgency, reportToBureau } from './handover.js';
import { offerForHardship } from './hardship.js';
import { sendNotice } from './notice.js';
import { offerSettlement } from './offer.js';
import { PLACED_WITH_AGENCY, skipStage } from './skip.js';

/** An automated stage is due: check the case as of now, then send the notice or hand the case over. */
export async function runStage(ctx: Ctx): Promise<Step> {
  const { policy, kase, profile, req, now } = ctx;
  const stage = stageById(policy, req.stage ?? '');
  // An earlier attempt of this step skipped the stage, or passed the checks below and acted: finish
  // what it started.
  const skipped = replayOf(ctx, 'SKIP', stage.id);
  if (skipped) return skipStage(ctx, stage, skipped);
  const message = stage.kind === 'NOTICE' || stage.kind === 'SETTLEMENT_OFFER';
  const replay = replayOf(ctx, message ? 'CONTACT' : 'HANDOVER', stage.id);
  if (replay?.detail?.plan === 'OFFERED_FOR_HARDSHIP') return offerForHardship(ctx, stage, replay);
  if (!replay) {
    const g = gate(policy, kase.item, profile.item);
    const hardship = activeHardship(kase.item);
    if (g?.outcome === 'PAUSE' && hardship && !hardship.offeredAt && !pendingPromise(kase.item))
      return offerForHardship(ctx, stage, undefined);
    if (g) return gateStep(ctx, g, stage.id);
    const wait = notYet(policy, kase.item, profile.item, stage, now);
    if (wait !== undefined) return step(ctx, 'WAIT', wait);
    if (preDueExpired(kase.item, profile.item, stage, now)) return skipStage(ctx, stage, undefined);
    if (
      message &&
      !stage.noticeFor &&
      policy.lenderNoticesWhilePlaced === 'STOP' &&
      placedWithAgency(kase.item)
    )
      return skipStage(ctx, stage, undefined, PLACED_WITH_AGENCY);
  }

  switch (stage.kind) {
    case 'NOTICE':
      return sendNotice(ctx, stage, replay);
    case 'SETTLEMENT_OFFER':
      return offerSettlement(ctx, stage, replay);
    case 'AGENCY_PLACEMENT':
      return placeWithAgency(ctx, stage, replay);
    case 'CREDIT_REPORT':
      return reportToBureau(ctx, stage, replay);
    case 'BLACKLIST_REPORT':
      return reportToBlacklist(ctx, stage, replay);
    case 'LEGAL_HANDOFF':
      return handToLegal(ctx, stage, replay);
    default:
      throw new ValidationError(`stage ${stage.id} is a human task; the human-task function opens it`);
  }
}
