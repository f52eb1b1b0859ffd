import { isoUtc } from '../domain/clock.js';
import type { LedgerRecord } from '../domain/ledger.js';
import { hoursAndMinutes } from './order.js';
import type { AttemptRule, Finding, NoticeCounts, RecordScope } from './types.js';

/**
 * Advance notices: nobody visits without the field-visit notice `fieldVisit.noticeDays` days before
 * (the policy's number), and nothing goes to the credit bureau without the credit-report notice
 * `creditReportNoticeDays` days before (the pack's: CN 0, US 14). The notice is the loan cycle's
 * CONTACT record of the policy stage whose `noticeFor` names the later step. Days are 24-hour
 * periods, as the ladder waits them.
 */
const DAY = 86_400_000;
type NoticeKind = 'FIELD_VISIT' | 'CREDIT_REPORT';

/** The default: a notice counts from its record's time once one of its attempts was SENT. */
export const sentNoticeCounts: NoticeCounts = (notice) =>
  notice.attempts.some((a) => a.status === 'SENT') ? Date.parse(notice.at) : undefined;

/** When each notice of `kind` in the loan cycle counts from (those that count at all). */
function noticeTimes(kind: NoticeKind, scope: RecordScope): number[] {
  const stages = new Set(scope.policy?.stages.filter((s) => s.noticeFor === kind).map((s) => s.id));
  const chain = scope.portfolio.chains.get(scope.record.ledgerId) ?? [];
  const counts = scope.portfolio.options.noticeCounts ?? sentNoticeCounts;
  const notices = chain.filter((r: LedgerRecord) => r.type === 'CONTACT' && stages.has(r.stage));
  return notices.map((n) => counts(n, chain)).filter((t): t is number => t !== undefined);
}

function noticeFinding(
  kind: NoticeKind,
  scope: RecordScope,
  waitDays: number,
  what: string,
): Finding | undefined {
  if (!scope.policy) {
    return {
      rule: 'UNVERIFIABLE',
      detail: `${what}: policy "${scope.record.policyId}" unknown, so its ${kind} notice stage is too`,
    };
  }
  const latestAllowed = scope.t - waitDays * DAY;
  const times = noticeTimes(kind, scope);
  if (times.some((n) => n <= latestAllowed)) return undefined;
  const earlier = times.filter((n) => n <= scope.t);
  const wait = `${waitDays} day(s) required`;
  if (earlier.length === 0)
    return { rule: 'NO_NOTICE', detail: `${what}: no ${kind} notice counts before it; ${wait}` };
  const newest = Math.max(...earlier);
  return {
    rule: 'NO_NOTICE',
    detail: `${what}: the ${kind} notice counts from ${isoUtc(newest)}, ${hoursAndMinutes(scope.t - newest)} before; ${wait}`,
  };
}

export const visitNotice: AttemptRule = (s) =>
  s.attempt.channel === 'VISIT'
    ? noticeFinding('FIELD_VISIT', s, s.policy?.fieldVisit.noticeDays ?? 0, `VISIT at ${s.record.at}`)
    : undefined;

/** A HANDOVER record that reported to the credit bureau (`detail.report` CREDIT_BUREAU). */
export const isCreditReport = (record: LedgerRecord): boolean =>
  record.type === 'HANDOVER' && record.detail?.report === 'CREDIT_BUREAU';

export const creditReportNotice = (scope: RecordScope): Finding | undefined =>
  isCreditReport(scope.record)
    ? noticeFinding(
        'CREDIT_REPORT',
        scope,
        scope.pack.creditReportNoticeDays,
        `credit-bureau report at ${scope.record.at}`,
      )
    : undefined;
