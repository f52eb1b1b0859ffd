import { DateTime, IANAZone } from 'luxon';
import { describe, expect, it } from 'vitest';
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
