import { describe, expect, it } from 'vitest';
import type { CallRecord } from '../../functions/domain/case.js';
import { callCapBlock, decideContacts } from '../../functions/domain/decide.js';
import { RULE_PACKS, resolveRulePack } from '../../functions/domain/rulepacks.js';
import { at, callBefore, callsBefore, DAY, HOUR, MINUTE, profile } from './fixtures.js';

/**
 * Every call cap of both packs at its edge. CN 2026.3: 6 unanswered calls a local day to one phone
 * number (counted over everyone who shares it: `lineCalls`), 3 connected calls a local day per debtor
 * (across loans). US 2026.1: 7 calls in a rolling 168 hours per debt, none within 7 x 24 hours after a
 * conversation about that debt. Times are written with the borrower's offset.
 */
const CN = RULE_PACKS.CN;
const US = RULE_PACKS.US;
const call = (iso: string, extra: Partial<CallRecord> = {}): CallRecord => ({
  at: iso,
  loanId: 'L',
  connected: false,
  ...extra,
});

describe('CN: at most 6 unanswered calls a local day to one number', () => {
  const now = at('2026-12-01T15:00:00+08:00');
  const shanghai = (calls: CallRecord[] = []) => profile({ borrowerId: 'B', calls });

  it('the 6th unanswered call of the day is allowed, the 7th is blocked', () => {
    expect(callCapBlock(CN, shanghai(callsBefore(now, 5, MINUTE)), 'L', now)).toBeUndefined();
    expect(callCapBlock(CN, shanghai(callsBefore(now, 6, MINUTE)), 'L', now)).toBe(
      'CN_UNANSWERED_CALLS_PER_DAY',
    );
  });

  it('two borrowers on one line share its 6: 3 calls each block the 7th, whoever it is for', () => {
    const line = [
      ...callsBefore(now, 3, HOUR, { borrowerId: 'B', loanId: 'L' }),
      ...callsBefore(now - 10 * MINUTE, 3, HOUR, { borrowerId: 'C', loanId: 'M' }),
    ];
    const own = line.filter((c) => c.borrowerId === 'B');
    expect(callCapBlock(CN, shanghai(own), 'L', now, line)).toBe('CN_UNANSWERED_CALLS_PER_DAY');
    expect(callCapBlock(CN, shanghai(own), 'L', now, line.slice(1))).toBeUndefined();
  });

  it('the line log, when given, is what counts (the profile alone when it is not)', () => {
    const six = callsBefore(now, 6, MINUTE);
    expect(callCapBlock(CN, shanghai(six), 'L', now, [])).toBeUndefined();
    expect(callCapBlock(CN, shanghai([]), 'L', now, six)).toBe('CN_UNANSWERED_CALLS_PER_DAY');
    expect(callCapBlock(CN, shanghai(six), 'L', now)).toBe('CN_UNANSWERED_CALLS_PER_DAY');
  });

  it("a local day starts at the borrower's midnight: 23:59 yesterday does not count, 00:00 today does", () => {
    const five = callsBefore(now, 5, MINUTE);
    const yesterday = call('2026-11-30T23:59:00+08:00');
    const midnight = call('2026-12-01T00:00:00+08:00');
    expect(callCapBlock(CN, shanghai([...five, yesterday]), 'L', now)).toBeUndefined();
    expect(callCapBlock(CN, shanghai([...five, midnight]), 'L', now)).toBe('CN_UNANSWERED_CALLS_PER_DAY');
  });

  it('the day is local, not UTC: 07:00 in Shanghai is the previous UTC day and counts', () => {
    const early = Array.from({ length: 6 }, (_, i) => call(`2026-12-01T07:0${i}:00+08:00`));
    expect(callCapBlock(CN, shanghai(early), 'L', now)).toBe('CN_UNANSWERED_CALLS_PER_DAY');
    // New York: six calls the evening before (the same UTC day as the morning after) do not count.
    const evening = Array.from({ length: 6 }, (_, i) => call(`2026-12-01T20:0${i}:00-05:00`));
    const ny = profile({ timeZone: 'America/New_York', calls: evening });
    expect(callCapBlock(CN, ny, 'L', at('2026-12-02T08:30:00-05:00'))).toBeUndefined();
  });

  it('connected calls on the line are not unanswered ones', () => {
    const line = callsBefore(now, 6, MINUTE, { borrowerId: 'C', loanId: 'M', connected: true });
    expect(callCapBlock(CN, shanghai(), 'L', now, line)).toBeUndefined();
  });
});

describe('CN: at most 3 connected calls a local day per debtor, across loans and agencies', () => {
  const now = at('2026-12-01T15:00:00+08:00');
  const talked = (n: number) =>
    callsBefore(now, n, HOUR, { connected: true }).map((c, i) => ({ ...c, loanId: i % 2 ? 'L2' : 'L' }));

  it('the 3rd connected call of the day is allowed, the 4th is blocked, whichever loan they were about', () => {
    expect(callCapBlock(CN, profile({ calls: talked(2) }), 'L', now)).toBeUndefined();
    expect(callCapBlock(CN, profile({ calls: talked(3) }), 'L', now)).toBe('CN_CONNECTED_CALLS_PER_DAY');
  });

  it('the cap is per debtor: connected calls of someone else on the same line do not count', () => {
    const line = callsBefore(now, 3, HOUR, { borrowerId: 'C', loanId: 'M', connected: true });
    expect(callCapBlock(CN, profile(), 'L', now, line)).toBeUndefined();
  });

  it('CN has no quiet period: a conversation logged a minute ahead of this clock does not block', () => {
    const ahead = callBefore(now, -MINUTE, { connected: true });
    expect(callCapBlock(CN, profile({ calls: [ahead] }), 'L', now)).toBeUndefined();
  });

  it("yesterday's conversations do not count (CN has no weekly cap and no quiet days)", () => {
    const yesterday = call('2026-11-30T23:59:00+08:00', { connected: true });
    const week = callsBefore(now - DAY, 20, 6 * HOUR);
    expect(
      callCapBlock(CN, profile({ calls: [...talked(2), yesterday, ...week] }), 'L', now),
    ).toBeUndefined();
  });
});

describe('US: at most 7 calls in a rolling 7 days per debt', () => {
  const now = at('2026-12-08T12:00:00-05:00');
  const ny = (calls: CallRecord[]) => profile({ timeZone: 'America/New_York', calls });
  const sixRecent = callsBefore(now, 6, DAY);

  it('the 7th call in 7 days is allowed, the 8th is blocked', () => {
    expect(callCapBlock(US, ny(sixRecent), 'L', now)).toBeUndefined();
    expect(callCapBlock(US, ny(callsBefore(now, 7, 20 * HOUR)), 'L', now)).toBe('US_CALLS_IN_7_DAYS');
  });

  it('a call 168 hours minus a minute ago still counts; at 168 hours and after, it does not', () => {
    const blocked = [...sixRecent, callBefore(now, 7 * DAY - MINUTE)];
    expect(callCapBlock(US, ny(blocked), 'L', now)).toBe('US_CALLS_IN_7_DAYS');
    expect(callCapBlock(US, ny([...sixRecent, callBefore(now, 7 * DAY)]), 'L', now)).toBeUndefined();
    expect(callCapBlock(US, ny([...sixRecent, callBefore(now, 7 * DAY + MINUTE)]), 'L', now)).toBeUndefined();
  });

  it('7 days are 168 hours across the fall-back day, not 7 local days', () => {
    // now 2026-11-03 12:00 EST = 17:00Z; 168 hours before is 2026-10-27 17:00Z = 13:00 EDT.
    const after = at('2026-11-03T12:00:00-05:00');
    const six = callsBefore(after, 6, HOUR);
    const inside = call('2026-10-27T13:01:00-04:00');
    const outside = call('2026-10-27T12:30:00-04:00');
    expect(callCapBlock(US, ny([...six, inside]), 'L', after)).toBe('US_CALLS_IN_7_DAYS');
    expect(callCapBlock(US, ny([...six, outside]), 'L', after)).toBeUndefined();
  });

  it('per debt: calls about another loan do not count, and the US pack has no daily cap per number', () => {
    const otherLoan = callsBefore(now, 10, HOUR, { loanId: 'L2' });
    expect(callCapBlock(US, ny([...sixRecent, ...otherLoan]), 'L', now, otherLoan)).toBeUndefined();
  });
});

describe('US: no call within 7 days after a conversation about the debt', () => {
  const now = at('2026-12-08T12:00:00-05:00');
  const talkedAgo = (ms: number, extra: Partial<CallRecord> = {}) =>
    profile({ timeZone: 'America/New_York', calls: [callBefore(now, ms, { connected: true, ...extra })] });

  it('7 days minus a minute after it is blocked; 7 days and 7 days plus a minute are allowed', () => {
    expect(callCapBlock(US, talkedAgo(7 * DAY - MINUTE), 'L', now)).toBe('US_CALL_AFTER_CONVERSATION');
    expect(callCapBlock(US, talkedAgo(7 * DAY), 'L', now)).toBeUndefined();
    expect(callCapBlock(US, talkedAgo(7 * DAY + MINUTE), 'L', now)).toBeUndefined();
  });

  it('one conversation among other calls is enough', () => {
    const calls = [callBefore(now, HOUR, { connected: true }), callBefore(now, 2 * HOUR)];
    expect(callCapBlock(US, profile({ timeZone: 'America/New_York', calls }), 'L', now)).toBe(
      'US_CALL_AFTER_CONVERSATION',
    );
  });

  it('an unanswered call is not a conversation; a conversation about another loan does not hold this one', () => {
    expect(callCapBlock(US, talkedAgo(HOUR, { connected: false }), 'L', now)).toBeUndefined();
    expect(callCapBlock(US, talkedAgo(HOUR, { loanId: 'L2' }), 'L', now)).toBeUndefined();
  });

  it('a lender override of the quiet days moves the edge (3 days), and 0 days means none', () => {
    const three = resolveRulePack('US', { calls: { quietDaysAfterConversation: 3 } });
    expect(callCapBlock(three, talkedAgo(3 * DAY - MINUTE), 'L', now)).toBe('US_CALL_AFTER_CONVERSATION');
    expect(callCapBlock(three, talkedAgo(3 * DAY), 'L', now)).toBeUndefined();
    const none = resolveRulePack('US', { calls: { quietDaysAfterConversation: 0 } });
    expect(callCapBlock(none, talkedAgo(MINUTE), 'L', now)).toBeUndefined();
  });

  it('the weekly cap is checked before the quiet days (the reason names the cap)', () => {
    const calls = [...callsBefore(now, 6, HOUR), callBefore(now, 30 * MINUTE, { connected: true })];
    expect(callCapBlock(US, profile({ timeZone: 'America/New_York', calls }), 'L', now)).toBe(
      'US_CALLS_IN_7_DAYS',
    );
  });
});

describe('caps inside a contact decision', () => {
  const now = at('2026-12-01T15:00:00+08:00');
  it('only CALL is capped: SMS and e-mail go out when the line is at its 6 unanswered calls', () => {
    const six = callsBefore(now, 6, MINUTE);
    const decisions = decideContacts(CN, ['SMS', 'EMAIL', 'CALL'], 'ALL', profile(), 'L', now, {
      lineCalls: six,
    });
    expect(decisions).toEqual([
      { channel: 'SMS', status: 'SEND' },
      { channel: 'EMAIL', status: 'SEND' },
      { channel: 'CALL', status: 'BLOCKED', reason: 'CN_UNANSWERED_CALLS_PER_DAY' },
    ]);
  });
  it("without lineCalls, the borrower's own calls are counted", () => {
    const decisions = decideContacts(
      CN,
      ['CALL'],
      'ALL',
      profile({ calls: callsBefore(now, 6, MINUTE) }),
      'L',
      now,
    );
    expect(decisions).toEqual([
      { channel: 'CALL', status: 'BLOCKED', reason: 'CN_UNANSWERED_CALLS_PER_DAY' },
    ]);
  });
});
