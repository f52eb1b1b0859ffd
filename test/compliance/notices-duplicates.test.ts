import { describe, expect, it } from 'vitest';
import type { NoticeCounts } from '../../functions/compliance/types.js';
import type { LedgerRecord } from '../../functions/domain/ledger.js';
import { brief, check, email, kase, letter, numbered, profile, rec, sms, visit } from './fixtures.js';

/**
 * Advance notices (the default policy: the D+28 notice is for the field visit, 2 days before; the
 * D+76 notice for credit reporting, CN 0 days, US 14) and messages sent twice.
 */
const VISIT_AT = '2027-01-09T02:00:00.000Z'; // 10:00 Shanghai
const visitRecord = (extra: Partial<LedgerRecord> = {}) =>
  rec(VISIT_AT, [visit()], { stage: 'D+30', ...extra });
const notice = (at: string, attempts = [sms()], extra: Partial<LedgerRecord> = {}) =>
  rec(at, attempts, { stage: 'D+28', ...extra });

describe('field-visit notice', () => {
  it('a notice 48 hours before is enough; 47 hours 59 minutes is too late; none at all is a violation', () => {
    expect(check({ records: numbered([notice('2027-01-07T02:00:00.000Z'), visitRecord()]) })).toEqual([]);

    const late = check({ records: numbered([notice('2027-01-07T02:01:00.000Z'), visitRecord()]) });
    expect(brief(late)).toEqual(['L-1 2 CN_NO_NOTICE VISIT']);
    expect(late[0]?.detail).toBe(
      `VISIT at ${VISIT_AT}: the FIELD_VISIT notice counts from 2027-01-07T02:01:00.000Z, 47 h 59 min before; 2 day(s) required`,
    );

    const none = check({ records: [visitRecord()] });
    expect(none.map((v) => v.detail)).toEqual([
      `VISIT at ${VISIT_AT}: no FIELD_VISIT notice counts before it; 2 day(s) required`,
    ]);
  });

  it('a notice that was not SENT, or of another stage or loan cycle, does not count', () => {
    const blocked = notice('2027-01-06T02:00:00.000Z', [
      { channel: 'SMS', status: 'BLOCKED', reason: 'OPTED_OUT_SMS' },
    ]);
    const otherStage = rec('2027-01-06T02:00:00.000Z', [sms()], { stage: 'D+15' });
    const otherCycle = notice('2027-01-06T02:00:00.000Z', [sms()], { cycle: 2 });
    const records = numbered([blocked, otherStage, otherCycle, visitRecord()]);
    const cases = [kase('L-1'), kase('L-1', 'B-1', { cycle: 2 })];
    expect(brief(check({ records, cases }))).toEqual(['L-1 3 CN_NO_NOTICE VISIT']);
  });

  it('"notice delivered" plugs in: a notice counts from when the given function says', () => {
    // Once the ledger records deliveries, a notice counts from its DELIVERED record (here: detail).
    const delivered: NoticeCounts = (n, chain) => {
      const receipt = chain.find((r) => r.detail?.delivered === n.seq);
      return receipt ? Date.parse(receipt.at) : undefined;
    };
    const sentOnly = numbered([notice('2027-01-06T02:00:00.000Z'), visitRecord()]);
    expect(brief(check({ records: sentOnly }, { noticeCounts: delivered }))).toEqual([
      'L-1 2 CN_NO_NOTICE VISIT',
    ]);
    const deliveredLate = numbered([
      notice('2027-01-06T02:00:00.000Z'),
      rec('2027-01-07T03:00:00.000Z', [], { stage: 'D+28', detail: { delivered: 1 } }),
      visitRecord(),
    ]);
    expect(brief(check({ records: deliveredLate }, { noticeCounts: delivered }))).toEqual([
      'L-1 3 CN_NO_NOTICE VISIT',
    ]);
  });
});

describe('credit-report notice', () => {
  const report = (at: string, extra: Partial<LedgerRecord> = {}) =>
    rec(at, [], { type: 'HANDOVER', stage: 'D+90', detail: { report: 'CREDIT_BUREAU' }, ...extra });
  const creditNotice = (at: string, extra: Partial<LedgerRecord> = {}) =>
    rec(at, [email(), letter()], { stage: 'D+76', ...extra });

  it('US: 14 days (336 hours) between the notice and the first report', () => {
    const us = { rulePackId: 'US', rulePackVersion: '2026.1' };
    const ny = [profile('B-1', 'America/New_York')];
    const onTime = numbered([
      creditNotice('2027-03-01T14:00:00.000Z', us),
      report('2027-03-15T14:00:00.000Z', us),
    ]);
    expect(check({ records: onTime, profiles: ny })).toEqual([]);
    const early = numbered([
      creditNotice('2027-03-01T14:00:00.000Z', us),
      report('2027-03-15T13:59:59.999Z', us),
    ]);
    const found = check({ records: early, profiles: ny });
    expect(found).toEqual([
      {
        loanId: 'L-1',
        cycle: 1,
        seq: 2,
        rule: 'NO_NOTICE',
        ruleId: 'US_NO_NOTICE',
        rulePackId: 'US',
        rulePackVersion: '2026.1',
        at: '2027-03-15T13:59:59.999Z',
        detail:
          'credit-bureau report at 2027-03-15T13:59:59.999Z: the CREDIT_REPORT notice counts from 2027-03-01T14:00:00.000Z, 335 h 59 min before; 14 day(s) required',
      },
    ]);
  });

  it('CN: the notice itself, no wait; a report without one, or a report the bureau was not sent, differ', () => {
    const same = numbered([creditNotice('2027-02-24T01:00:00.000Z'), report('2027-02-24T01:00:00.000Z')]);
    expect(check({ records: same })).toEqual([]);
    expect(brief(check({ records: [report('2027-02-24T01:00:00.000Z')] }))).toEqual(['L-1 1 CN_NO_NOTICE']);
    // Held back by the ladder itself: not a report.
    const held = rec('2027-02-24T01:00:00.000Z', [], {
      type: 'HANDOVER',
      stage: 'D+90',
      detail: { report: 'BLOCKED', reason: 'NO_CREDIT_REPORT_NOTICE' },
    });
    expect(check({ records: [held] })).toEqual([]);
  });
});

describe('the same message twice', () => {
  it('two SENT attempts of one loan cycle with the same channel, template and stage: the second', () => {
    const records = numbered([
      rec('2026-12-11T01:00:00Z', [
        sms({ templateId: 'first-overdue' }),
        email({ templateId: 'first-overdue' }),
      ]),
      rec('2026-12-11T05:00:00Z', [sms({ templateId: 'first-overdue' })]),
      rec('2026-12-11T06:00:00Z', [sms({ templateId: 'first-overdue' })], { stage: 'D+3' }), // another stage
      rec('2026-12-11T06:00:00Z', [sms({ templateId: 'first-overdue' })], { cycle: 2 }), // another cycle
    ]);
    const found = check({ records, cases: [kase('L-1'), kase('L-1', 'B-1', { cycle: 2 })] });
    expect(brief(found)).toEqual(['L-1 2 CN_DUPLICATE_MESSAGE SMS']);
    expect(found[0]?.detail).toBe(
      'SMS at 2026-12-11T05:00:00Z: template first-overdue of stage D+1 already sent (seq 1 at 2026-12-11T01:00:00Z)',
    );
  });

  it('plan follow-ups differ by instalment; the same instalment twice is a duplicate', () => {
    const followUp = (at: string, instalment: number) =>
      rec(at, [sms({ templateId: 'plan-follow-up' })], {
        type: 'PLAN',
        stage: 'D+7',
        detail: { instalment },
      });
    const records = numbered([
      followUp('2027-01-01T02:00:00Z', 1),
      followUp('2027-02-01T02:00:00Z', 2),
      followUp('2027-02-01T03:00:00Z', 2),
    ]);
    expect(brief(check({ records }))).toEqual(['L-1 3 CN_DUPLICATE_MESSAGE SMS']);
  });

  it('a renegotiated plan numbers its instalments from 1 again: another agreement, not a duplicate', () => {
    const reminder = (at: string, agreement: string) =>
      rec(at, [sms({ templateId: 'instalment-reminder' })], {
        type: 'PLAN',
        stage: 'D+15',
        detail: { instalment: 1, agreement },
      });
    const records = numbered([
      reminder('2026-12-22T01:00:00Z', 'evidence/agreements/L-1/1/plan-1'),
      reminder('2027-03-17T01:00:00Z', 'evidence/agreements/L-1/1/plan-2'),
      reminder('2027-03-17T02:00:00Z', 'evidence/agreements/L-1/1/plan-2'),
    ]);
    expect(brief(check({ records }))).toEqual(['L-1 3 CN_DUPLICATE_MESSAGE SMS']);
  });

  it("the provider's message id twice is one message recorded twice; letters share the vendor's name", () => {
    const records = numbered([
      rec('2026-12-11T01:00:00Z', [sms({ providerRef: 'msg-1' }), letter()], { stage: 'D+15' }),
      rec('2026-12-11T02:00:00Z', [sms({ providerRef: 'msg-1' }), letter()], {
        stage: 'D+16',
        loanId: 'L-2',
      }),
    ]);
    const found = check({ records, cases: [kase('L-1'), kase('L-2')] });
    expect(brief(found)).toEqual(['L-2 1 CN_DUPLICATE_MESSAGE SMS']);
    expect(found[0]?.detail).toBe(
      "SMS at 2026-12-11T02:00:00Z: the provider's message id was already recorded (loan L-1 seq 1 at 2026-12-11T01:00:00Z)",
    );
  });
});
