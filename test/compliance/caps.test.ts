import { describe, expect, it } from 'vitest';
import { brief, call, check, kase, numbered, profile, rec } from './fixtures.js';

/** The call caps at their edges: the Nth call is fine, the (N+1)th is the violation. */
const D7 = { stage: 'D+7' };

describe('CN: unanswered calls a day to one phone line', () => {
  it("counts across the borrowers who share a number: the 7th unanswered call of the day is the violation, the next day's first is not", () => {
    // B-1 and B-2 share a phone number, so their profiles carry the same line pseudonym.
    const shared = { lineId: 'line-shared' };
    const profiles = [profile('B-1', 'Asia/Shanghai', shared), profile('B-2', 'Asia/Shanghai', shared)];
    const cases = [kase('L-1', 'B-1'), kase('L-2', 'B-2')];
    const l2 = { ...D7, loanId: 'L-2' };
    const records = numbered([
      rec('2026-12-17T01:00:00Z', [call('NO_ANSWER')], D7), // 09:00 local, #1
      rec('2026-12-17T02:00:00Z', [call('NO_ANSWER')], l2), // #2 (the other borrower)
      rec('2026-12-17T03:00:00Z', [call('WRONG_NUMBER')], D7), // #3
      rec('2026-12-17T04:00:00Z', [call('REACHED')], l2), // connected: not counted here
      rec('2026-12-17T05:00:00Z', [call('NO_ANSWER')], l2), // #4
      rec('2026-12-17T06:00:00Z', [call('NO_ANSWER')], D7), // #5
      rec('2026-12-17T07:00:00Z', [call('NO_ANSWER')], l2), // #6: the last allowed
      rec('2026-12-17T13:59:00Z', [call('NO_ANSWER')], D7), // #7 at 21:59 local: the violation
      rec('2026-12-18T00:00:00Z', [call('NO_ANSWER')], l2), // 08:00 the next local day: #1 again
    ]);
    const found = check({ records, profiles, cases });
    expect(brief(found)).toEqual(['L-1 4 CN_UNANSWERED_CALLS_PER_DAY CALL']);
    expect(found[0]?.detail).toBe(
      "CALL at 2026-12-17T13:59:00Z: the 7th unanswered call to the borrower's phone line on 2026-12-17 (Asia/Shanghai); at most 6",
    );
  });

  it("uses the borrower's local day, not the UTC day", () => {
    // 7 unanswered calls between 08:00 and 14:00 Shanghai on 17 December: 00:00-06:00 UTC. Six
    // more the evening before (16th, 08:00-13:00 UTC) are another local day though the same UTC one.
    const evening = [0, 1, 2, 3, 4, 5].map((h) =>
      rec(`2026-12-16T${String(8 + h).padStart(2, '0')}:00:00Z`, [call('NO_ANSWER')], D7),
    );
    const morning = [0, 1, 2, 3, 4, 5].map((h) => rec(`2026-12-17T0${h}:00:00Z`, [call('NO_ANSWER')], D7));
    expect(check({ records: numbered([...evening, ...morning]) })).toEqual([]);
  });
});

describe('CN: connected calls a day per debtor', () => {
  it('counts across the borrower’s loans: the 4th connected call of the local day is the violation', () => {
    const cases = [kase('L-1'), kase('L-2')];
    const l2 = { ...D7, loanId: 'L-2' };
    const records = numbered([
      rec('2026-12-17T01:00:00Z', [call('REACHED')], D7),
      rec('2026-12-17T02:00:00Z', [call('PROMISE_TO_PAY')], l2),
      rec('2026-12-17T03:00:00Z', [call('NO_ANSWER')], D7), // unanswered: not counted here
      rec('2026-12-17T04:00:00Z', [call('REFUSED')], D7), // #3: the last allowed
      rec('2026-12-17T05:00:00Z', [call('HARDSHIP')], l2), // #4
    ]);
    const found = check({ records, cases });
    expect(brief(found)).toEqual(['L-2 2 CN_CONNECTED_CALLS_PER_DAY CALL']);
    expect(found[0]?.detail).toContain(
      'the 4th connected call with the borrower on 2026-12-17 (Asia/Shanghai); at most 3',
    );
  });
});

describe('US: calls per debt in 7 days, and the quiet week after a conversation', () => {
  const us = { rulePackId: 'US', rulePackVersion: '2026.1', stage: 'D+7' };
  const ny = [profile('B-1', 'America/New_York')];
  const hours = (h: number) => new Date(Date.parse('2027-03-01T14:00:00Z') + h * 3_600_000).toISOString();

  it('the 8th call within 168 hours is the violation; a call exactly 168 hours later starts afresh', () => {
    // Seven unanswered calls a day apart (09:00 in New York), then an eighth.
    const seven = [0, 24, 48, 72, 96, 120, 144].map((h) => rec(hours(h), [call('NO_ANSWER')], us));
    const at168 = numbered([...seven, rec(hours(168), [call('NO_ANSWER')], us)]);
    expect(check({ records: at168, profiles: ny })).toEqual([]);
    const before168 = numbered([...seven, rec(hours(167.99), [call('NO_ANSWER')], us)]);
    const found = check({ records: before168, profiles: ny });
    expect(brief(found)).toEqual(['L-1 8 US_CALLS_IN_7_DAYS CALL']);
    expect(found[0]?.detail).toBe(
      `CALL at ${hours(167.99)}: the 8th call on this loan in 168 hours; at most 7`,
    );
  });

  it("counts per debt: another loan's calls do not add up (eight calls in eight hours, four per loan)", () => {
    const other = { ...us, loanId: 'L-2' };
    const records = numbered(
      [0, 1, 2, 3, 4, 5, 6, 7].map((h) => rec(hours(h), [call('NO_ANSWER')], h % 2 ? other : us)),
    );
    expect(check({ records, profiles: ny, cases: [kase('L-1'), kase('L-2')] })).toEqual([]);
  });

  it('no call within 168 hours after a conversation on that debt; at 168 hours it is allowed', () => {
    const records = numbered([
      rec(hours(0), [call('REACHED')], us),
      rec(hours(167.5), [call('NO_ANSWER')], us),
      rec(hours(168 + 24), [call('NO_ANSWER')], us),
    ]);
    const found = check({ records, profiles: ny });
    expect(brief(found)).toEqual(['L-1 2 US_CALL_AFTER_CONVERSATION CALL']);
    expect(found[0]?.detail).toBe(
      `CALL at ${hours(167.5)}: 167 h 30 min after a conversation on this loan (at ${hours(0)}); none within 168 hours`,
    );
    const exactly = numbered([rec(hours(0), [call('REACHED')], us), rec(hours(168), [call('REACHED')], us)]);
    expect(check({ records: exactly, profiles: ny })).toEqual([]);
  });

  it('the CN caps do not apply under the US pack, nor the US caps under CN', () => {
    const cnDay = numbered([0, 1, 2, 3, 4, 5, 6].map((h) => rec(hours(h), [call('NO_ANSWER')], us)));
    expect(check({ records: cnDay, profiles: ny })).toEqual([]);
    const cn = numbered([0, 24].map((h) => rec(`2026-12-1${h ? 8 : 7}T02:00:00Z`, [call('REACHED')], D7)));
    expect(check({ records: cn })).toEqual([]);
  });
});
