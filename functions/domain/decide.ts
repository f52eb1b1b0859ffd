import {
  type BorrowerProfile,
  type CallRecord,
  type CaseRecord,
  disputeOpen,
  endOfGrace,
  localDaysBetween,
  type NoticeKind,
  pendingPromise,
  resolveChannel,
  stageTime,
} from './case.js';
import { activeHardship } from './hardship.js';
import { nextPlanCheck } from './plan-monitor.js';
import type { Channel, LadderPolicy, Stage } from './policy.js';
import { contactWindowFor } from './preferences.js';
import { nextAllowedMoment, type RulePack } from './rulepacks.js';

/**
 * The ladder's decisions, as pure functions of (policy, case, profile, now). The stage executor calls
 * them right before any contact; the state machine routes on the outcome they produce.
 */

/** The longest single Wait the state machine is given (a Standard workflow Wait may be longer, but
 * the local interpreter's timers overflow at 24.8 days, and short waits re-check the case). */
export const MAX_WAIT_MS = 21 * 24 * 3600 * 1000;

/** What the state machine does next. Each value is a branch of the Choice after a task. */
export type Outcome =
  | 'NEXT'
  | 'WAIT'
  | 'RESUME'
  | 'HOLD'
  | 'PAUSE'
  /** A hardship pause: waits on a task token until its deadline, or until an agent handles it. */
  | 'HARDSHIP'
  | 'PLAN'
  | 'PLAN_CALL'
  | 'SIGN'
  | 'CURED'
  | 'SETTLED'
  | 'CLOSED'
  | 'HANDED_OVER'
  /** The next wait would outlast the execution's year: continue in a fresh one (continuation.ts). */
  | 'CONTINUE';

export interface LedgerHead {
  seq: number;
  hash: string;
}

/** The execution's state between tasks: identifiers, timestamps and hashes only. */
export interface Step {
  outcome: Outcome;
  /** The stage this step concerns ("D+7"). */
  stage: string;
  /** When the next Wait ends (ISO 8601 UTC). */
  wakeAt: string;
  /** The stage escalation resumes at after a pause or hold ('' when none). */
  resumeStage: string;
  ledger: LedgerHead;
  /**
   * With outcome CONTINUE: where the fresh execution resumes (a stage id, or PROMISE, PLAN, HOLD,
   * SIGN: continuation.ts); '' otherwise. Absent from a first execution's input.
   */
  continueAt?: string;
  /** With outcome HARDSHIP: seconds until the pause's deadline (the waiting task's TimeoutSecondsPath). */
  pauseSeconds?: number;
}

/** An execution's input: what the state machine carries between states. */
export interface LadderInput {
  loanId: string;
  borrowerId: string;
  cycle: number;
  policyId: string;
  step: Step;
  /** A continued ladder: the ARN of the execution it continues (the console links it). */
  continuedFrom?: string;
}

export type Gate =
  | { outcome: 'CURED' | 'SETTLED' | 'CLOSED' | 'HANDED_OVER'; reason: string }
  | { outcome: 'HOLD' | 'SIGN' }
  | { outcome: 'PAUSE' | 'PLAN'; until: number };

/**
 * What stops or pauses the ladder before any stage: a closed case, a specialist status (deceased,
 * bankrupt, fraud victim: stop and route to the specialist queue), an open dispute (hold, no contact
 * of any kind), a proposed plan (wait for the signature), an active plan or a pending promise (pause
 * until its date plus grace).
 */
export function gate(policy: LadderPolicy, c: CaseRecord, profile: BorrowerProfile): Gate | undefined {
  if (c.status !== 'ACTIVE') return { outcome: c.status, reason: c.closedReason ?? c.status };
  if (profile.specialStatus) return { outcome: 'CLOSED', reason: `SPECIALIST_${profile.specialStatus}` };
  if (disputeOpen(c)) return { outcome: 'HOLD' };
  if (c.plan?.status === 'PROPOSED') return { outcome: 'SIGN' };
  if (c.plan?.status === 'ACTIVE' || c.plan?.status === 'MISSED') {
    const until = nextPlanCheck(policy, c.plan, profile.timeZone);
    if (until !== undefined) return { outcome: 'PLAN', until };
  }
  const promise = pendingPromise(c);
  if (promise) {
    return {
      outcome: 'PAUSE',
      until: endOfGrace(promise.date, policy.promiseToPay.graceDays, profile.timeZone),
    };
  }
  // Hardship heard: no escalation until its deadline (steps/promise.ts ends it then).
  const hardship = activeHardship(c);
  if (hardship) return { outcome: 'PAUSE', until: Date.parse(hardship.until) };
  return undefined;
}

/** A stage is not due yet: wait for it, at most MAX_WAIT_MS at a time. */
export function notYet(
  policy: LadderPolicy,
  c: CaseRecord,
  profile: BorrowerProfile,
  stage: Stage,
  now: number,
) {
  const due = stageTime(policy, c, stage, profile.timeZone);
  return due > now ? Math.min(due, now + MAX_WAIT_MS) : undefined;
}

/** Why a stage was skipped: a pre-due stage (a reminder or a call) of a loan that came in after its due date. */
export const SKIPPED_LATE = 'SKIPPED_LATE';

/** A pre-due reminder (or call) is pointless once the due date has passed (the case was opened late). */
export function preDueExpired(c: CaseRecord, profile: BorrowerProfile, stage: Stage, now: number): boolean {
  if (stage.offsetDays >= 0) return false;
  return localDaysBetween(now, Date.parse(`${c.dueDate}T12:00:00Z`), profile.timeZone) < 0;
}

/** Why a contact the pack's hours allow waits: the borrower's preferred hours have not begun. */
export const PREFERRED_HOURS = 'PREFERRED_HOURS';

export type ContactStatus = 'SEND' | 'BLOCKED' | 'DEFERRED';
export interface ChannelDecision {
  channel: Channel;
  status: ContactStatus;
  /** The rule or consent that blocked or deferred it. */
  reason?: string;
  /** For DEFERRED: the next allowed moment (epoch ms). */
  until?: number;
}

/** Consent options a policy sets (LadderPolicy has them, so a policy can be passed as is). */
export interface ConsentOptions {
  requireVerifiedContactPoints?: boolean;
}

/** What a contact decision needs besides the profile: the policy's consent options, and the phone line. */
export interface ContactOptions extends ConsentOptions {
  /**
   * Recent calls to the borrower's phone number, whoever they were about (borrowers who share a
   * number share its cap); the borrower's own calls when not given.
   */
  lineCalls?: readonly CallRecord[];
}

/** The contact point a channel uses: calls go to the phone number that SMS uses. */
const CONTACT_POINT: Partial<Record<Channel, 'SMS' | 'EMAIL'>> = { SMS: 'SMS', EMAIL: 'EMAIL', CALL: 'SMS' };

const consentBlock = (
  channel: Channel,
  profile: BorrowerProfile,
  options: ConsentOptions,
): string | undefined => {
  if ((channel === 'SMS' || channel === 'EMAIL' || channel === 'CALL') && profile.optOuts[channel]) {
    return `OPTED_OUT_${channel}`;
  }
  if ((channel === 'SMS' || channel === 'EMAIL') && !profile.contactPoints[channel])
    return 'NO_CONTACT_POINT';
  const point = CONTACT_POINT[channel];
  if (options.requireVerifiedContactPoints && point && profile.contactPoints[point]?.verified !== true) {
    return 'UNVERIFIED_CONTACT_POINT';
  }
  return undefined;
};

/**
 * Per channel: send, block (naming the rule or consent: opt-out, no or unverified contact point, a
 * call cap), or defer to the next allowed moment in the borrower's time zone. Letters and visits follow the contact window too. With FIRST_OPEN delivery,
 * channels after the first open one are not attempted (they are the fallback, used if it fails).
 */
export function decideContacts(
  rules: RulePack,
  channels: ReadonlyArray<Channel | 'PREFERRED'>,
  delivery: 'ALL' | 'FIRST_OPEN',
  profile: BorrowerProfile,
  loanId: string,
  now: number,
  options: ContactOptions = {},
): ChannelDecision[] {
  const resolved = [...new Set(channels.map((c) => resolveChannel(c, profile)))];
  // The borrower's preferred hours narrow the pack's; the pack's alone when they do not overlap.
  const hours = contactWindowFor(rules.contactWindow, profile.preferences?.window);
  const opens = nextAllowedMoment(now, profile.timeZone, hours.window);
  const why =
    hours.preferred && nextAllowedMoment(now, profile.timeZone, rules.contactWindow) === now
      ? PREFERRED_HOURS
      : `${rules.id}_CONTACT_HOURS`;
  const decisions: ChannelDecision[] = [];
  for (const channel of resolved) {
    const blocked =
      consentBlock(channel, profile, options) ??
      (channel === 'CALL' ? callCapBlock(rules, profile, loanId, now, options.lineCalls) : undefined);
    if (blocked) {
      decisions.push({ channel, status: 'BLOCKED', reason: blocked });
      continue;
    }
    if (opens > now) {
      decisions.push({ channel, status: 'DEFERRED', reason: why, until: opens });
    } else {
      decisions.push({ channel, status: 'SEND' });
    }
    if (delivery === 'FIRST_OPEN') break;
  }
  return decisions;
}

/** The fallback channels of a FIRST_OPEN stage after `failed`, in policy order. */
export function fallbackChannels(
  channels: ReadonlyArray<Channel | 'PREFERRED'>,
  profile: BorrowerProfile,
  tried: ReadonlySet<Channel>,
): Channel[] {
  return [...new Set(channels.map((c) => resolveChannel(c, profile)))].filter((c) => !tried.has(c));
}

const DAY = 24 * 3600 * 1000;

/**
 * Call-frequency rules of the pack. CN: unanswered calls a day to one number (counted over everyone who
 * shares the number), connected calls a day per debtor (across their loans). US Reg F: 7 calls in 7
 * days per debt, and none within 7 days after a conversation about that debt. Days are the
 * borrower's local days; "7 days" is a rolling 168 hours. A call counts from the moment its task
 * opens (functions/human-task/core.ts reserves it), so call tasks opened together cannot all pass.
 */
export function callCapBlock(
  rules: RulePack,
  profile: BorrowerProfile,
  loanId: string,
  now: number,
  lineCalls: readonly CallRecord[] = profile.calls,
): string | undefined {
  const { calls } = rules;
  const today = (call: CallRecord) => localDaysBetween(Date.parse(call.at), now, profile.timeZone) === 0;
  const unansweredToday = lineCalls.filter((call) => !call.connected && today(call)).length;
  if (calls.maxUnansweredPerDayPerNumber !== null && unansweredToday >= calls.maxUnansweredPerDayPerNumber)
    return `${rules.id}_UNANSWERED_CALLS_PER_DAY`;
  // A call whose outcome is not known yet may yet connect: it counts as connected here, and as
  // unanswered above (connected is false until its outcome says otherwise).
  const connectedToday = profile.calls.filter(
    (call) => (call.connected || call.pending) && today(call),
  ).length;
  if (calls.maxConnectedPerDayPerDebtor !== null && connectedToday >= calls.maxConnectedPerDayPerDebtor)
    return `${rules.id}_CONNECTED_CALLS_PER_DAY`;
  const thisDebt = profile.calls.filter(
    (call) => call.loanId === loanId && now - Date.parse(call.at) < 7 * DAY,
  );
  if (calls.maxCallsPer7DaysPerDebt !== null && thisDebt.length >= calls.maxCallsPer7DaysPerDebt)
    return `${rules.id}_CALLS_IN_7_DAYS`;
  const quietDays = calls.quietDaysAfterConversation;
  const talkedRecently = (call: CallRecord) =>
    call.loanId === loanId && call.connected && now - Date.parse(call.at) < (quietDays ?? 0) * DAY;
  if (quietDays !== null && profile.calls.some(talkedRecently)) return `${rules.id}_CALL_AFTER_CONVERSATION`;
  return undefined;
}

/** When a notice counts from, and why: reported delivered (or a letter dispatched), or assumed by the policy. */
export interface NoticeCount {
  at: number;
  basis: 'DELIVERED' | 'DISPATCHED' | 'ASSUMED';
}

/** How long a sent notice waits for its delivery report before it is judged without one. */
export const DELIVERY_REPORT_WAIT_MS = DAY;

/**
 * When the notice counts from: its reported delivery (functions/delivery sets `notices`), or, where the
 * policy assumes delivery, that many hours after it was sent unless every send of it was reported
 * undelivered. A notice sent and not (yet) reported delivered does not count.
 */
export function noticeCountsFrom(
  c: CaseRecord,
  kind: NoticeKind,
  policy: Pick<LadderPolicy, 'noticeDelivery'>,
  now: number,
): NoticeCount | undefined {
  const delivered = c.notices[kind];
  if (delivered) return { at: Date.parse(delivered), basis: c.noticeBasis?.[kind] ?? 'DELIVERED' };
  const sent = c.noticesSent?.[kind];
  const hours = policy.noticeDelivery.assumeDeliveredAfterHours;
  if (!sent || hours === null || everyUndelivered(sent)) return undefined;
  const at = Date.parse(sent.at) + hours * 3_600_000;
  return at <= now ? { at, basis: 'ASSUMED' } : undefined;
}

const everyUndelivered = (sent: { refs: string[]; undelivered?: string[] }) =>
  sent.refs.length > 0 && sent.refs.every((r) => sent.undelivered?.includes(r));

/**
 * A field visit or a credit report may only follow its advance notice, delivered, and only after the
 * notice's waiting period. No notice sent: BLOCKED. Sent, its delivery report not in yet: DEFERRED for
 * up to a day, then BLOCKED (a notice that was not delivered does not count: 征信业管理条例 art. 15,
 * Reg F §1006.30). Delivered, the wait not over: DEFERRED until it is.
 */
export function noticeGate(
  kind: NoticeKind,
  c: CaseRecord,
  waitDays: number,
  now: number,
  policy: Pick<LadderPolicy, 'noticeDelivery'>,
): { status: 'BLOCKED' | 'DEFERRED'; reason: string; until?: number } | undefined {
  const counted = noticeCountsFrom(c, kind, policy, now);
  const sent = c.noticesSent?.[kind];
  if (!counted && !sent) return { status: 'BLOCKED', reason: `NO_${kind}_NOTICE` };
  if (!counted) {
    const reported = Date.parse(sent?.at ?? '') + DELIVERY_REPORT_WAIT_MS;
    if (sent && !everyUndelivered(sent) && now < reported)
      return { status: 'DEFERRED', reason: `${kind}_NOTICE_DELIVERY_PENDING`, until: reported };
    return { status: 'BLOCKED', reason: `${kind}_NOTICE_NOT_DELIVERED` };
  }
  const until = counted.at + waitDays * DAY;
  return now < until ? { status: 'DEFERRED', reason: `${kind}_NOTICE_PERIOD`, until } : undefined;
}
