import { describe, expect, it } from 'vitest';
import type { AttemptEntry } from '../../functions/domain/ledger.js';
import { brief, check, kase, profile, rec, sms } from './fixtures.js';

/**
 * One voice per borrower, as the independent check sees it: a COVERED message must name a record of
 * the same borrower, the same local day (Shanghai), that SENT on the same channel a message covering
 * this loan. Written by hand: L-1 sends at 10:00 Shanghai and covers L-2.
 */
const AT = '2026-12-11T02:00:00.000Z'; // 10:00 Shanghai
const covering = rec(AT, [sms({ covers: ['L-2'] })], { loanId: 'L-1', seq: 3 });
const covered = (extra: Partial<AttemptEntry> = {}, at = '2026-12-11T02:00:05.000Z') =>
  rec(at, [{ channel: 'SMS', status: 'COVERED', reason: 'COVERED_BY', providerRef: 'L-1#1#3', ...extra }], {
    loanId: 'L-2',
    seq: 2,
  });
const world = (records = [covering, covered()], cases = [kase('L-1'), kase('L-2')]) => ({
  records,
  cases,
  profiles: [profile(), profile('B-2')],
});

describe('COVERED_BY', () => {
  it('a message covered by the same day SMS that names this loan is compliant, and not a second SENT', () => {
    expect(check(world())).toEqual([]);
  });

  it.each([
    ['names no record', covered({ providerRef: 'L-1#1#9' }), 'SMS'],
    ['names a record of another day', covered({}, '2026-12-11T16:30:00.000Z'), 'SMS'],
    ['names a record on another channel', covered({ channel: 'EMAIL' }), 'EMAIL'],
  ])('%s: COVERED_BY_NOTHING', (_what, record, channel) => {
    expect(brief(check(world([covering, record])))).toEqual([`L-2 2 CN_COVERED_BY_NOTHING ${channel}`]);
  });

  it("a covering SMS that does not name this loan, or another borrower's, covers nothing", () => {
    const silent = rec(AT, [sms()], { loanId: 'L-1', seq: 3 });
    expect(brief(check(world([silent, covered()])))).toEqual(['L-2 2 CN_COVERED_BY_NOTHING SMS']);
    const cases = [kase('L-1', 'B-2'), kase('L-2')];
    expect(brief(check(world([covering, covered()], cases)))).toEqual(['L-2 2 CN_COVERED_BY_NOTHING SMS']);
  });
});

/**
 * A call (or a field visit) covered by another loan's task of the day: the covering record is the
 * call's outcome, SENT on CALL with the loans it covered; the covered record names it, with the
 * outcome heard. The same rule judges it: the same borrower, the same local day, the same channel, a
 * call that names this loan.
 */
describe('COVERED_BY a call or a visit', () => {
  const call = (extra: Partial<AttemptEntry> = {}): AttemptEntry => ({
    channel: 'CALL',
    status: 'SENT',
    outcome: 'REACHED',
    providerRef: 'L-1#1#D+7#2',
    covers: ['L-2'],
    ...extra,
  });
  const coveringCall = (extra: Partial<AttemptEntry> = {}) =>
    rec(AT, [call(extra)], { loanId: 'L-1', seq: 3 });
  const coveredCall = (channel: 'CALL' | 'VISIT' = 'CALL') =>
    rec(
      '2026-12-11T02:00:05.000Z',
      [{ channel, status: 'COVERED', reason: 'COVERED_BY', providerRef: 'L-1#1#3', outcome: 'REACHED' }],
      { loanId: 'L-2', seq: 2 },
    );

  it('a call covered by the same day call that names this loan is compliant', () => {
    expect(check(world([coveringCall(), coveredCall()]))).toEqual([]);
  });

  it.each([
    ['a call that timed out (FAILED)', coveringCall({ status: 'FAILED', outcome: undefined }), 'CALL'],
    ['a call that does not name this loan', coveringCall({ covers: ['L-3'] }), 'CALL'],
  ])('covered by %s: COVERED_BY_NOTHING', (_what, record, channel) => {
    expect(brief(check(world([record, coveredCall()])))).toEqual([`L-2 2 CN_COVERED_BY_NOTHING ${channel}`]);
  });

  it('a visit is not covered by a call', () => {
    expect(brief(check(world([coveringCall(), coveredCall('VISIT')])))).toEqual([
      'L-2 2 CN_COVERED_BY_NOTHING VISIT',
    ]);
  });
});
