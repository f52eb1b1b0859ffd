import { describe, expect, it } from 'vitest';
import type { CaseRecord } from '../../functions/domain/case.js';
import { handoffEvents } from '../../functions/domain/handoff-events.js';
import { at, caseRecord } from './fixtures.js';

/**
 * What the world outside is told after a change to a case (issue 14, item 4), from hand-built cases
 * before and after: every expected event is written out, with its idempotency key.
 */
const NOW = at('2027-03-12T04:00:00.000Z');
const reported = {
  bureauReport: { reportedAt: '2027-03-10T01:00:00.000Z', reportKey: 'L-1#1#11' },
  blacklist: { reportedAt: '2027-02-07T01:00:00.000Z', reportKey: 'L-1#1#9', registry: 'industry-shared' },
};
const base = { loanId: 'L-1', cycle: 1, borrowerId: 'B-1', currency: 'CNY' };
const payment = {
  paymentId: 'P-9',
  amountMinor: 50_000,
  paidAt: '2027-03-12T03:00:00.000Z',
  recordedAt: '2027-03-12T03:00:00.000Z',
};
const events = (before: CaseRecord, after: CaseRecord, owedMinor = 0) =>
  handoffEvents(before, after, owedMinor, NOW);

describe('handoffEvents', () => {
  it.each([
    ['CURED', 'PAID_IN_FULL', 'PAID'],
    ['SETTLED', 'PLAN_FULFILLED', 'SETTLED'],
    ['CLOSED', 'DISPUTE_UPHELD', 'DISPUTE_UPHELD'],
  ] as const)(
    'a case %s (%s) after both reports asks for the correction and the removal, reason %s',
    (status, closedReason, reason) => {
      const before = caseRecord(reported);
      const after = caseRecord({ ...reported, status, closedReason });
      expect(events(before, after)).toEqual([
        {
          type: 'CreditBureauCorrectionRequested',
          detail: {
            ...base,
            balance: '0.00',
            reason,
            reportKey: 'L-1#1#11',
            idempotencyKey: 'L-1#1#11#CORRECTION',
          },
        },
        {
          type: 'BlacklistRemovalRequested',
          detail: {
            ...base,
            balance: '0.00',
            registry: 'industry-shared',
            reason,
            reportKey: 'L-1#1#9',
            idempotencyKey: 'L-1#1#9#REMOVAL',
          },
        },
      ]);
      // The case now says both were asked, so the next change asks neither again.
      expect(after.bureauReport?.correctedAt).toBe('2027-03-12T04:00:00.000Z');
      expect(after.blacklist?.removalRequestedAt).toBe('2027-03-12T04:00:00.000Z');
      expect(events(after, structuredClone(after))).toEqual([]);
    },
  );

  it('a case closed for another reason, or still active, or handed over still owing, clears nothing', () => {
    const before = caseRecord(reported);
    expect(events(before, caseRecord({ ...reported, status: 'CLOSED', closedReason: 'ERASED' }))).toEqual([]);
    expect(events(before, caseRecord(reported), 300_000)).toEqual([]);
    expect(events(before, caseRecord({ ...reported, status: 'HANDED_OVER' }), 1)).toEqual([]);
  });

  it('paid in full with legal after the handoff: an update to legal, then the correction and the removal', () => {
    const before = caseRecord({ ...reported, status: 'HANDED_OVER' });
    const after = caseRecord({ ...reported, status: 'HANDED_OVER', payments: [payment] });
    expect(events(before, after).map((e) => [e.type, e.detail.idempotencyKey])).toEqual([
      ['AccountUpdateRequested', 'L-1#1#PAYMENT#P-9'],
      ['CreditBureauCorrectionRequested', 'L-1#1#11#CORRECTION'],
      ['BlacklistRemovalRequested', 'L-1#1#9#REMOVAL'],
    ]);
  });

  it('a case with only a blacklist entry asks only for its removal', () => {
    const only = { blacklist: reported.blacklist };
    expect(events(caseRecord(only), caseRecord({ ...only, status: 'CURED' })).map((e) => e.type)).toEqual([
      'BlacklistRemovalRequested',
    ]);
  });
});
