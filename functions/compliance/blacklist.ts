import type { LedgerRecord } from '../domain/ledger.js';
import { localMoment } from './local-time.js';
import { noticeFinding } from './notices.js';
import type { Finding, RecordScope } from './types.js';

const DAY = 86_400_000;

/** A HANDOVER record that shared the loan on an industry blacklist (`detail.report` BLACKLIST). */
export const isBlacklistReport = (record: LedgerRecord): boolean =>
  record.type === 'HANDOVER' && record.detail?.report === 'BLACKLIST';

/** Calendar days from the due date to a local date, both YYYY-MM-DD: date arithmetic, no time zone library. */
const daysBetween = (dueDate: string, localDate: string): number =>
  Math.round((Date.parse(`${localDate}T00:00:00Z`) - Date.parse(`${dueDate}T00:00:00Z`)) / DAY);

/**
 * A blacklist report, re-stated from the policy (DOMAIN.md: only severe defaulters, after notice):
 * the policy must have a blacklist section; the blacklist notice must count at least its
 * `noticeDays` before (NO_NOTICE); the loan must be at least `minDaysPastDue` days past due on the
 * borrower's local calendar at the report, computed here from the case's due date, and the balance
 * the report names at least the policy's `minBalance` in the loan's currency (NOT_SEVERE).
 */
export function blacklistReport(scope: RecordScope): Finding | undefined {
  if (!isBlacklistReport(scope.record)) return undefined;
  const what = `blacklist report at ${scope.record.at}`;
  const rule = scope.policy?.blacklist;
  if (scope.policy && !rule)
    return { rule: 'NOT_SEVERE', detail: `${what}: policy ${scope.policy.id} shares no one on a blacklist` };
  const notice = noticeFinding('BLACKLIST_REPORT', scope, rule?.noticeDays ?? 0, what);
  if (notice || !rule) return notice;
  const days = daysBetween(scope.kase.dueDate, localMoment(scope.t, scope.zone).date);
  if (days < rule.minDaysPastDue)
    return {
      rule: 'NOT_SEVERE',
      detail: `${what}: ${days} days past due; the policy shares from ${rule.minDaysPastDue}`,
    };
  const floor = rule.minBalance[scope.kase.currency];
  const balance = Number(scope.record.detail?.balance);
  if (floor === undefined || !(balance >= Number(floor)))
    return {
      rule: 'NOT_SEVERE',
      detail: `${what}: balance ${String(scope.record.detail?.balance)} ${scope.kase.currency}; the policy shares from ${floor ?? `no balance in ${scope.kase.currency}`}`,
    };
  return undefined;
}
