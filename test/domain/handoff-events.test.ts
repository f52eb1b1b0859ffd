import { describe, expect, it } from 'vitest';
import type { CaseRecord } from '../../functions/domain/case.js';
import { handoffEvents, placedWithAgency } from '../../functions/domain/handoff-events.js';
import { at, caseRecord } from './fixtures.js';

/**
 * What the world outside is told after a change to a case (issue 14, item 4), from hand-built cases
 * before and after: every expected event is written out, with its idempotency key.
 */
const NOW = at('2027-03-12T04:00:00.000Z');
const NOW_ISO = '2027-03-12T04:00:00.000Z';
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

/**
 * After handoff (DOMAIN.md): a payment during placement is reported to the agency, one during
 * litigation to legal, each payment once; a plan proposed after the legal handoff goes to legal; the
 * change that recalls the account asks the agency to return it. ¥3,000.00 owed; P-1 (¥200.00) was
 * known before the change, P-2 (¥500.00) is new.
 *
 * Survivor judged equivalent (handoff-events.ts, cleared): `c.status === 'CLOSED'` mutated to true.
 * Only an upheld dispute sets closedReason DISPUTE_UPHELD, and it closes the case (CLOSED) in the same
 * step (functions/events/disputes.ts), so no case carries that reason in another status.
 */
describe('updates to whoever holds the account', () => {
  const placed = { agency: { placedAt: '2027-02-07T01:00:00.000Z' } };
  const p1 = { ...payment, paymentId: 'P-1', amountMinor: 20_000 };
  const p2 = { ...payment, paymentId: 'P-2', amountMinor: 50_000 };

  it('placed with an agency means placed and not recalled', () => {
    expect(placedWithAgency(caseRecord(placed))).toBe(true);
    expect(placedWithAgency(caseRecord({ agency: { ...placed.agency, recalledAt: NOW_ISO } }))).toBe(false);
    expect(placedWithAgency(caseRecord())).toBe(false);
  });

  it('a payment while placed: the agency is told the new payment only, with the amount and what is still owed', () => {
    const before = caseRecord({ ...placed, payments: [p1] });
    const after = caseRecord({ ...placed, payments: [p1, p2] });
    expect(events(before, after, 230_000)).toEqual([
      {
        type: 'AccountUpdateRequested',
        detail: {
          ...base,
          balance: '2300.00',
          recipient: 'AGENCY',
          change: 'PAYMENT',
          amount: '500.00',
          idempotencyKey: 'L-1#1#PAYMENT#P-2',
        },
      },
    ]);
  });

  it('a payment after the agency was recalled, or on a loan never placed, tells no one', () => {
    const recalled = { agency: { ...placed.agency, recalledAt: '2027-03-01T00:00:00.000Z' } };
    expect(
      events(
        caseRecord({ ...recalled, payments: [p1] }),
        caseRecord({ ...recalled, payments: [p1, p2] }),
        230_000,
      ),
    ).toEqual([]);
    expect(events(caseRecord({ payments: [p1] }), caseRecord({ payments: [p1, p2] }), 230_000)).toEqual([]);
  });

  it('a plan proposed after the legal handoff goes to legal, the new one only, with its total', () => {
    const first = { at: '2027-03-01T02:00:00.000Z', totalMinor: 250_000 };
    const second = { at: '2027-03-12T03:30:00.000Z', totalMinor: 280_000 };
    const before = caseRecord({ status: 'HANDED_OVER', forwardedToLegal: [first] });
    const after = caseRecord({ status: 'HANDED_OVER', forwardedToLegal: [first, second] });
    expect(events(before, after, 300_000)).toEqual([
      {
        type: 'AccountUpdateRequested',
        detail: {
          ...base,
          balance: '3000.00',
          recipient: 'LEGAL',
          change: 'PLAN_PROPOSED',
          amount: '2800.00',
          idempotencyKey: 'L-1#1#PLAN#2027-03-12T03:30:00.000Z',
        },
      },
    ]);
    // The first plan forwarded: nothing before it.
    expect(
      events(caseRecord({ status: 'HANDED_OVER' }), before, 300_000).map((e) => e.detail.idempotencyKey),
    ).toEqual(['L-1#1#PLAN#2027-03-01T02:00:00.000Z']);
  });

  it('the change that recalls the account asks the agency to return it, once, after telling it of the payment', () => {
    const before = caseRecord({ ...placed, amountDueMinor: 300_000, paidMinor: 250_000, payments: [p1] });
    const after = caseRecord({
      amountDueMinor: 300_000,
      paidMinor: 300_000,
      status: 'CURED',
      payments: [p1, p2],
      agency: { ...placed.agency, recalledAt: NOW_ISO, recallReason: 'PAID' },
    });
    expect(events(before, after, 0)).toEqual([
      {
        type: 'AccountUpdateRequested',
        detail: {
          ...base,
          balance: '0.00',
          recipient: 'AGENCY',
          change: 'PAYMENT',
          amount: '500.00',
          idempotencyKey: 'L-1#1#PAYMENT#P-2',
        },
      },
      {
        type: 'AgencyRecallRequested',
        detail: { ...base, balance: '0.00', reason: 'PAID', idempotencyKey: 'L-1#1#RECALL' },
      },
    ]);
    // Already recalled before this change: no second recall.
    expect(events(after, structuredClone(after), 0)).toEqual([]);
  });
});
