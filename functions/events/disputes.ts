import { close } from '../domain/case.js';
import { isoUtc } from '../domain/clock.js';
import { type EventsDeps, type Handlers, onLoan, recall } from './apply.js';

/**
 * A dispute holds the ladder (no contact of any kind) until it is resolved; upheld, it closes the
 * case. Opening one withdraws the task the execution waits on (onLoan), so no agent calls meanwhile.
 * A dispute resolved earlier is kept in the case's history: the compliance check reads every hold.
 */
export const disputeHandlers = (deps: EventsDeps): Handlers<'DisputeOpened' | 'DisputeResolved'> => ({
  DisputeOpened: (d) =>
    onLoan(deps, d.loanId, (c, now) => {
      if (c.status !== 'ACTIVE') return 'CASE_CLOSED';
      if (c.dispute && !c.dispute.resolvedAt) return 'DISPUTE_ALREADY_OPEN';
      if (c.dispute) c.disputeHistory = [...(c.disputeHistory ?? []), c.dispute];
      c.dispute = {
        openedAt: isoUtc(now),
        ...(d.reason ? { reason: d.reason } : {}),
        ...(d.document ? { document: d.document } : {}),
      };
      return undefined;
    }),
  DisputeResolved: (d) =>
    onLoan(deps, d.loanId, (c, now) => {
      if (!c.dispute || c.dispute.resolvedAt) return 'NO_OPEN_DISPUTE';
      c.dispute = { ...c.dispute, resolvedAt: isoUtc(now), inFavourOf: d.inFavourOf };
      if (d.inFavourOf === 'borrower') {
        close(c, 'CLOSED', 'DISPUTE_UPHELD', now);
        recall(c, 'DISPUTE_UPHELD', now);
      }
      return undefined;
    }),
});
