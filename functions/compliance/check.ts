import type { AttemptEntry, LedgerRecord } from '../domain/ledger.js';
import { blacklistReport, isBlacklistReport } from './blacklist.js';
import { callAfterConversation, callsIn7Days, connectedPerDebtor, unansweredPerLine } from './caps.js';
import { afterClosure, contactHours, disputeOpen, optedOut, specialStatus } from './contact-rules.js';
import { coveredBy } from './covered.js';
import { duplicateMessage } from './duplicates.js';
import { localMoment, UnknownTimeZoneError } from './local-time.js';
import { creditReportNotice, isCreditReport, visitNotice } from './notices.js';
import { inTimeOrder } from './order.js';
import { buildPortfolio } from './portfolio.js';
import { packOf, policyOf } from './rule-pack.js';
import { zoneAt } from './timeline.js';
import type {
  AttemptRule,
  ComplianceInput,
  ComplianceOptions,
  Finding,
  Portfolio,
  RecordScope,
  Violation,
} from './types.js';

/** Every rule a SENT attempt is judged by, in the order its violations are listed. */
export const ATTEMPT_RULES: readonly AttemptRule[] = [
  contactHours,
  optedOut,
  disputeOpen,
  afterClosure,
  specialStatus,
  unansweredPerLine,
  connectedPerDebtor,
  callsIn7Days,
  callAfterConversation,
  visitNotice,
  duplicateMessage,
];

/** What went out and is judged: a message sent, a letter requested, a call or visit made. */
const sent = (a: AttemptEntry): boolean => a.status === 'SENT' || a.status === 'REQUESTED';

/**
 * The records with the fields the rules read. A scan can return anything stored; an item that is not
 * a record is the ledger audit's to report (it counts them as unreadable), not a reason to stop here.
 */
export const readable = (records: readonly unknown[]): LedgerRecord[] =>
  records.filter((value): value is LedgerRecord => {
    const r = value as Partial<LedgerRecord> | null;
    return (
      typeof r === 'object' &&
      r !== null &&
      typeof r.ledgerId === 'string' &&
      typeof r.loanId === 'string' &&
      Number.isInteger(r.seq) &&
      typeof r.at === 'string' &&
      Array.isArray(r.attempts)
    );
  });

/** A message another loan's message of the day covered (one voice per borrower): judged by what it names. */
const covered = (a: AttemptEntry): boolean => a.status === 'COVERED';

/** A record any rule has something to say about: a SENT or COVERED attempt, a credit-bureau or a blacklist report. */
export const judged = (record: LedgerRecord): boolean =>
  record.attempts.some((a) => sent(a) || covered(a)) || isCreditReport(record) || isBlacklistReport(record);

/** The record's time falls in [since, until). */
export const inWindow = (
  record: LedgerRecord,
  options: Pick<ComplianceOptions, 'since' | 'until'>,
): boolean => {
  const t = Date.parse(record.at);
  return (
    (options.since === undefined || t >= options.since) && (options.until === undefined || t < options.until)
  );
};

/** What the rules need about a record, or why it cannot be judged (an UNVERIFIABLE finding). */
function scopeOf(portfolio: Portfolio, record: LedgerRecord): RecordScope | string {
  const t = Date.parse(record.at);
  if (Number.isNaN(t)) return 'its time is not a date';
  const kase = portfolio.caseOf.get(record.ledgerId);
  if (!kase) return `no case ${record.ledgerId} in the cases table`;
  const profile = portfolio.profileOf.get(kase.borrowerId);
  if (!profile) return `no profile of borrower ${kase.borrowerId} in the cases table`;
  const policy = policyOf(portfolio.options.policies, record);
  const pack = packOf(record, policy);
  if (typeof pack === 'string') return pack;
  const zone = zoneAt(profile, t);
  try {
    localMoment(t, zone);
  } catch (error) {
    if (error instanceof UnknownTimeZoneError) return error.message;
    throw error;
  }
  return { record, t, kase, profile, zone, pack, policy, portfolio };
}

const violation = (record: LedgerRecord, finding: Finding, channel?: string): Violation => ({
  loanId: record.loanId,
  cycle: record.cycle,
  seq: record.seq,
  rule: finding.rule,
  ruleId: `${record.rulePackId}_${finding.rule}`,
  rulePackId: record.rulePackId,
  rulePackVersion: record.rulePackVersion,
  at: record.at,
  ...(channel === undefined ? {} : { channel }),
  detail: finding.detail,
});

/** A record that cannot be judged: one UNVERIFIABLE violation per SENT attempt (or for the report). */
function unverifiable(record: LedgerRecord, why: string): Violation[] {
  const attempts = record.attempts.filter(sent);
  if (attempts.length === 0)
    return [violation(record, { rule: 'UNVERIFIABLE', detail: `${record.type} at ${record.at}: ${why}` })];
  return attempts.map((a) =>
    violation(record, { rule: 'UNVERIFIABLE', detail: `${a.channel} at ${record.at}: ${why}` }, a.channel),
  );
}

function checkRecord(portfolio: Portfolio, record: LedgerRecord): Violation[] {
  const scope = scopeOf(portfolio, record);
  if (typeof scope === 'string') return unverifiable(record, scope);
  const found: Violation[] = [];
  for (const report of [creditReportNotice(scope), blacklistReport(scope)])
    if (report) found.push(violation(record, report));
  record.attempts.forEach((attempt, index) => {
    if (covered(attempt)) {
      const finding = coveredBy(scope, attempt);
      if (finding) found.push(violation(record, finding, attempt.channel));
    }
    if (!sent(attempt)) return;
    for (const rule of ATTEMPT_RULES) {
      const finding = rule({ ...scope, attempt, index });
      if (finding) found.push(violation(record, finding, attempt.channel));
    }
  });
  return found;
}

const byLoan = (a: Violation, b: Violation): number =>
  (a.loanId < b.loanId ? -1 : a.loanId > b.loanId ? 1 : 0) || a.cycle - b.cycle || a.seq - b.seq;

/**
 * Every SENT attempt (and credit-bureau report) in the window that broke a rule, by loan, cycle and
 * seq. The records outside the window are history only (earlier calls, notices, first sends).
 */
export function checkCompliance(input: ComplianceInput, options: ComplianceOptions): Violation[] {
  const records = readable(input.records);
  const ordered = inTimeOrder(records);
  const portfolio = buildPortfolio({ ...input, records }, ordered, options);
  const checked = ordered.filter((r) => judged(r) && inWindow(r, options));
  // A stable sort: one record's violations stay in attempt and rule order.
  return checked.flatMap((r) => checkRecord(portfolio, r)).sort(byLoan);
}
