import { ValidationError } from '../domain/errors.js';

/**
 * The borrower's wall-clock time at an instant, computed by the platform's own time-zone database
 * (Intl) rather than luxon, which the ladder's decisions use: the check is independent of the code it
 * checks. Intl resolves daylight-saving changes and offsets such as +05:30 or +13:45 itself.
 */
export class UnknownTimeZoneError extends ValidationError {
  constructor(zone: string, options?: { cause?: unknown }) {
    super(`unknown time zone "${zone}"`, options);
    this.name = 'UnknownTimeZoneError';
  }
}

export interface LocalMoment {
  /** Local calendar date, YYYY-MM-DD. */
  date: string;
  /** HH:MM:SS on a 24-hour clock (00 to 23). */
  time: string;
  /** Minutes since local midnight, seconds as a fraction (22:00:00 is 1320, 21:59:59 is 1319.98...). */
  minuteOfDay: number;
}

/**
 * The ladder accepts every zone name luxon reads, and luxon also reads fixed offsets written
 * `UTC+8` or `UTC-3:30`, which Intl does not: those become Intl's `+08:00` form.
 */
export function intlZoneName(zone: string): string {
  const fixed = /^(?:UTC|GMT)([+-])(\d{1,2})(?::?(\d{2}))?$/i.exec(zone.trim());
  if (!fixed) return zone;
  const [, sign, hours, minutes] = fixed;
  return `${sign}${(hours ?? '0').padStart(2, '0')}:${minutes ?? '00'}`;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** One formatter per zone: building one is the expensive part of Intl, formatting is cheap. */
function formatterFor(zone: string): Intl.DateTimeFormat {
  const known = formatters.get(zone);
  if (known) return known;
  let formatter: Intl.DateTimeFormat;
  try {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone: intlZoneName(zone),
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
  } catch (error) {
    throw new UnknownTimeZoneError(zone, { cause: error });
  }
  formatters.set(zone, formatter);
  return formatter;
}

/** The local date and time at `ms` (epoch milliseconds) in `zone`; UnknownTimeZoneError if Intl has no such zone. */
export function localMoment(ms: number, zone: string): LocalMoment {
  const parts: Record<string, string> = {};
  for (const part of formatterFor(zone).formatToParts(ms)) parts[part.type] = part.value;
  const { year, month, day, hour = '00', minute = '00', second = '00' } = parts;
  return {
    date: `${year}-${month}-${day}`,
    time: `${hour}:${minute}:${second}`,
    minuteOfDay: Number(hour) * 60 + Number(minute) + Number(second) / 60,
  };
}

/** Minutes since midnight of an HH:MM window bound. */
export const minutesOf = (hhmm: string): number => {
  const [hours = 0, minutes = 0] = hhmm.split(':').map(Number);
  return hours * 60 + minutes;
};

/**
 * Inside the window: start inclusive, end exclusive. A window that crosses midnight (start after end,
 * e.g. a lender's 20:00-02:00) is read as two pieces; the packs' own windows do not. Seconds count
 * (21:59:59 is inside a window ending at 22:00); milliseconds cannot change the answer because the
 * bounds are whole minutes.
 */
export function insideLocalWindow(minuteOfDay: number, window: { start: string; end: string }): boolean {
  const start = minutesOf(window.start);
  const end = minutesOf(window.end);
  if (start <= end) return minuteOfDay >= start && minuteOfDay < end;
  return minuteOfDay >= start || minuteOfDay < end;
}
