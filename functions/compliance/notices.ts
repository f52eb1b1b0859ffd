import { isoUtc } from '../domain/clock.js';
import type { LedgerRecord } from '../domain/ledger.js';
import { hoursAndMinutes } from './order.js';
import { policyNamed } from './rule-pack.js';
import type { AttemptRule, Finding, NoticeCounts, RecordScope } from './types.js';

/**
 * Advance notices: nobody visits without the field-visit notice `fieldVisit.noticeDays` days before
 * (the policy's number), and nothing goes to the credit bureau without the credit-report notice
 * `creditReportNoticeDays` days before (the pack's: CN 0, US 14). The notice is the loan cycle's
 * CONTACT record of the policy stage whose `noticeFor` names the later step, and it counts from its
 * delivery as the loan's delivery chain reports it (a letter: its dispatch plus the policy's transit
 * days), or by the policy's assumption. Days are 24-hour periods, as the ladder waits them.
 */
const DAY = 86_400_000;
type NoticeKind = 'FIELD_VISIT' | 'CREDIT_REPORT' | 'BLACKLIST_REPORT';

/** When a notice counts by the sending alone (a ledger without delivery reports). */
export const sentNoticeCounts: NoticeCounts = (notice) =>
  notice.attempts.some((a) => a.status === 'SENT' || a.status === 'REQUESTED')
    ? Date.parse(notice.at)
    : undefined;

/**
 * When a notice counts by its delivery: the earliest report of one of its messages delivered (SMS,
 * e-mail) or dispatched (a letter, plus the transit days) on the delivery chain; or, if the policy
 * assumes delivery after some hours, then, unless every message of it was reported undelivered.
 */
function deliveredNoticeCounts(
  notice: LedgerRecord,
  deliveries: readonly LedgerRecord[],
  scope: RecordScope,
) {
  const refs = new Set(
    notice.attempts.filter((a) => a.status === 'SENT' || a.status === 'REQUESTED').map((a) => a.providerRef),
  );
  if (refs.size === 0) return undefined;
  const transit = scope.policy?.noticeDelivery.letterTransitDays ?? 0;
  const times: number[] = [];
  const bounced = new Set<string | undefined>();
  for (const r of deliveries) {
    for (const a of r.attempts.filter((x) => refs.has(x.providerRef))) {
      const at = Date.parse(String(r.detail?.reportedAt ?? r.at));
      if (a.status === 'DELIVERED') times.push(at);
      if (a.status === 'DISPATCHED') times.push(at + transit * DAY);
      if (a.status === 'UNDELIVERED') bounced.add(a.providerRef);
    }
  }
  const hours = scope.policy?.noticeDelivery.assumeDeliveredAfterHours ?? null;
  if (hours !== null && bounced.size < refs.size) times.push(Date.parse(notice.at) + hours * 3_600_000);
  return times.length > 0 ? Math.min(...times) : undefined;
}

/** When each notice of `kind` in the loan cycle counts from (those that count at all). */
function noticeTimes(kind: NoticeKind, scope: RecordScope): number[] {
  const stages = new Set(scope.policy?.stages.filter((s) => s.noticeFor === kind).map((s) => s.id));
  const chain = scope.portfolio.chains.get(scope.record.ledgerId) ?? [];
  const deliveries = scope.portfolio.chains.get(`${scope.record.ledgerId}#deliveries`) ?? [];
  const given = scope.portfolio.options.noticeCounts;
  const counts = (n: LedgerRecord) => (given ? given(n, chain) : deliveredNoticeCounts(n, deliveries, scope));
  const notices = chain.filter((r: LedgerRecord) => r.type === 'CONTACT' && stages.has(r.stage));
  return notices.map(counts).filter((t): t is number => t !== undefined);
}

export function noticeFinding(
  kind: NoticeKind,
  scope: RecordScope,
  waitDays: number,
  what: string,
): Finding | undefined {
  if (!scope.policy) {
    return {
      rule: 'UNVERIFIABLE',
      detail: `${what}: policy ${policyNamed(scope.record)} unknown, so its ${kind} notice stage is too`,
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
