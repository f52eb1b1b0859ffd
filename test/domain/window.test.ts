import { describe, expect, it } from 'vitest';
import { decideContacts } from '../../functions/domain/decide.js';
import { ValidationError } from '../../functions/domain/errors.js';
import {
  insideWindow,
  isTimeZone,
  nextAllowedMoment,
  RULE_PACKS,
  resolveRulePack,
} from '../../functions/domain/rulepacks.js';
import { at, profile } from './fixtures.js';

/**
 * The contact windows of both packs at their edges, in the borrower's zone: the minute before, at and
 * after the start (inclusive) and the end (exclusive), also to the millisecond, on ordinary days, on
 * the daylight-saving days of New York and London, and in zones a whole-hour offset would get wrong
 * (+05:30, +05:45, -03:30, +13:45/+12:45 with its own DST, +14:00 across the new year).
 *
 * Each row: zone, instant, and the next allowed moment written by hand with its local offset (the
 * instant itself when it is inside). The rows were checked once with Python's zoneinfo
 * (datetime.fromisoformat(...).astimezone(ZoneInfo(zone)), wall-clock 08:00 of the right day).
 */
type Row = [zone: string, instant: string, nextAllowed: string];

const CN_ROWS: Row[] = [
  ['Asia/Shanghai', '2026-12-01T00:00:00+08:00', '2026-12-01T08:00:00+08:00'],
  ['Asia/Shanghai', '2026-12-01T07:59:00+08:00', '2026-12-01T08:00:00+08:00'],
  ['Asia/Shanghai', '2026-12-01T07:59:30.250+08:00', '2026-12-01T08:00:00+08:00'],
  ['Asia/Shanghai', '2026-12-01T07:59:59.999+08:00', '2026-12-01T08:00:00+08:00'],
  ['Asia/Shanghai', '2026-12-01T08:00:00+08:00', '2026-12-01T08:00:00+08:00'],
  ['Asia/Shanghai', '2026-12-01T08:00:00.001+08:00', '2026-12-01T08:00:00.001+08:00'],
  ['Asia/Shanghai', '2026-12-01T08:00:30+08:00', '2026-12-01T08:00:30+08:00'],
  ['Asia/Shanghai', '2026-12-01T08:01:00+08:00', '2026-12-01T08:01:00+08:00'],
  ['Asia/Shanghai', '2026-12-01T21:59:00+08:00', '2026-12-01T21:59:00+08:00'],
  ['Asia/Shanghai', '2026-12-01T21:59:59.999+08:00', '2026-12-01T21:59:59.999+08:00'],
  ['Asia/Shanghai', '2026-12-01T22:00:00+08:00', '2026-12-02T08:00:00+08:00'],
  ['Asia/Shanghai', '2026-12-01T22:01:00+08:00', '2026-12-02T08:00:00+08:00'],
  ['Asia/Shanghai', '2026-12-31T23:30:00+08:00', '2027-01-01T08:00:00+08:00'],
  ['Asia/Kolkata', '2026-12-01T07:59:00+05:30', '2026-12-01T08:00:00+05:30'],
  ['Asia/Kolkata', '2026-12-01T08:00:00+05:30', '2026-12-01T08:00:00+05:30'],
  ['Asia/Kolkata', '2026-12-01T21:59:00+05:30', '2026-12-01T21:59:00+05:30'],
  ['Asia/Kolkata', '2026-12-01T22:00:00+05:30', '2026-12-02T08:00:00+05:30'],
  ['Asia/Kathmandu', '2026-12-01T07:59:00+05:45', '2026-12-01T08:00:00+05:45'],
  ['Asia/Kathmandu', '2026-12-01T22:00:00+05:45', '2026-12-02T08:00:00+05:45'],
  ['Pacific/Chatham', '2026-12-01T07:59:00+13:45', '2026-12-01T08:00:00+13:45'],
  ['Pacific/Chatham', '2026-12-01T08:00:00+13:45', '2026-12-01T08:00:00+13:45'],
  ['Pacific/Chatham', '2026-12-01T21:59:00+13:45', '2026-12-01T21:59:00+13:45'],
  ['Pacific/Chatham', '2026-12-01T22:00:00+13:45', '2026-12-02T08:00:00+13:45'],
  // Chatham's own daylight saving: +12:45 to +13:45 on 27 September, back on 5 April.
  ['Pacific/Chatham', '2026-09-26T22:00:00+12:45', '2026-09-27T08:00:00+13:45'],
  ['Pacific/Chatham', '2026-04-04T22:00:00+13:45', '2026-04-05T08:00:00+12:45'],
  // London's fall-back day is 25 hours long: 22:00 is still 22:00 local.
  ['Europe/London', '2026-10-25T21:59:00+00:00', '2026-10-25T21:59:00+00:00'],
  ['Europe/London', '2026-10-25T22:00:00+00:00', '2026-10-26T08:00:00+00:00'],
];

const US_ROWS: Row[] = [
  ['America/New_York', '2026-12-01T07:59:00-05:00', '2026-12-01T08:00:00-05:00'],
  ['America/New_York', '2026-12-01T07:59:59.999-05:00', '2026-12-01T08:00:00-05:00'],
  ['America/New_York', '2026-12-01T08:00:00-05:00', '2026-12-01T08:00:00-05:00'],
  ['America/New_York', '2026-12-01T08:01:00-05:00', '2026-12-01T08:01:00-05:00'],
  ['America/New_York', '2026-12-01T20:59:00-05:00', '2026-12-01T20:59:00-05:00'],
  ['America/New_York', '2026-12-01T20:59:59.999-05:00', '2026-12-01T20:59:59.999-05:00'],
  ['America/New_York', '2026-12-01T21:00:00-05:00', '2026-12-02T08:00:00-05:00'],
  ['America/New_York', '2026-12-01T21:01:00-05:00', '2026-12-02T08:00:00-05:00'],
  // Spring forward, 8 March 2026 (02:00 EST becomes 03:00 EDT): the night before is an hour shorter.
  ['America/New_York', '2026-03-07T21:00:00-05:00', '2026-03-08T08:00:00-04:00'],
  ['America/New_York', '2026-03-08T01:59:00-05:00', '2026-03-08T08:00:00-04:00'],
  ['America/New_York', '2026-03-08T03:00:00-04:00', '2026-03-08T08:00:00-04:00'],
  ['America/New_York', '2026-03-08T07:59:00-04:00', '2026-03-08T08:00:00-04:00'],
  ['America/New_York', '2026-03-08T08:00:00-04:00', '2026-03-08T08:00:00-04:00'],
  ['America/New_York', '2026-03-08T20:59:00-04:00', '2026-03-08T20:59:00-04:00'],
  ['America/New_York', '2026-03-08T21:00:00-04:00', '2026-03-09T08:00:00-04:00'],
  // Fall back, 1 November 2026 (02:00 EDT becomes 01:00 EST): both 01:30s wait for 08:00 EST.
  ['America/New_York', '2026-10-31T21:00:00-04:00', '2026-11-01T08:00:00-05:00'],
  ['America/New_York', '2026-11-01T01:30:00-04:00', '2026-11-01T08:00:00-05:00'],
  ['America/New_York', '2026-11-01T01:30:00-05:00', '2026-11-01T08:00:00-05:00'],
  ['America/New_York', '2026-11-01T07:59:00-05:00', '2026-11-01T08:00:00-05:00'],
  ['America/New_York', '2026-11-01T08:00:00-05:00', '2026-11-01T08:00:00-05:00'],
  ['America/New_York', '2026-11-01T20:59:00-05:00', '2026-11-01T20:59:00-05:00'],
  ['America/New_York', '2026-11-01T21:00:00-05:00', '2026-11-02T08:00:00-05:00'],
  // London: BST starts 29 March 2026 (01:00 GMT becomes 02:00 BST), ends 25 October.
  ['Europe/London', '2026-03-28T21:00:00+00:00', '2026-03-29T08:00:00+01:00'],
  ['Europe/London', '2026-03-29T07:59:00+01:00', '2026-03-29T08:00:00+01:00'],
  ['Europe/London', '2026-03-29T08:00:00+01:00', '2026-03-29T08:00:00+01:00'],
  ['Europe/London', '2026-03-29T20:59:00+01:00', '2026-03-29T20:59:00+01:00'],
  ['Europe/London', '2026-03-29T21:00:00+01:00', '2026-03-30T08:00:00+01:00'],
  ['Europe/London', '2026-10-24T21:00:00+01:00', '2026-10-25T08:00:00+00:00'],
  ['Europe/London', '2026-10-25T07:59:00+00:00', '2026-10-25T08:00:00+00:00'],
  ['Europe/London', '2026-10-25T08:00:00+00:00', '2026-10-25T08:00:00+00:00'],
  ['Asia/Kolkata', '2026-12-01T20:59:00+05:30', '2026-12-01T20:59:00+05:30'],
  ['Asia/Kolkata', '2026-12-01T21:00:00+05:30', '2026-12-02T08:00:00+05:30'],
  ['Pacific/Chatham', '2026-12-01T20:59:00+13:45', '2026-12-01T20:59:00+13:45'],
  ['Pacific/Chatham', '2026-12-01T21:00:00+13:45', '2026-12-02T08:00:00+13:45'],
  ['Pacific/Chatham', '2026-06-01T07:59:00+12:45', '2026-06-01T08:00:00+12:45'],
  ['America/St_Johns', '2026-11-01T07:59:00-03:30', '2026-11-01T08:00:00-03:30'],
  ['America/St_Johns', '2026-06-01T21:00:00-02:30', '2026-06-02T08:00:00-02:30'],
  ['Pacific/Kiritimati', '2026-12-31T21:00:00+14:00', '2027-01-01T08:00:00+14:00'],
];

describe.each([
  ['CN 2026.3 (08:00-22:00)', RULE_PACKS.CN, CN_ROWS],
  ['US 2026.1 (08:00-21:00)', RULE_PACKS.US, US_ROWS],
])('contact window of %s', (_name, pack, rows) => {
  it.each(rows)('%s %s: next allowed moment %s', (timeZone, instant, next) => {
    expect(nextAllowedMoment(at(instant), timeZone, pack.contactWindow)).toBe(at(next));
    expect(insideWindow(at(instant), timeZone, pack.contactWindow)).toBe(instant === next);
  });
});

describe('a window that does not start or end on the hour (a lender override)', () => {
  const window = resolveRulePack('US', { contactWindow: { start: '08:30', end: '20:15' } }).contactWindow;
  it.each<Row>([
    ['America/New_York', '2026-12-01T08:29:00-05:00', '2026-12-01T08:30:00-05:00'],
    ['America/New_York', '2026-12-01T08:30:00-05:00', '2026-12-01T08:30:00-05:00'],
    ['America/New_York', '2026-12-01T20:14:59-05:00', '2026-12-01T20:14:59-05:00'],
    ['America/New_York', '2026-12-01T20:15:00-05:00', '2026-12-02T08:30:00-05:00'],
    ['Asia/Kolkata', '2026-12-01T03:10:00+05:30', '2026-12-01T08:30:00+05:30'],
  ])('%s %s: next allowed moment %s (catches the hour and minute split of the start)', (zone, i, next) => {
    expect(nextAllowedMoment(at(i), zone, window)).toBe(at(next));
  });
});

describe('the window in a decision and for a zone luxon does not know', () => {
  it('DEFERRED names the pack and carries the moment the window opens; inside it is SEND', () => {
    const ny = profile({ timeZone: 'America/New_York' });
    const late = decideContacts(RULE_PACKS.US, ['SMS'], 'ALL', ny, 'L', at('2026-12-01T21:00:00-05:00'));
    expect(late).toEqual([
      {
        channel: 'SMS',
        status: 'DEFERRED',
        reason: 'US_CONTACT_HOURS',
        until: at('2026-12-02T08:00:00-05:00'),
      },
    ]);
    const open = decideContacts(RULE_PACKS.US, ['SMS'], 'ALL', ny, 'L', at('2026-12-01T20:59:00-05:00'));
    expect(open).toEqual([{ channel: 'SMS', status: 'SEND' }]);
  });

  it('an unknown zone is a ValidationError naming it, never a contact at an unknown hour', () => {
    const call = () =>
      nextAllowedMoment(at('2026-12-01T12:00:00Z'), 'Mars/Olympus_Mons', RULE_PACKS.CN.contactWindow);
    expect(call).toThrow(ValidationError);
    expect(call).toThrow('unknown time zone "Mars/Olympus_Mons"');
    expect(isTimeZone('Mars/Olympus_Mons')).toBe(false);
    expect(isTimeZone('Asia/Kolkata')).toBe(true);
  });
});
