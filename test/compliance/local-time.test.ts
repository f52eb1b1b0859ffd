import { describe, expect, it } from 'vitest';
import {
  insideLocalWindow,
  intlZoneName,
  localMoment,
  UnknownTimeZoneError,
} from '../../functions/compliance/local-time.js';

/** The local clock the check computes for itself (Intl), at the instants where it matters. */
describe('localMoment', () => {
  it('reads Shanghai (UTC+8, no daylight saving) to the second', () => {
    expect(localMoment(Date.parse('2026-12-11T13:59:59Z'), 'Asia/Shanghai')).toEqual({
      date: '2026-12-11',
      time: '21:59:59',
      minuteOfDay: 21 * 60 + 59 + 59 / 60,
    });
    expect(localMoment(Date.parse('2026-12-11T14:00:00Z'), 'Asia/Shanghai').time).toBe('22:00:00');
    // Midnight is 00, not 24 (hourCycle h23).
    expect(localMoment(Date.parse('2026-12-11T16:00:00Z'), 'Asia/Shanghai')).toMatchObject({
      date: '2026-12-12',
      time: '00:00:00',
      minuteOfDay: 0,
    });
  });

  it('follows New York across both clock changes of 2027', () => {
    // Saturday 13 March: EST (UTC-5). Sunday 14 March: EDT (UTC-4) from 02:00 local.
    expect(localMoment(Date.parse('2027-03-13T12:30:00Z'), 'America/New_York').time).toBe('07:30:00');
    expect(localMoment(Date.parse('2027-03-14T12:30:00Z'), 'America/New_York').time).toBe('08:30:00');
    expect(localMoment(Date.parse('2027-03-14T06:59:59Z'), 'America/New_York').time).toBe('01:59:59');
    expect(localMoment(Date.parse('2027-03-14T07:00:00Z'), 'America/New_York').time).toBe('03:00:00');
    // Sunday 7 November: back to EST at 02:00 EDT.
    expect(localMoment(Date.parse('2027-11-06T12:30:00Z'), 'America/New_York').time).toBe('08:30:00');
    expect(localMoment(Date.parse('2027-11-07T12:30:00Z'), 'America/New_York').time).toBe('07:30:00');
  });

  it('reads half-hour and 45-minute offsets, by name and as fixed offsets', () => {
    expect(localMoment(Date.parse('2026-12-11T02:29:59Z'), 'Asia/Kolkata').time).toBe('07:59:59');
    expect(localMoment(Date.parse('2026-12-11T02:30:00Z'), '+05:30').time).toBe('08:00:00');
    expect(localMoment(Date.parse('2026-12-11T02:30:00Z'), 'UTC+5:30').time).toBe('08:00:00');
    expect(localMoment(Date.parse('2026-12-11T00:00:00Z'), 'UTC+8').time).toBe('08:00:00');
    // Chatham in summer: UTC+13:45, the next calendar day.
    expect(localMoment(Date.parse('2026-12-11T18:15:00Z'), 'Pacific/Chatham')).toMatchObject({
      date: '2026-12-12',
      time: '08:00:00',
    });
  });

  it('names an unknown zone with a typed error', () => {
    expect(() => localMoment(0, 'Mars/Olympus')).toThrow(UnknownTimeZoneError);
    expect(() => localMoment(0, 'Mars/Olympus')).toThrow('unknown time zone "Mars/Olympus"');
  });

  it("turns luxon's UTC±H[:MM] names into Intl's offsets and leaves IANA names alone", () => {
    expect(intlZoneName('UTC+8')).toBe('+08:00');
    expect(intlZoneName('utc-3:30')).toBe('-03:30');
    expect(intlZoneName('GMT+10')).toBe('+10:00');
    expect(intlZoneName('Asia/Shanghai')).toBe('Asia/Shanghai');
  });
});

describe('insideLocalWindow', () => {
  const cn = { start: '08:00', end: '22:00' };
  it('includes the start and excludes the end, to the second', () => {
    expect(insideLocalWindow(8 * 60, cn)).toBe(true);
    expect(insideLocalWindow(8 * 60 - 1 / 60, cn)).toBe(false);
    expect(insideLocalWindow(22 * 60 - 1 / 60, cn)).toBe(true);
    expect(insideLocalWindow(22 * 60, cn)).toBe(false);
  });

  it('reads a window across midnight as evening plus early morning', () => {
    const night = { start: '20:00', end: '02:00' };
    expect(insideLocalWindow(23 * 60, night)).toBe(true);
    expect(insideLocalWindow(60, night)).toBe(true);
    expect(insideLocalWindow(2 * 60, night)).toBe(false);
    expect(insideLocalWindow(12 * 60, night)).toBe(false);
  });
});
