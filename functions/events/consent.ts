import { type EventsDeps, type Handlers, onBorrower } from './apply.js';

/**
 * Consent per channel: the newer of an opt-out and an opt-in wins, whatever order they arrive in;
 * at the same instant the opt-out wins (in doubt, do not contact). A verified contact point is one
 * a policy that requires verification may use.
 */
export const consentHandlers = (
  deps: EventsDeps,
): Handlers<'BorrowerOptedOut' | 'BorrowerOptedIn' | 'ContactPointVerified'> => ({
  BorrowerOptedOut: (d) =>
    onBorrower(deps, d.borrowerId, (p) => {
      const optedIn = p.optIns?.[d.channel];
      if (optedIn !== undefined && Date.parse(optedIn) > Date.parse(d.at)) return 'OPTED_IN_SINCE';
      p.optOuts[d.channel] ??= d.at;
      return undefined;
    }),
  BorrowerOptedIn: (d) =>
    onBorrower(deps, d.borrowerId, (p) => {
      const optedOut = p.optOuts[d.channel];
      if (optedOut !== undefined && Date.parse(optedOut) >= Date.parse(d.at)) return 'OPTED_OUT_SINCE';
      delete p.optOuts[d.channel];
      const last = p.optIns?.[d.channel];
      if (last === undefined || Date.parse(last) < Date.parse(d.at))
        p.optIns = { ...p.optIns, [d.channel]: d.at };
      return undefined;
    }),
  ContactPointVerified: (d) =>
    onBorrower(deps, d.borrowerId, (p) => {
      p.contactPoints[d.channel] = { verified: true };
    }),
});
