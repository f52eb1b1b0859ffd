import { DateTime, IANAZone } from 'luxon';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { zone } from '../../functions/domain/zone.js';

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
