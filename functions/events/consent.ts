import type { BorrowerProfile, ProfileChange } from '../domain/case.js';
import { isoUtc } from '../domain/clock.js';
import { type EventsDeps, type Handlers, onBorrower, withdrawAndWake } from './apply.js';

/** Appends to the profile's change log (what the compliance check reads). */
export const logChange = (p: BorrowerProfile, change: ProfileChange) => {
  p.changes = [...(p.changes ?? []), change];
};

/**
 * Consent per channel: the newer of an opt-out and an opt-in wins, whatever order they arrive in;
 * at the same instant the opt-out wins (in doubt, do not contact). Neither may be dated ahead of the
 * receiver's clock (functions/events/core.ts refuses it), so an upstream opt-in can never outrank a
 * STOP the borrower sends later. An opt-out of calls also takes back any call task waiting for an
 * agent. A verified contact point is one a policy that requires verification may use.
 */
export const consentHandlers = (
  deps: EventsDeps,
): Handlers<'BorrowerOptedOut' | 'BorrowerOptedIn' | 'ContactPointVerified'> => ({
  BorrowerOptedOut: async (d) => {
    const result = await onBorrower(deps, d.borrowerId, (p, now) => {
      const optedIn = p.optIns?.[d.channel];
      if (optedIn !== undefined && Date.parse(optedIn) > Date.parse(d.at)) return 'OPTED_IN_SINCE';
      p.optOuts[d.channel] ??= d.at;
      logChange(p, { type: 'OPT_OUT', channel: d.channel, at: d.at, recordedAt: isoUtc(now) });
      return undefined;
    });
    if (result.applied && d.channel === 'CALL') {
      for (const c of result.view?.cases ?? []) {
        if (c.item.status === 'ACTIVE' && c.item.openTask?.queue === 'agent-calls')
          await withdrawAndWake(deps, c.item, 'WITHDRAWN', 'OPTED_OUT_CALL');
      }
    }
    return result;
  },
  BorrowerOptedIn: (d) =>
    onBorrower(deps, d.borrowerId, (p, now) => {
      const optedOut = p.optOuts[d.channel];
      if (optedOut !== undefined && Date.parse(optedOut) >= Date.parse(d.at)) return 'OPTED_OUT_SINCE';
      delete p.optOuts[d.channel];
      const last = p.optIns?.[d.channel];
      if (last === undefined || Date.parse(last) < Date.parse(d.at))
        p.optIns = { ...p.optIns, [d.channel]: d.at };
      logChange(p, { type: 'OPT_IN', channel: d.channel, at: d.at, recordedAt: isoUtc(now) });
      return undefined;
    }),
  ContactPointVerified: (d) =>
    onBorrower(deps, d.borrowerId, (p) => {
      p.contactPoints[d.channel] = { verified: true };
    }),
});
