import { IANAZone, Info, type Zone } from 'luxon';

/**
 * An IANA time zone for luxon that remembers its UTC offsets.
 *
 * luxon asks an IANA zone for its offset through `Intl.DateTimeFormat#formatToParts` at every
 * construction, `set`, `plus` and `startOf`, and a stage's timing makes dozens of such steps: in a
 * profile of 800 loans through the local runtime, that lookup alone was 4.5% of the CPU. An offset
 * only changes at a transition, and every transition since 1972 falls on a whole UTC minute (every
 * offset is a whole number of minutes), so asking once per zone and minute gives luxon the same
 * answers. The memory is bounded: it starts over past 100,000 minutes remembered.
 */
class RememberedZone extends IANAZone {
  private readonly offsets = new Map<number, number>();

  override offset(ts: number): number {
    const minute = Math.floor(ts / 60_000);
    let offset = this.offsets.get(minute);
    if (offset === undefined) {
      offset = super.offset(ts);
      if (this.offsets.size >= 100_000) this.offsets.clear();
      this.offsets.set(minute, offset);
    }
    return offset;
  }
}

const zones = new Map<string, Zone>();

/**
 * The luxon zone for a zone name, as luxon itself reads the name ("Asia/Shanghai", "UTC+8", "utc"),
 * with an IANA zone's offsets remembered: pass it where luxon takes `{ zone }`. An unknown name gives
 * luxon's invalid zone, and so an invalid DateTime, as the name itself would; it is not kept.
 */
export function zone(name: string): Zone {
  const known = zones.get(name);
  if (known) return known;
  const read = Info.normalizeZone(name);
  if (!read.isValid) return read;
  const z = read instanceof IANAZone ? new RememberedZone(read.name) : read;
  zones.set(name, z);
  return z;
}

const DAY = 86_400_000;

/**
 * The calendar day an instant falls on in a zone, counted in days from 1970-01-01: two instants' local
 * days apart is the difference of their numbers. Plain arithmetic on the zone's offset at that
 * instant, where luxon builds and truncates two DateTimes per answer: balances count days past due
 * for every payment at every stage, and luxon's way was the largest share of the fast mode's domain
 * time (docs/benchmarks.md). NaN for an unknown zone, as luxon's invalid DateTime gives.
 */
export function localDay(ms: number, timeZone: string): number {
  return Math.floor((ms + zone(timeZone).offset(ms) * 60_000) / DAY);
}

/** A calendar date (YYYY-MM-DD) counted in days from 1970-01-01, on the same scale as `localDay`; NaN for anything else. */
export function dayOfDate(date: string): number {
  return /^\d{4}-\d{2}-\d{2}$/.test(date) ? Date.parse(date) / DAY : Number.NaN;
}
