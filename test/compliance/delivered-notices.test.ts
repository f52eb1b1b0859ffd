import { describe, expect, it } from 'vitest';
import { checkCompliance } from '../../functions/compliance/check.js';
import type { LedgerRecord } from '../../functions/domain/ledger.js';
import { brief, kase, letter, numbered, policies, profile, rec, sms, visit } from './fixtures.js';

/**
 * By default a notice counts from its delivery as the loan's delivery chain reports it (the ladder's
 * own rule since delivery truth): a visit two days after a notice delivered 30 seconds after it was
 * sent is 30 seconds early; a bounced notice counts not at all; a letter counts from its dispatch
 * plus the policy's transit days (3 in the default policy).
 */
const SENT_AT = '2027-01-07T01:00:00.000Z'; // 09:00 Shanghai
const notice = (attempts = [sms({ providerRef: 'n-1' })]) => rec(SENT_AT, attempts, { stage: 'D+28' });
const visitAt = (at: string) => rec(at, [visit()], { stage: 'D+30' });
const report = (ref: string, status: string, reportedAt: string): LedgerRecord =>
  rec(reportedAt, [{ channel: 'SMS', status: status as 'DELIVERED', providerRef: ref }], {
    ledgerId: 'L-1#1#deliveries',
    type: 'DELIVERY',
    stage: 'D+28',
    detail: { reportedAt, contactSeq: 1 },
  });
const judge = (records: LedgerRecord[]) =>
  brief(checkCompliance({ records, profiles: [profile()], cases: [kase()] }, { policies }));

describe('notices count from their delivery (the delivery chain)', () => {
  it('48 hours after the delivery is enough; 48 hours after the sending is 30 seconds too early', () => {
    const delivered = report('n-1', 'DELIVERED', '2027-01-07T01:00:30.000Z');
    expect(judge([...numbered([notice(), visitAt('2027-01-09T01:00:30.000Z')]), delivered])).toEqual([]);
    expect(judge([...numbered([notice(), visitAt('2027-01-09T01:00:00.000Z')]), delivered])).toEqual([
      'L-1 2 CN_NO_NOTICE VISIT',
    ]);
  });

  it('a notice reported undelivered, or never reported, does not count', () => {
    const visitLater = visitAt('2027-01-12T01:00:00.000Z');
    const bounced = report('n-1', 'UNDELIVERED', '2027-01-07T01:00:30.000Z');
    expect(judge([...numbered([notice(), visitLater]), bounced])).toEqual(['L-1 2 CN_NO_NOTICE VISIT']);
    expect(judge(numbered([notice(), visitLater]))).toEqual(['L-1 2 CN_NO_NOTICE VISIT']);
  });

  it('a letter counts three days after its dispatch', () => {
    const dispatched = { ...report('l-1', 'DISPATCHED', '2027-01-08T01:00:00.000Z') };
    dispatched.attempts = [{ channel: 'LETTER', status: 'DISPATCHED', providerRef: 'l-1' }];
    const records = (visitTime: string) => [
      ...numbered([notice([letter({ providerRef: 'l-1' })]), visitAt(visitTime)]),
      dispatched,
    ];
    // Dispatched 09:00 on the 8th, counts from 09:00 on the 11th, two days' notice: the 13th, 09:00.
    expect(judge(records('2027-01-13T01:00:00.000Z'))).toEqual([]);
    expect(judge(records('2027-01-13T00:59:59.000Z'))).toEqual(['L-1 2 CN_NO_NOTICE VISIT']);
  });
});
