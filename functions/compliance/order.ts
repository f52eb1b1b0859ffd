import type { LedgerRecord } from '../domain/ledger.js';

/** One attempt of one record: `<ledgerId>#<seq>#<attempt index>`. */
export const attemptKey = (record: Pick<LedgerRecord, 'ledgerId' | 'seq'>, index: number): string =>
  `${record.ledgerId}#${record.seq}#${index}`;

const compareIds = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

const byTime = (a: LedgerRecord, b: LedgerRecord): number =>
  Date.parse(a.at) - Date.parse(b.at) || compareIds(a.ledgerId, b.ledgerId) || a.seq - b.seq;

/**
 * Records in time order; equal times by ledger id and seq. Which of two equal-time calls counts as
 * the seventh is arbitrary but must not change from run to run.
 */
export const inTimeOrder = (records: readonly LedgerRecord[]): LedgerRecord[] => [...records].sort(byTime);

/**
 * A duration as whole hours and minutes, rounded down: 47 h 59 min is never shown as the 48 hours a
 * rule requires.
 */
export function hoursAndMinutes(ms: number): string {
  const minutes = Math.floor(ms / 60_000);
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}
