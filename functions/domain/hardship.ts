import type { CaseRecord, Hardship } from './case.js';
import { isoUtc } from './clock.js';
import type { LadderPolicy } from './policy.js';

const DAY = 24 * 3600 * 1000;

/**
 * Hardship is heard (DOMAIN.md: temporary inability to pay): a HardshipReported event, a reply the
 * intent table reads as hardship, or an agent's HARDSHIP call outcome pauses escalation for the
 * policy's hardship.pauseDays and brings the plan offer (plan.offerTemplate, under every contact gate),
 * so the borrower can choose a plan within the policy's plan rules. When the deadline passes without
 * a plan, a promise or a payment, escalation resumes where it stopped (the remaining stages move later
 * by the pause, as after a promise). A second report during the pause does not extend it; one after it
 * pauses again without a second offer.
 */
export const activeHardship = (c: CaseRecord): Hardship | undefined =>
  c.hardship && !c.hardship.endedAt && !c.hardship.handledAt ? c.hardship : undefined;

/** A pause not yet recorded as ended (one an agent handled still is, until the ladder records it). */
export const unendedHardship = (c: CaseRecord): Hardship | undefined =>
  c.hardship && !c.hardship.endedAt ? c.hardship : undefined;

/** Starts the pause unless one is running; `offered` when the offer already went out (a call's). */
export function hearHardship(
  c: CaseRecord,
  policy: Pick<LadderPolicy, 'hardship'>,
  now: number,
  source: Hardship['source'],
  offered = false,
): void {
  c.hardshipAt ??= isoUtc(now);
  if (activeHardship(c)) return;
  // Hardship heard again after a pause ended: a new pause, but the offer already made stands (the
  // borrower has it; sending the same offer again would be a duplicate message).
  const offeredAt = offered ? isoUtc(now) : c.hardship?.offeredAt;
  c.hardship = {
    source,
    reportedAt: isoUtc(now),
    until: isoUtc(now + policy.hardship.pauseDays * DAY),
    ...(offeredAt ? { offeredAt } : {}),
  };
}
