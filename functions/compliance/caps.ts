import type { BorrowerProfile, CaseRecord } from '../domain/case.js';
import { isoUtc } from '../domain/clock.js';
import type { LedgerRecord } from '../domain/ledger.js';
import { localMoment } from './local-time.js';
import { attemptKey, hoursAndMinutes } from './order.js';
import type { AttemptRule, AttemptScope, CallEntry, Finding } from './types.js';

/**
 * Call-frequency caps, counted over every SENT call stored (not only the records being checked):
 * CN at most N unanswered calls a local day to one phone line (across the borrowers who share it)
 * and N connected calls a local day per debtor (across their loans); US at most N calls in a rolling
 * 168 hours per debt, and no call within N×24 hours after a conversation on that debt.
 */
const HOUR = 3_600_000;
const UNANSWERED = new Set(['NO_ANSWER', 'WRONG_NUMBER']);

/**
 * A call with any other outcome reached someone. A SENT call without an outcome is counted as
 * connected: the stricter reading for the caps that follow a conversation.
 */
export const isConnected = (outcome: string | undefined): boolean => !UNANSWERED.has(outcome ?? '');

/** Every SENT call whose case and borrower are known, in time order, by call key. */
export function indexCalls(
  ordered: readonly LedgerRecord[],
  caseOf: ReadonlyMap<string, CaseRecord>,
  profileOf: ReadonlyMap<string, BorrowerProfile>,
): Map<string, CallEntry> {
  const calls = new Map<string, CallEntry>();
  for (const record of ordered) {
    const kase = caseOf.get(record.ledgerId);
    if (!kase) continue;
    const lineId = profileOf.get(kase.borrowerId)?.lineId;
    record.attempts.forEach((attempt, index) => {
      if (attempt.channel !== 'CALL' || attempt.status !== 'SENT') return;
      calls.set(attemptKey(record, index), {
        t: Date.parse(record.at),
        order: calls.size,
        loanId: record.loanId,
        borrowerId: kase.borrowerId,
        line: lineId ? `line:${lineId}` : `borrower:${kase.borrowerId}`,
        connected: isConnected(attempt.outcome),
      });
    });
  }
  return calls;
}

/** Groups entries by a key, keeping time order. */
export function groupCalls(
  calls: Iterable<CallEntry>,
  key: (c: CallEntry) => string,
): Map<string, CallEntry[]> {
  const groups = new Map<string, CallEntry[]>();
  for (const call of calls) {
    const list = groups.get(key(call));
    if (list) list.push(call);
    else groups.set(key(call), [call]);
  }
  return groups;
}

const ordinal = (n: number): string => {
  const tens = n % 100;
  if (tens >= 11 && tens <= 13) return `${n}th`;
  return `${n}${['th', 'st', 'nd', 'rd'][n % 10] ?? 'th'}`;
};

/**
 * How many calls of `group` matching `which` were made up to and including `call`, on its local day:
 * the day is the checked borrower's (the zone the ladder decided in).
 */
function sameDayCount(
  s: AttemptScope,
  call: CallEntry,
  group: readonly CallEntry[],
  which: (c: CallEntry) => boolean,
) {
  const day = localMoment(call.t, s.zone).date;
  const counted = group.filter(
    (c) => c.order <= call.order && which(c) && localMoment(c.t, s.zone).date === day,
  );
  return { day, count: counted.length };
}

const thisCall = (s: AttemptScope): CallEntry | undefined =>
  s.attempt.channel === 'CALL' ? s.portfolio.calls.get(attemptKey(s.record, s.index)) : undefined;

export const unansweredPerLine: AttemptRule = (s) => {
  const call = thisCall(s);
  const max = s.pack.calls.maxUnansweredPerDayPerNumber;
  if (!call || call.connected || max === null) return undefined;
  const group = s.portfolio.callsByLine.get(call.line) ?? [];
  const { day, count } = sameDayCount(s, call, group, (c) => !c.connected);
  if (count <= max) return undefined;
  return finding(
    'UNANSWERED_CALLS_PER_DAY',
    `CALL at ${s.record.at}: the ${ordinal(count)} unanswered call to the borrower's phone line on ${day} (${s.zone}); at most ${max}`,
  );
};

export const connectedPerDebtor: AttemptRule = (s) => {
  const call = thisCall(s);
  const max = s.pack.calls.maxConnectedPerDayPerDebtor;
  if (!call?.connected || max === null) return undefined;
  const group = s.portfolio.callsByBorrower.get(call.borrowerId) ?? [];
  const { day, count } = sameDayCount(s, call, group, (c) => c.connected);
  if (count <= max) return undefined;
  return finding(
    'CONNECTED_CALLS_PER_DAY',
    `CALL at ${s.record.at}: the ${ordinal(count)} connected call with the borrower on ${day} (${s.zone}); at most ${max}`,
  );
};

export const callsIn7Days: AttemptRule = (s) => {
  const call = thisCall(s);
  const max = s.pack.calls.maxCallsPer7DaysPerDebt;
  if (!call || max === null) return undefined;
  const group = s.portfolio.callsByLoan.get(call.loanId) ?? [];
  const count = group.filter((c) => c.order <= call.order && call.t - c.t < 168 * HOUR).length;
  if (count <= max) return undefined;
  return finding(
    'CALLS_IN_7_DAYS',
    `CALL at ${s.record.at}: the ${ordinal(count)} call on this loan in 168 hours; at most ${max}`,
  );
};

export const callAfterConversation: AttemptRule = (s) => {
  const call = thisCall(s);
  const days = s.pack.calls.quietDaysAfterConversation;
  if (!call || days === null) return undefined;
  const group = s.portfolio.callsByLoan.get(call.loanId) ?? [];
  const talk = group.findLast((c) => c.connected && c.t < call.t && call.t - c.t < days * 24 * HOUR);
  if (!talk) return undefined;
  return finding(
    'CALL_AFTER_CONVERSATION',
    `CALL at ${s.record.at}: ${hoursAndMinutes(call.t - talk.t)} after a conversation on this loan (at ${isoUtc(talk.t)}); none within ${days * 24} hours`,
  );
};

const finding = (rule: Finding['rule'], detail: string): Finding => ({ rule, detail });
