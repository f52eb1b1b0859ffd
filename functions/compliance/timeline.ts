import type {
  BorrowerProfile,
  CaseRecord,
  ContactChannel,
  ProfileChange,
  SpecialStatus,
} from '../domain/case.js';

/**
 * What the borrower allowed and was at an instant, read from the profile's change log (each change
 * with when it says it happened, `at`, and when Ladder learned of it, `recordedAt`), and what the
 * case was (disputed, closed). Every time here is epoch milliseconds.
 */

type Consent = Extract<ProfileChange, { type: 'OPT_OUT' | 'OPT_IN' }>;
type StatusChange = Extract<ProfileChange, { type: 'STATUS' }>;

/**
 * A change binds from the later of `at` and `recordedAt`: nobody can honour an opt-out before it is
 * received, and a change dated after it was received (not accepted by the events handler, but a log
 * is data) binds from its own date.
 */
export const effectiveAt = (change: { at: string; recordedAt: string }): number =>
  Math.max(Date.parse(change.at), Date.parse(change.recordedAt));

/**
 * The borrower's zone at `t`: the newest TIME_ZONE change recorded by then. Intake logs the first
 * zone when it creates the profile, so a record before every change (none should exist) takes the
 * first; a profile without a log has only its current zone.
 */
export function zoneAt(profile: BorrowerProfile, t: number): string {
  const zones = (profile.changes ?? []).filter((c) => c.type === 'TIME_ZONE');
  let zone = zones[0]?.timeZone ?? profile.timeZone;
  for (const change of zones) if (Date.parse(change.recordedAt) <= t) zone = change.timeZone;
  return zone;
}

/**
 * Whether `channel` was opted out at `t`, and since when: the newest consent change for the channel
 * effective at or before `t` decides, and at the same instant an opt-out beats an opt-in (in doubt,
 * do not contact). Without log entries for the channel, the profile's current opt-out counts from
 * its `at`.
 */
export function optedOutSince(
  profile: BorrowerProfile,
  channel: ContactChannel,
  t: number,
): number | undefined {
  const log = (profile.changes ?? []).filter(
    (c): c is Consent => (c.type === 'OPT_OUT' || c.type === 'OPT_IN') && c.channel === channel,
  );
  if (log.length === 0) {
    const at = profile.optOuts[channel];
    return at !== undefined && Date.parse(at) <= t ? Date.parse(at) : undefined;
  }
  let decisive: Consent | undefined;
  for (const change of log) {
    if (effectiveAt(change) > t) continue;
    const newer = decisive === undefined || effectiveAt(change) > effectiveAt(decisive);
    const tieWon =
      decisive !== undefined && effectiveAt(change) === effectiveAt(decisive) && change.type === 'OPT_OUT';
    if (newer || tieWon) decisive = change;
  }
  return decisive?.type === 'OPT_OUT' ? effectiveAt(decisive) : undefined;
}

/**
 * The special status in effect strictly before `t` (deceased, bankrupt, fraud victim, erased), the
 * earliest one: no event takes a status back. A status without a log cannot be dated, so it is not
 * judged (the check reports what it can show).
 */
export function specialStatusBefore(
  profile: BorrowerProfile,
  t: number,
): { status: SpecialStatus; since: number } | undefined {
  const statuses = (profile.changes ?? []).filter((c): c is StatusChange => c.type === 'STATUS');
  let earliest: { status: SpecialStatus; since: number } | undefined;
  for (const change of statuses) {
    const since = effectiveAt(change);
    if (since < t && (earliest === undefined || since < earliest.since))
      earliest = { status: change.status, since };
  }
  return earliest;
}

/** The dispute of the case open at `t` (opened before, not resolved before or at `t`), if any. */
export function disputeOpenAt(kase: CaseRecord, t: number): { openedAt: string } | undefined {
  const disputes = [...(kase.disputeHistory ?? []), ...(kase.dispute ? [kase.dispute] : [])];
  return disputes.find(
    (d) => Date.parse(d.openedAt) < t && (d.resolvedAt === undefined || t < Date.parse(d.resolvedAt)),
  );
}

/** The case had left the ladder before `t`. */
export const closedBefore = (kase: CaseRecord, t: number): boolean =>
  kase.closedAt !== undefined && Date.parse(kase.closedAt) < t;
