import { isoUtc } from '../domain/clock.js';
import { insideLocalWindow, localMoment } from './local-time.js';
import { closedBefore, disputeOpenAt, optedOutSince, specialStatusBefore } from './timeline.js';
import type { AttemptRule, AttemptScope } from './types.js';

/**
 * The rules that judge one SENT attempt by the state at its time: the contact window, consent,
 * a dispute, the case's closure, a special status. Each returns a finding or nothing.
 */

/** "SMS at 2026-03-02T15:30:00.000Z": what every finding starts with. */
export const what = (s: Pick<AttemptScope, 'attempt' | 'record'>): string =>
  `${s.attempt.channel} at ${s.record.at}`;

/** Every channel the ladder uses keeps to the window, letters and visits included. */
export const contactHours: AttemptRule = (s) => {
  const local = localMoment(s.t, s.zone);
  const window = s.pack.contactWindow;
  if (insideLocalWindow(local.minuteOfDay, window)) return undefined;
  return {
    rule: 'CONTACT_HOURS',
    detail: `${s.attempt.channel} at ${local.date} ${local.time} ${s.zone}, outside ${window.start}-${window.end}`,
  };
};

const CONSENT_CHANNELS = new Set(['SMS', 'EMAIL', 'CALL']);

export const optedOut: AttemptRule = (s) => {
  const channel = s.attempt.channel;
  if (!CONSENT_CHANNELS.has(channel)) return undefined;
  const since = optedOutSince(s.profile, channel as 'SMS' | 'EMAIL' | 'CALL', s.t);
  if (since === undefined) return undefined;
  return { rule: 'OPTED_OUT', detail: `${what(s)}: ${channel} opted out since ${isoUtc(since)}` };
};

export const disputeOpen: AttemptRule = (s) => {
  const dispute = disputeOpenAt(s.kase, s.t);
  if (!dispute) return undefined;
  return { rule: 'DISPUTE_OPEN', detail: `${what(s)}: dispute open since ${dispute.openedAt}` };
};

export const afterClosure: AttemptRule = (s) => {
  if (!closedBefore(s.kase, s.t)) return undefined;
  return {
    rule: 'AFTER_CLOSURE',
    detail: `${what(s)}: case ${s.kase.status} since ${s.kase.closedAt}`,
  };
};

export const specialStatus: AttemptRule = (s) => {
  const status = specialStatusBefore(s.profile, s.t);
  if (!status) return undefined;
  return {
    rule: 'SPECIAL_STATUS',
    detail: `${what(s)}: borrower ${status.status} since ${isoUtc(status.since)}`,
  };
};
