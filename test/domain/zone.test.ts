import fc from 'fast-check';
import { DateTime, IANAZone } from 'luxon';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { dayOfDelinquency } from '../../functions/domain/balance.js';
import { localDaysBetween } from '../../functions/domain/case.js';
import { dayOfDate, localDay, zone } from '../../functions/domain/zone.js';

const MINUTE = 60_000;

describe('zone: luxon zones with remembered offsets', () => {
  it.each([
    ['America/New_York', '2026-03-08T06:00:00Z'], // 02:00 EST -> 03:00 EDT
    ['America/New_York', '2026-11-01T05:00:00Z'], // 02:00 EDT -> 01:00 EST
    ['Europe/London', '2026-03-29T00:00:00Z'],
    ['Australia/Lord_Howe', '2026-04-04T15:00:00Z'], // a half-hour change
    ['Asia/Kathmandu', '2026-06-01T00:00:00Z'], // +05:45, no change
  ])('%s gives the offsets luxon computes, minute by minute across %s', (name, around) => {
    const plain = IANAZone.create(name);
    const remembered = zone(name);
    const center = Date.parse(around);
    for (let ts = center - 90 * MINUTE; ts <= center + 90 * MINUTE; ts += MINUTE / 4) {
      // Asked twice: the second answer comes from memory.
      expect([remembered.offset(ts), remembered.offset(ts)]).toEqual([plain.offset(ts), plain.offset(ts)]);
    }
  });

  it('gives luxon the same local times and instants as the zone name', () => {
    for (const name of ['America/New_York', 'Asia/Kolkata', 'Pacific/Chatham', 'UTC+8', 'utc']) {
      const byName = DateTime.fromISO('2026-11-01T01:30', { zone: name });
      const byZone = DateTime.fromISO('2026-11-01T01:30', { zone: zone(name) });
      expect(byZone.toMillis()).toBe(byName.toMillis());
      expect(byZone.plus({ days: 30 }).set({ hour: 9 }).toISO()).toBe(
        byName.plus({ days: 30 }).set({ hour: 9 }).toISO(),
      );
      expect(byZone.zone.equals(byName.zone)).toBe(true);
    }
  });

  it('is one zone per name, and an unknown name is invalid, as luxon reads it', () => {
    expect(zone('Asia/Shanghai')).toBe(zone('Asia/Shanghai'));
    expect(zone('Mars/Olympus_Mons').isValid).toBe(false);
    expect(DateTime.fromMillis(0, { zone: zone('Mars/Olympus_Mons') }).isValid).toBe(false);
  });
});

/**
 * What the memory saves, and its bound: luxon's own offset lookup (IANAZone#offset) is asked once per
 * zone and minute, and the memory starts over past 100,000 minutes. Survivor judged equivalent
 * (zone.ts): `if (!read.isValid) return read` mutated to false keeps an invalid zone in memory, which
 * is still the same invalid zone to luxon.
 */
describe('zone: remembered offsets', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('asks luxon once per minute, and again for the next minute', () => {
    const asked = vi.spyOn(IANAZone.prototype, 'offset');
    const z = zone('America/Chicago');
    const start = Date.parse('2026-06-01T12:00:00Z');
    for (const ms of [0, 1, 30_000, 59_999]) z.offset(start + ms);
    expect(asked).toHaveBeenCalledTimes(1);
    z.offset(start + MINUTE);
    expect(asked).toHaveBeenCalledTimes(2);
    z.offset(start);
    expect(asked).toHaveBeenCalledTimes(2);
  });

  it('starts over past 100,000 minutes: the first one is then asked again', () => {
    const z = zone('America/Denver');
    const start = Date.parse('2026-01-01T00:00:00Z');
    for (let i = 0; i < 100_000; i++) z.offset(start + i * MINUTE);
    const asked = vi.spyOn(IANAZone.prototype, 'offset');
    z.offset(start);
    expect(asked).toHaveBeenCalledTimes(0);
    z.offset(start + 100_000 * MINUTE);
    expect(asked).toHaveBeenCalledTimes(1);
    z.offset(start);
    expect(asked).toHaveBeenCalledTimes(2);
  });
});

/**
 * Local days by arithmetic (localDay, dayOfDate) against luxon's calendar as the oracle: the local date
 * luxon gives an instant, and luxon's own count of days between two local midnights (how
 * dayOfDelinquency and localDaysBetween counted before).
 */
describe('localDay and dayOfDate: local calendar days without building DateTimes', () => {
  const DAY = 86_400_000;
  // DST zones both ways, a half-hour change, +05:45, +13:45 with DST, a change at local midnight
  // (Santiago, Havana), fixed offsets by name, and UTC.
  const zones = [
    'America/New_York',
    'Australia/Sydney',
    'Australia/Lord_Howe',
    'Asia/Kathmandu',
    'Pacific/Chatham',
    'America/Santiago',
    'America/Havana',
    'Asia/Shanghai',
    'UTC+8',
    'UTC-3:30',
    'utc',
  ];
  const luxonDay = (ms: number, name: string) =>
    Date.parse(DateTime.fromMillis(ms, { zone: name }).toISODate() ?? '') / DAY;
  const luxonDaysFromDue = (due: string, ms: number, name: string) =>
    Math.round(
      DateTime.fromMillis(ms, { zone: name })
        .startOf('day')
        .diff(DateTime.fromISO(due, { zone: name }).startOf('day'), 'days').days,
    );
  const instant = fc.integer({
    min: Date.parse('1990-01-01T00:00:00Z'),
    max: Date.parse('2060-01-01T00:00:00Z'),
  });

  it('gives the local date luxon gives, for any instant in any zone', () => {
    fc.assert(
      fc.property(instant, fc.constantFrom(...zones), (ms, name) => {
        expect(localDay(ms, name)).toBe(luxonDay(ms, name));
      }),
      { seed: 17, numRuns: 3000 },
    );
  });

  it('counts days past due and days between as luxon counts them', () => {
    fc.assert(
      fc.property(instant, instant, fc.constantFrom(...zones), (a, b, name) => {
        const due = DateTime.fromMillis(a, { zone: name }).toISODate() ?? '';
        expect(dayOfDelinquency(due, b, name)).toBe(luxonDaysFromDue(due, b, name));
        expect(localDaysBetween(a, b, name)).toBe(luxonDaysFromDue(due, b, name));
      }),
      { seed: 18, numRuns: 3000 },
    );
  });

  it.each([
    // A Shanghai day ends at 16:00 UTC.
    ['2026-01-05T15:59:59.999Z', 'Asia/Shanghai', '2026-01-05'],
    ['2026-01-05T16:00:00.000Z', 'Asia/Shanghai', '2026-01-06'],
    // New York's spring-forward day has 23 hours: it ends at 04:00 UTC, not 05:00.
    ['2026-03-09T03:59:59.999Z', 'America/New_York', '2026-03-08'],
    ['2026-03-09T04:00:00.000Z', 'America/New_York', '2026-03-09'],
    // Kathmandu is +05:45.
    ['2026-06-01T18:14:59.999Z', 'Asia/Kathmandu', '2026-06-01'],
    ['2026-06-01T18:15:00.000Z', 'Asia/Kathmandu', '2026-06-02'],
    // Before 1970.
    ['1969-12-31T23:59:59.999Z', 'utc', '1969-12-31'],
  ])('%s in %s is on %s', (at, name, date) => {
    expect(localDay(Date.parse(at), name)).toBe(dayOfDate(date));
  });

  it('numbers calendar dates from 1970-01-01, and refuses anything that is not YYYY-MM-DD', () => {
    expect([dayOfDate('1970-01-01'), dayOfDate('1970-01-02'), dayOfDate('2000-03-01')]).toEqual([
      0, 1, 11_017,
    ]);
    expect(dayOfDate('1969-12-31')).toBe(-1);
    for (const bad of ['2026-1-05', '2026-01-05T00:00:00Z', ' 2026-01-05', '2026-02-30x', '']) {
      expect(dayOfDate(bad)).toBeNaN();
    }
    expect(localDay(0, 'Mars/Olympus_Mons')).toBeNaN();
  });
});
