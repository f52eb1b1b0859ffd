import type { Locale } from './policy.js';
import type { RulePack } from './rulepacks.js';

/**
 * The borrower's preferred contact hours (BorrowerPreferencesChanged): a window of local wall-clock
 * time, as the rule pack's contact window is. The stage sends and opens calls only where both allow:
 * the later start and the earlier end. When the two do not overlap (a borrower who asks for 22:00 to
 * 23:00 under a pack that ends at 21:00) the rule pack's window is used alone: a preference can narrow
 * what the law allows, never widen it, and a preference that cannot be met must not stop collection
 * altogether (the borrower is still contacted, inside the legal hours).
 */
export type HourWindow = RulePack['contactWindow'];

/** The page's three choices, inside every bundled pack's hours (CN 08:00-22:00, US 08:00-21:00). */
export const NAMED_WINDOWS = {
  MORNING: { start: '08:00', end: '12:00' },
  AFTERNOON: { start: '12:00', end: '17:00' },
  EVENING: { start: '17:00', end: '21:00' },
} as const satisfies Record<string, HourWindow>;

/**
 * What the borrower chose, as the profile keeps it, each with when it was chosen (the event's `at`):
 * an event older than the choice it would replace changes nothing (events arrive in any order).
 */
export interface ContactPreferences {
  /** Absent: no preferred hours (the rule pack's window alone). */
  window?: HourWindow;
  windowAt?: string;
  /** The template locale the borrower chose (the profile's `locale` until the next choice). */
  language?: Locale;
  languageAt?: string;
}

const minutes = (hhmm: string): number => {
  const [h, m] = hhmm.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
};

const hhmm = (total: number): string =>
  `${String(Math.floor(total / 60)).padStart(2, '0')}:${String(total % 60).padStart(2, '0')}`;

/** A window is well formed when it starts before it ends (no window across midnight). */
export const isWindow = (w: HourWindow): boolean => minutes(w.start) < minutes(w.end);

/**
 * The hours a stage may contact the borrower in: the overlap of the pack's window and the preferred
 * one (`preferred: true` when the preference narrowed it), or the pack's alone (`NO_OVERLAP` when a
 * preference was given and could not be met).
 */
export function contactWindowFor(
  rules: HourWindow,
  preferred: HourWindow | undefined,
): { window: HourWindow; preferred: boolean; note?: 'NO_OVERLAP' } {
  if (!preferred) return { window: rules, preferred: false };
  const start = Math.max(minutes(rules.start), minutes(preferred.start));
  const end = Math.min(minutes(rules.end), minutes(preferred.end));
  if (start >= end) return { window: rules, preferred: false, note: 'NO_OVERLAP' };
  const window = { start: hhmm(start), end: hhmm(end) };
  return { window, preferred: window.start !== rules.start || window.end !== rules.end };
}

/** The page's name for a window: one of NAMED_WINDOWS, ANY for none, CUSTOM for hours set upstream. */
export function windowName(window: HourWindow | undefined): keyof typeof NAMED_WINDOWS | 'ANY' | 'CUSTOM' {
  if (!window) return 'ANY';
  const found = Object.entries(NAMED_WINDOWS).find(
    ([, w]) => w.start === window.start && w.end === window.end,
  );
  return (found?.[0] as keyof typeof NAMED_WINDOWS | undefined) ?? 'CUSTOM';
}
