import { describe, expect, it } from 'vitest';
import type { ProfileChange } from '../../functions/domain/case.js';
import { brief, check, email, kase, letter, numbered, profile, rec, sms, visit } from './fixtures.js';

/**
 * The rules that judge a SENT attempt by the state at its time, at their edges. Expected results are
 * written out by hand: `<loan> <seq> <rule id> <channel>`.
 */
const zoneChanges = (timeZone: string): ProfileChange[] => [
  { type: 'TIME_ZONE', timeZone, recordedAt: '2026-01-01T00:00:00.000Z' },
];

describe('contact hours', () => {
  it('CN: 21:59:59 Shanghai is inside, 22:00:00 is not; 08:00:00 is inside, 07:59:59 is not', () => {
    const records = numbered([
      rec('2026-12-11T13:59:59Z', [sms()]), // 21:59:59
      rec('2026-12-11T14:00:00Z', [sms()]), // 22:00:00
      rec('2026-12-11T15:30:00Z', [email()]), // 23:30
      rec('2026-12-11T23:59:59Z', [sms()]), // 07:59:59 next day
      rec('2026-12-12T00:00:00Z', [sms()]), // 08:00:00
    ]);
    const found = check({ records });
    expect(brief(found)).toEqual([
      'L-1 2 CN_CONTACT_HOURS SMS',
      'L-1 3 CN_CONTACT_HOURS EMAIL',
      'L-1 4 CN_CONTACT_HOURS SMS',
    ]);
    expect(found[1]).toMatchObject({
      loanId: 'L-1',
      cycle: 1,
      seq: 3,
      rule: 'CONTACT_HOURS',
      rulePackId: 'CN',
      rulePackVersion: '2026.3',
      at: '2026-12-11T15:30:00Z',
      detail: 'EMAIL at 2026-12-11 23:30:00 Asia/Shanghai, outside 08:00-22:00',
    });
  });

  it('US in New York on the clock-change days: 08:00 and 21:00 local move in UTC', () => {
    const us = { rulePackId: 'US', rulePackVersion: '2026.1' };
    const records = numbered([
      rec('2027-03-13T12:30:00Z', [sms()], us), // Sat 07:30 EST: early
      rec('2027-03-14T12:30:00Z', [sms()], us), // Sun 08:30 EDT: fine
      rec('2027-03-15T00:59:59Z', [sms()], us), // Sun 20:59:59 EDT: fine
      rec('2027-03-15T01:00:00Z', [sms()], us), // Sun 21:00:00 EDT: late
      rec('2027-11-06T12:30:00Z', [sms()], us), // Sat 08:30 EDT: fine
      rec('2027-11-07T12:30:00Z', [sms()], us), // Sun 07:30 EST: early
      rec('2027-11-08T01:59:59Z', [sms()], us), // Sun 20:59:59 EST: fine
    ]);
    const world = { records, profiles: [profile('B-1', 'America/New_York')] };
    expect(brief(check(world))).toEqual([
      'L-1 1 US_CONTACT_HOURS SMS',
      'L-1 4 US_CONTACT_HOURS SMS',
      'L-1 6 US_CONTACT_HOURS SMS',
    ]);
  });

  it('+05:30 (Kolkata): 07:59:59 is early, 08:00 is not; letters and visits keep to the window too', () => {
    const records = numbered([
      rec('2026-12-11T02:29:59Z', [letter()], { stage: 'D+15' }), // 07:59:59 IST
      rec('2026-12-11T02:30:00Z', [letter()], { stage: 'D+16' }), // 08:00:00 IST
      rec('2026-12-06T02:30:00Z', [sms()], { stage: 'D+28', type: 'CONTACT' }), // the visit notice
      rec('2026-12-11T17:00:00Z', [visit()], { stage: 'D+30' }), // 22:30 IST
    ]);
    const world = { records, profiles: [profile('B-1', 'Asia/Kolkata')] };
    expect(brief(check(world))).toEqual(['L-1 1 CN_CONTACT_HOURS LETTER', 'L-1 4 CN_CONTACT_HOURS VISIT']);
  });

  it("a lender's override (version +lender) is read from the record's policy", () => {
    const lender = { policyId: 'strict', rulePackVersion: '2026.3+lender' };
    const records = numbered([
      rec('2026-12-11T00:30:00Z', [sms()], lender), // 08:30: inside CN, before the lender's 09:00
      rec('2026-12-11T12:00:00Z', [sms()], lender), // 20:00: the lender's end
      rec('2026-12-11T11:59:00Z', [sms()], lender), // 19:59
    ]);
    const found = check({ records });
    expect(brief(found)).toEqual(['L-1 1 CN_CONTACT_HOURS SMS', 'L-1 2 CN_CONTACT_HOURS SMS']);
    expect(found[0]?.rulePackVersion).toBe('2026.3+lender');
    expect(found[1]?.detail).toContain('outside 09:00-20:00');
  });

  it('judges each record in the zone the borrower had when it was made', () => {
    const moved = profile('B-1', 'America/New_York', {
      changes: [
        ...zoneChanges('Asia/Shanghai'),
        { type: 'TIME_ZONE', timeZone: 'America/New_York', recordedAt: '2026-12-12T00:00:00.000Z' },
      ],
    });
    const records = numbered([
      rec('2026-12-11T01:00:00Z', [sms()]), // 09:00 Shanghai (20:00 New York): fine then
      rec('2026-12-12T01:00:00Z', [sms()]), // 20:00 New York: fine for CN
      rec('2026-12-12T04:00:00Z', [sms()]), // 23:00 New York
    ]);
    expect(brief(check({ records, profiles: [moved] }))).toEqual(['L-1 3 CN_CONTACT_HOURS SMS']);
  });
});

describe('opt-out', () => {
  const optOut = (at: string, recordedAt = at, channel: 'SMS' | 'EMAIL' | 'CALL' = 'SMS'): ProfileChange => ({
    type: 'OPT_OUT',
    channel,
    at,
    recordedAt,
  });
  const optIn = (at: string, recordedAt = at): ProfileChange => ({
    type: 'OPT_IN',
    channel: 'SMS',
    at,
    recordedAt,
  });
  const withChanges = (...changes: ProfileChange[]) =>
    profile('B-1', 'Asia/Shanghai', { changes: [...zoneChanges('Asia/Shanghai'), ...changes] });

  it('binds from its receipt: a send before the opt-out arrived is fine, one at or after it is not', () => {
    // Said at 10:00 (UTC 02:00), received at 11:00 (03:00).
    const borrower = withChanges(optOut('2026-12-11T02:00:00.000Z', '2026-12-11T03:00:00.000Z'));
    const records = numbered([
      rec('2026-12-11T02:30:00Z', [sms()]), // after it was said, before it was received
      rec('2026-12-11T03:00:00Z', [sms()]), // the instant it was received
      rec('2026-12-11T03:00:00Z', [email()]), // another channel
    ]);
    const found = check({ records, profiles: [borrower] });
    expect(brief(found)).toEqual(['L-1 2 CN_OPTED_OUT SMS']);
    expect(found[0]?.detail).toBe(
      'SMS at 2026-12-11T03:00:00Z: SMS opted out since 2026-12-11T03:00:00.000Z',
    );
  });

  it('at the same instant an opt-out beats an opt-in; a later opt-in reopens the channel', () => {
    const tie = withChanges(optIn('2026-12-11T02:00:00.000Z'), optOut('2026-12-11T02:00:00.000Z'));
    const tieReversed = withChanges(optOut('2026-12-11T02:00:00.000Z'), optIn('2026-12-11T02:00:00.000Z'));
    const records = [rec('2026-12-11T02:30:00Z', [sms()])];
    expect(brief(check({ records, profiles: [tie] }))).toEqual(['L-1 1 CN_OPTED_OUT SMS']);
    expect(brief(check({ records, profiles: [tieReversed] }))).toEqual(['L-1 1 CN_OPTED_OUT SMS']);

    const reopened = withChanges(optOut('2026-12-11T02:00:00.000Z'), optIn('2026-12-11T04:00:00.000Z'));
    const later = numbered([rec('2026-12-11T03:59:59Z', [sms()]), rec('2026-12-11T04:00:00Z', [sms()])]);
    expect(brief(check({ records: later, profiles: [reopened] }))).toEqual(['L-1 1 CN_OPTED_OUT SMS']);
  });

  it('covers calls; letters and visits have no opt-out', () => {
    const borrower = withChanges(
      optOut('2026-12-11T02:00:00.000Z', '2026-12-11T02:00:00.000Z', 'CALL'),
      optOut('2026-12-11T02:00:00.000Z', '2026-12-11T02:00:00.000Z', 'EMAIL'),
    );
    const records = numbered([
      rec('2026-12-11T03:00:00Z', [{ channel: 'CALL', status: 'SENT', outcome: 'REACHED' }], {
        stage: 'D+7',
      }),
      rec('2026-12-11T03:00:00Z', [email(), letter()], { stage: 'D+15' }),
    ]);
    expect(brief(check({ records, profiles: [borrower] }))).toEqual([
      'L-1 1 CN_OPTED_OUT CALL',
      'L-1 2 CN_OPTED_OUT EMAIL',
    ]);
  });

  it('without a change log, the current opt-out counts from its own time', () => {
    const borrower = profile('B-1', 'Asia/Shanghai', { optOuts: { SMS: '2026-12-11T02:00:00.000Z' } });
    delete borrower.changes;
    const records = numbered([rec('2026-12-11T01:59:59Z', [sms()]), rec('2026-12-11T02:00:00Z', [sms()])]);
    expect(brief(check({ records, profiles: [borrower] }))).toEqual(['L-1 2 CN_OPTED_OUT SMS']);
  });

  it('ignores BLOCKED, DEFERRED and FAILED attempts: only what was sent is judged', () => {
    const borrower = withChanges(optOut('2026-12-11T02:00:00.000Z'));
    const records = [
      rec('2026-12-11T15:00:00Z', [
        { channel: 'SMS', status: 'BLOCKED', reason: 'OPTED_OUT_SMS' },
        { channel: 'EMAIL', status: 'DEFERRED', reason: 'CN_CONTACT_HOURS' },
        { channel: 'EMAIL', status: 'FAILED', reason: 'BOUNCED' },
      ]),
    ];
    expect(check({ records, profiles: [borrower] })).toEqual([]);
  });
});

describe('dispute, closure, special status', () => {
  it('a dispute holds from just after it opens until it is resolved, the earlier ones included', () => {
    const disputed = kase('L-1', 'B-1', {
      disputeHistory: [{ openedAt: '2026-12-11T02:00:00.000Z', resolvedAt: '2026-12-12T02:00:00.000Z' }],
      dispute: { openedAt: '2026-12-13T02:00:00.000Z' },
    });
    const records = numbered([
      rec('2026-12-11T02:00:00Z', [sms()]), // the instant it opened: the send came first
      rec('2026-12-11T03:00:00Z', [sms()]), // open
      rec('2026-12-12T02:00:00Z', [sms()]), // the instant it was resolved
      rec('2026-12-12T03:00:00Z', [sms()]), // resolved, then a send: fine
      rec('2026-12-13T02:00:01Z', [sms()]), // the current one, never resolved
    ]);
    const found = check({ records, cases: [disputed] });
    expect(brief(found)).toEqual(['L-1 2 CN_DISPUTE_OPEN SMS', 'L-1 5 CN_DISPUTE_OPEN SMS']);
    expect(found[1]?.detail).toBe('SMS at 2026-12-13T02:00:01Z: dispute open since 2026-12-13T02:00:00.000Z');
  });

  it('nothing is sent after the case closed; a handover record is not a contact', () => {
    const closed = kase('L-1', 'B-1', {
      status: 'CURED',
      closedReason: 'PAID',
      closedAt: '2026-12-11T02:00:00.000Z',
    });
    const records = numbered([
      rec('2026-12-11T02:00:00Z', [sms()]),
      rec('2026-12-11T02:00:00.001Z', [sms()]),
      rec('2026-12-12T02:00:00Z', [], { type: 'HANDOVER', stage: 'D+60', detail: { placement: 'AGENCY' } }),
    ]);
    const found = check({ records, cases: [closed] });
    expect(brief(found)).toEqual(['L-1 2 CN_AFTER_CLOSURE SMS']);
    expect(found[0]?.detail).toBe(
      'SMS at 2026-12-11T02:00:00.001Z: case CURED since 2026-12-11T02:00:00.000Z',
    );
  });

  it('a deceased, bankrupt, defrauded or erased borrower is not contacted once Ladder knows', () => {
    const status = (s: 'DECEASED' | 'BANKRUPT' | 'FRAUD_VICTIM' | 'ERASED', at: string, recordedAt = at) =>
      profile('B-1', 'Asia/Shanghai', {
        changes: [...zoneChanges('Asia/Shanghai'), { type: 'STATUS', status: s, at, recordedAt }],
      });
    const records = numbered([
      rec('2026-12-11T02:00:00Z', [sms()]),
      rec('2026-12-11T02:30:00Z', [sms()]),
      rec('2026-12-11T03:00:01Z', [sms()]),
    ]);
    expect(brief(check({ records, profiles: [status('DECEASED', '2026-12-11T02:00:00.000Z')] }))).toEqual([
      'L-1 2 CN_SPECIAL_STATUS SMS',
      'L-1 3 CN_SPECIAL_STATUS SMS',
    ]);
    // Bankrupt since 10:00, but Ladder learned it at 11:00: only the send after 11:00 broke the rule.
    const late = status('BANKRUPT', '2026-12-11T02:00:00.000Z', '2026-12-11T03:00:00.000Z');
    const found = check({ records, profiles: [late] });
    expect(brief(found)).toEqual(['L-1 3 CN_SPECIAL_STATUS SMS']);
    expect(found[0]?.detail).toBe(
      'SMS at 2026-12-11T03:00:01Z: borrower BANKRUPT since 2026-12-11T03:00:00.000Z',
    );
    expect(brief(check({ records, profiles: [status('ERASED', '2026-12-11T02:59:00.000Z')] }))).toEqual([
      'L-1 3 CN_SPECIAL_STATUS SMS',
    ]);
  });
});

describe('what cannot be judged, and the window', () => {
  it('a SENT record without a case or a known zone is UNVERIFIABLE, not clean', () => {
    const records = numbered([rec('2026-12-11T02:00:00Z', [sms(), email()], { loanId: 'L-9' })]);
    expect(brief(check({ records }))).toEqual(['L-9 1 CN_UNVERIFIABLE SMS', 'L-9 1 CN_UNVERIFIABLE EMAIL']);
    const lost = profile('B-1', 'Mars/Olympus', { changes: [] });
    const found = check({ records: [rec('2026-12-11T02:00:00Z', [sms()])], profiles: [lost] });
    expect(found.map((v) => v.detail)).toEqual([
      'SMS at 2026-12-11T02:00:00Z: unknown time zone "Mars/Olympus"',
    ]);
  });

  it('checks only records in [since, until), yet counts earlier ones as history', () => {
    const records = numbered([
      rec('2026-12-10T15:00:00Z', [sms()]), // 23:00 the day before: outside the window
      rec('2026-12-11T15:00:00Z', [sms()]), // 23:00, inside
      rec('2026-12-12T15:00:00Z', [sms()]), // until is exclusive
    ]);
    const window = { since: Date.parse('2026-12-11T00:00:00Z'), until: Date.parse('2026-12-12T15:00:00Z') };
    expect(brief(check({ records }, window))).toEqual(['L-1 2 CN_CONTACT_HOURS SMS']);
  });
});

describe('what is not a record', () => {
  it('is left to the ledger audit (which reports it unreadable); the rest is still judged', () => {
    const junk = [null, { ledgerId: 'L-1#1' }, { ...rec('2026-12-11T15:00:00Z', []), attempts: 'SMS' }];
    const records = [...junk, rec('2026-12-11T15:00:00Z', [sms()], { seq: 2 })] as never[];
    expect(brief(check({ records }))).toEqual(['L-1 2 CN_CONTACT_HOURS SMS']);
  });
});
