import { describe, expect, it } from 'vitest';
import type { CaseRecord } from '../../functions/domain/case.js';
import { noticeCountsFrom, noticeGate } from '../../functions/domain/decide.js';

/** When an advance notice counts, and what the gate says before and after (hand-written instants). */
const base = {
  notices: {},
  noticesSent: { FIELD_VISIT: { at: '2026-12-10T01:00:00.000Z', refs: ['m-1', 'm-2'] } },
};
const c = (extra: Partial<CaseRecord> = {}) => ({ ...base, ...extra }) as unknown as CaseRecord;
const confirmed = { noticeDelivery: { letterTransitDays: 3, assumeDeliveredAfterHours: null } };
const assumed = { noticeDelivery: { letterTransitDays: 3, assumeDeliveredAfterHours: 6 } };
const t = (iso: string) => Date.parse(iso);

describe('notices count from their delivery', () => {
  it('no notice at all is blocked; sent and not reported is deferred for a day, then blocked', () => {
    expect(
      noticeGate('FIELD_VISIT', c({ noticesSent: {} }), 2, t('2026-12-12T01:00:00Z'), confirmed),
    ).toEqual({
      status: 'BLOCKED',
      reason: 'NO_FIELD_VISIT_NOTICE',
    });
    expect(noticeGate('FIELD_VISIT', c(), 2, t('2026-12-11T00:59:59.999Z'), confirmed)).toEqual({
      status: 'DEFERRED',
      reason: 'FIELD_VISIT_NOTICE_DELIVERY_PENDING',
      until: t('2026-12-11T01:00:00Z'),
    });
    expect(noticeGate('FIELD_VISIT', c(), 2, t('2026-12-11T01:00:00Z'), confirmed)).toEqual({
      status: 'BLOCKED',
      reason: 'FIELD_VISIT_NOTICE_NOT_DELIVERED',
    });
  });

  it('delivered: the wait runs from the delivery, to the millisecond', () => {
    const delivered = c({ notices: { FIELD_VISIT: '2026-12-10T01:00:30.000Z' } });
    expect(noticeGate('FIELD_VISIT', delivered, 2, t('2026-12-12T01:00:29.999Z'), confirmed)).toEqual({
      status: 'DEFERRED',
      reason: 'FIELD_VISIT_NOTICE_PERIOD',
      until: t('2026-12-12T01:00:30Z'),
    });
    expect(noticeGate('FIELD_VISIT', delivered, 2, t('2026-12-12T01:00:30Z'), confirmed)).toBeUndefined();
  });

  it("the policy's assumption counts a notice hours after it was sent, unless every send of it bounced", () => {
    expect(noticeCountsFrom(c(), 'FIELD_VISIT', assumed, t('2026-12-10T06:59:59Z'))).toBeUndefined();
    expect(noticeCountsFrom(c(), 'FIELD_VISIT', assumed, t('2026-12-10T07:00:00Z'))).toEqual({
      at: t('2026-12-10T07:00:00Z'),
      basis: 'ASSUMED',
    });
    const oneBounced = c({
      noticesSent: { FIELD_VISIT: { ...base.noticesSent.FIELD_VISIT, undelivered: ['m-1'] } },
    });
    expect(noticeCountsFrom(oneBounced, 'FIELD_VISIT', assumed, t('2026-12-11T00:00:00Z'))?.basis).toBe(
      'ASSUMED',
    );
    const allBounced = c({
      noticesSent: { FIELD_VISIT: { ...base.noticesSent.FIELD_VISIT, undelivered: ['m-1', 'm-2'] } },
    });
    expect(noticeCountsFrom(allBounced, 'FIELD_VISIT', assumed, t('2026-12-11T00:00:00Z'))).toBeUndefined();
    expect(noticeGate('FIELD_VISIT', allBounced, 0, t('2026-12-10T02:00:00Z'), assumed)).toEqual({
      status: 'BLOCKED',
      reason: 'FIELD_VISIT_NOTICE_NOT_DELIVERED',
    });
  });
});
