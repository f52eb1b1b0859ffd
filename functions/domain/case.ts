import { DateTime } from 'luxon';
import type { z } from 'zod';
import type { DisputeDocumentRef } from './dispute-document.js';
import { draw } from './draw.js';
import type { ContactChannel as ContactChannelSchema } from './events.js';
import type { LocaleHow } from './locale.js';
import type { RecallReason } from './outbound.js';
import type { Channel, LadderPolicy, Locale, PolicyVersion, Stage } from './policy.js';
import type { ContactPreferences, HourWindow } from './preferences.js';
import { dayOfDate, localDay, zone } from './zone.js';

/** The work queues of human tasks. */
/** `conversations`: what borrowers wrote back, for an agent to read and answer (no execution waits on it). */
export const TASK_QUEUES = [
  'agent-calls',
  'field-visits',
  'plan-signing',
  'specialist',
  'conversations',
] as const;
export type TaskQueue = (typeof TASK_QUEUES)[number];

/** The notices a later stage depends on. */
export type NoticeKind = 'FIELD_VISIT' | 'CREDIT_REPORT' | 'BLACKLIST_REPORT';

/** How a case leaves the ladder (ACTIVE while it is on it). */
export type CaseStatus = 'ACTIVE' | 'CURED' | 'SETTLED' | 'HANDED_OVER' | 'CLOSED';
/** A channel a borrower can opt out of (the event contract's enum). */
export type ContactChannel = z.infer<ReturnType<typeof ContactChannelSchema>>;

export interface PromiseToPay {
  amountMinor: number;
  /** Local date the borrower promised to pay by. */
  date: string;
  madeAt: string;
  /** paidMinor when the promise was made: payments after it count towards the promise. */
  paidAtMakeMinor: number;
  status: 'PENDING' | 'KEPT' | 'BROKEN';
}

export interface RepaymentPlan {
  instalments: Array<{ amountMinor: number; date: string }>;
  proposedAt: string;
  /** The agreement must be signed by then, or the plan lapses and escalation resumes. */
  expiresAt: string;
  /** When it was signed ('' until then). */
  acceptedAt: string;
  paidAtAcceptMinor: number;
  /** What was owed when it was agreed, and the instalments' total (less: a settlement; the rest is waived once kept). */
  balanceAtAgreementMinor: number;
  agreedMinor: number;
  /** Who approved a settlement above the policy's approval limit. */
  approval?: { approverId: string; at: string };
  /** The signed agreement document in the evidence store, and its SHA-256. */
  agreement?: { key: string; sha256: string };
  /** Plans agreed after a missed instalment of an earlier one, up to the policy's maxRenegotiations. */
  renegotiations: number;
  /**
   * MISSED: an instalment was missed and the borrower asked why; the reply window, then an agent's
   * call, decide whether it is renegotiated, paid late, or BROKEN (escalation resumes).
   */
  status: 'PROPOSED' | 'ACTIVE' | 'MISSED' | 'COMPLETED' | 'BROKEN' | 'EXPIRED' | 'DECLINED';
  /** Instalments confirmed paid so far. */
  confirmed: number;
  /** Instalments the borrower was reminded of before their date. */
  reminded?: number;
  /** When the missed instalment's follow-up went out (the reply window runs from then). */
  missedAt?: string;
}

/** A one-time lump-sum settlement offer (a policy band): paid in full by its date, the loan is SETTLED. */
export interface SettlementOffer {
  amountMinor: number;
  /** What was owed when it was made: the rest is waived once it is paid. */
  balanceMinor: number;
  madeAt: string;
  /** The last local date it may be paid on. */
  validUntil: string;
  paidAtOfferMinor: number;
  agreement: { key: string; sha256: string };
}

/**
 * A balance the loan system reported (BalanceChanged): what was owed as of `asOf`, every payment made
 * by then applied. The loan system is the source of truth: from its latest report on, the amount owed
 * is that report less the payments made after it (functions/domain/balance.ts).
 */
export interface BalanceReport {
  asOf: string;
  principalMinor: number;
  interestMinor: number;
  penaltyMinor: number;
  feesMinor: number;
  recordedAt: string;
}

/** What a settlement came to: everything paid on the loan cycle, and what the lender gave up (0 for a full plan). */
export interface Settlement {
  settledForMinor: number;
  waivedMinor: number;
  at: string;
}

/** One delinquent loan cycle: what the ladder knows about it. No contact details. */
export interface CaseRecord {
  loanId: string;
  cycle: number;
  borrowerId: string;
  policyId: string;
  policyVersion: PolicyVersion;
  /** Champion/challenger arm, when the loan's policy runs an experiment (recorded at intake). */
  experiment?: { policyId: string; seed: string; arm: 'champion' | 'challenger' };
  currency: string;
  amountDueMinor: number;
  paidMinor: number;
  /**
   * Every payment counted (a payment id delivered twice is counted once): the balance history.
   * `acknowledgedAt`: when a message told the borrower it was received.
   */
  payments: Array<{
    paymentId: string;
    amountMinor: number;
    paidAt: string;
    recordedAt: string;
    acknowledgedAt?: string;
  }>;
  /** The loan system's balance reports, oldest first (BalanceChanged). */
  balances?: BalanceReport[];
  /** A card's minimum payment: paying it cures the delinquency under a policy that cures on it. */
  minimumDueMinor?: number;
  /**
   * Periods in which the policy accrues nothing: while a signed agreement holds (from its proposal to
   * the day it was broken, or for good once it is kept).
   */
  accrualPauses?: Array<{ from: string; to?: string }>;
  /** What an agreement fulfilled came to (SETTLED only). */
  settlement?: Settlement;
  /** The settlement offer made (one per loan cycle). */
  offer?: SettlementOffer;
  dueDate: string;
  openedAt: string;
  status: CaseStatus;
  closedReason?: string;
  dispute?: {
    openedAt: string;
    /** The borrower's reason code (DisputeOpened.reason), when they gave one. */
    reason?: string;
    /** The document the borrower attached (its evidence-bucket key and SHA-256), when there is one. */
    document?: DisputeDocumentRef;
    resolvedAt?: string;
    inFavourOf?: 'lender' | 'borrower';
  };
  promises: PromiseToPay[];
  plan?: RepaymentPlan;
  hardshipAt?: string;
  /** The call tasks each agent-call stage has made (a call not answered is tried again, up to the stage's attempts). */
  callTries?: Record<string, string[]>;
  /** Hardship heard: escalation pauses until `until` (functions/domain/hardship.ts). */
  hardship?: Hardship;
  /**
   * The borrower's replies on this loan: the conversation item (its text is in the conversations table,
   * never here), the SHA-256 of the text, the intent the table found, and the agent's handling.
   */
  replies?: ReplyRef[];
  /** Days the remaining stages moved later because of a pause (promise, plan, dispute). */
  shiftDays: number;
  /**
   * The execution the ladder runs in once it has continued past its first (continuation.ts): the
   * console's way from the case to its current execution. Absent: the first, executionName(loan, cycle).
   */
  execution?: string;
  /** The callback token of a hold or human task the execution waits on (never leaves the service). */
  waitToken?: string;
  /**
   * The human task the execution waits on: the events that stop or hold the ladder (a dispute, an
   * opt-out of calls, a cure, a specialist status, an erasure) withdraw it from the work queue.
   */
  openTask?: { taskId: string; queue: TaskQueue };
  /** Disputes resolved before the current one (the compliance check reads every hold). */
  disputeHistory?: Array<{
    openedAt: string;
    resolvedAt?: string;
    inFavourOf?: 'lender' | 'borrower';
    document?: DisputeDocumentRef;
  }>;
  /** The segment that chose its policy at intake (functions/domain/segments.ts): NAMED when the event named it, DEFAULT without a table. */
  segment?: string;
  /** Placement with a collection agency, and its recall (on payment or an agreed plan). */
  agency?: { placedAt: string; recalledAt?: string; recallReason?: RecallReason };
  /**
   * The negative report sent to the credit bureau (its request's idempotency key), and when a cure or
   * a settlement after it asked the bureau to correct it (CreditBureauCorrectionRequested).
   */
  bureauReport?: { reportedAt: string; reportKey: string; correctedAt?: string };
  /**
   * The serious default shared on the policy's industry blacklist (its request's idempotency key and
   * the registry), and when a cure, a settlement or an upheld dispute asked for its removal.
   */
  blacklist?: { reportedAt: string; reportKey: string; registry: string; removalRequestedAt?: string };
  /**
   * Repayment plans the borrower proposed after the legal handoff: forwarded to legal (it decides),
   * not applied to a case that has left the ladder.
   */
  forwardedToLegal?: Array<{ at: string; totalMinor: number }>;
  /**
   * When each advance notice counts from: its delivery (a provider's report, or a letter's dispatch
   * plus its transit days), or the policy's assumption. A field visit or a credit report may follow
   * only after it, and after its waiting period (noticeGate).
   */
  notices: Partial<Record<NoticeKind, string>>;
  /** How each notice came to count: DELIVERED, DISPATCHED (a letter) or ASSUMED (the policy's rule). */
  noticeBasis?: Partial<Record<NoticeKind, 'DELIVERED' | 'DISPATCHED' | 'ASSUMED'>>;
  /** The sends of each notice, waiting for their delivery reports (provider references). */
  noticesSent?: Partial<Record<NoticeKind, { at: string; refs: string[]; undelivered?: string[] }>>;
  /** When the case left the ladder (cured, settled, closed, handed over). */
  closedAt?: string;
}

export interface Hardship {
  /** How Ladder heard it: a HardshipReported event, a reply, or an agent's call outcome. */
  source: 'EVENT' | 'REPLY' | 'CALL';
  reportedAt: string;
  /** Escalation resumes at this instant (reportedAt plus the policy's hardship.pauseDays). */
  until: string;
  /** When the plan offer went out (for a call, with the outcome's own record). */
  offeredAt?: string;
  /** An agent handled the reply that started it and did not confirm hardship: the pause ends now. */
  handledAt?: string;
  endedAt?: string;
}

export interface ReplyRef {
  itemId: string;
  taskId: string;
  channel: 'SMS' | 'EMAIL';
  intent: string;
  sha256: string;
  receivedAt: string;
  /** When an agent completed the conversation item, and what they recorded. */
  handledAt?: string;
  outcome?: string;
}

export interface CallRecord {
  at: string;
  loanId: string;
  connected: boolean;
  /** Whose call it was, in a phone line's log (borrowers who share a number share its cap). */
  borrowerId?: string;
  /** The call task: a call is counted when its task opens, and its outcome filled in when recorded. */
  taskId?: string;
  /** Opened, outcome not known yet: counts against every cap (in doubt, do not call). */
  pending?: boolean;
}

/** Special statuses that end every ladder of the borrower. */
export type SpecialStatus = 'DECEASED' | 'BANKRUPT' | 'FRAUD_VICTIM' | 'ERASED';

/**
 * A change to what the borrower allows or is, as applied: when it says it happened (`at`) and when
 * Ladder learned of it (`recordedAt`). The log is what the compliance check reads to judge each
 * contact against what was known when it was made.
 */
export type ProfileChange =
  | { type: 'OPT_OUT' | 'OPT_IN'; channel: ContactChannel; at: string; recordedAt: string }
  | { type: 'STATUS'; status: SpecialStatus; at: string; recordedAt: string }
  | { type: 'TIME_ZONE'; timeZone: string; recordedAt: string }
  /** The borrower's language tag and the template locale it resolved to (functions/domain/locale.ts). */
  | { type: 'LOCALE'; requested: string; locale: Locale; how: LocaleHow; recordedAt: string }
  /** The borrower chose preferred contact hours (window) or removed them (no window). */
  | { type: 'CONTACT_WINDOW'; window?: HourWindow; at: string; recordedAt: string }
  /** A phone number or e-mail address replaced after its one-time code was typed (contact-correction.ts). */
  | { type: 'CONTACT_POINT'; channel: 'SMS' | 'EMAIL'; at: string; recordedAt: string };

/** The borrower as the rules see them: preferences, consent and recent calls. No contact details. */
export interface BorrowerProfile {
  borrowerId: string;
  timeZone: string;
  /** The template locale the borrower's language tag resolved to; the resolution is in `changes`. */
  locale: Locale;
  preferredChannel?: 'SMS' | 'EMAIL';
  /**
   * What the borrower chose themselves (BorrowerPreferencesChanged): preferred contact hours, and the
   * language tag they picked, which outranks the loan record's locale at intake.
   */
  preferences?: ContactPreferences;
  optOuts: Partial<Record<ContactChannel, string>>;
  /**
   * The latest opt-in per channel (BorrowerOptedIn): an opt-out older than it, delivered late, no
   * longer closes the channel.
   */
  optIns?: Partial<Record<ContactChannel, string>>;
  /** Which contact points the contacts table holds, and whether they are verified. */
  contactPoints: Partial<Record<'SMS' | 'EMAIL', { verified: boolean }>>;
  specialStatus?: SpecialStatus;
  calls: CallRecord[];
  /**
   * A pseudonym of the borrower's phone number (an HMAC under the line key, never the number): the
   * key of the line's call log, shared by every borrower with that number.
   */
  lineId?: string;
  /** Every consent, status and time-zone change applied, oldest first. */
  changes?: ProfileChange[];
  /**
   * One voice per borrower (functions/domain/one-voice.ts): per message channel, the loan whose step
   * took the borrower's message of that local day; the other loans' steps that day are covered by it.
   */
  sendSlots?: Partial<Record<'SMS' | 'EMAIL' | 'CALL' | 'VISIT', SendSlot>>;
}

/** The day's message on a channel: taken by one loan's step, named by its ledger record. */
export interface SendSlot {
  /** The borrower's local day, YYYY-MM-DD. */
  day: string;
  loanId: string;
  cycle: number;
  seq: number;
  /** The other loans the holder's message covers: only these are COVERED_BY it. */
  covers?: string[];
  /** A call's or visit's slot: the holder's task, which the covered loans' executions wait on. */
  taskId?: string;
}

export const balanceMinor = (c: Pick<CaseRecord, 'amountDueMinor' | 'paidMinor'>): number =>
  Math.max(0, c.amountDueMinor - c.paidMinor);
export const pendingPromise = (c: CaseRecord): PromiseToPay | undefined =>
  c.promises.find((p) => p.status === 'PENDING');
export const disputeOpen = (c: CaseRecord): boolean =>
  c.dispute !== undefined && c.dispute.resolvedAt === undefined;
export const caseKey = (loanId: string, cycle: number): string => `${loanId}#${cycle}`;

const hhmm = (s: string): { hour: number; minute: number } => {
  const [hour, minute] = s.split(':').map(Number);
  return { hour: hour ?? 0, minute: minute ?? 0 };
};

/** Minutes after the policy's stage time at which this borrower's stages go out (stageSpreadMinutes). */
export const spreadMinutes = (policy: LadderPolicy, borrowerId: string): number =>
  policy.stageSpreadMinutes === 0
    ? 0
    : Math.floor(draw(`stage-spread:${borrowerId}`) * policy.stageSpreadMinutes);

/**
 * When a stage is due: its day (due date + offset + pause shift) at the policy's local time, plus the
 * borrower's place in the policy's spread.
 */
export function stageTime(policy: LadderPolicy, c: CaseRecord, stage: Stage, timeZone: string): number {
  const at = DateTime.fromISO(c.dueDate, { zone: zone(timeZone) })
    .plus({ days: stage.offsetDays + c.shiftDays })
    .set({ ...hhmm(policy.stageLocalTime), second: 0, millisecond: 0 })
    .toMillis();
  return at + spreadMinutes(policy, c.borrowerId) * 60_000;
}

/**
 * The earliest a stage may run after one that ran at `lastRunMs`: the policy's stage time (with the
 * borrower's spread) `minStageSpacingDays` local days later. A stage whose own time is already past
 * (a loan that came in late, a ladder that ran late) catches up at this pace instead of at once.
 */
export function spacedStageTime(
  policy: LadderPolicy,
  c: CaseRecord,
  lastRunMs: number,
  timeZone: string,
): number {
  const at = DateTime.fromMillis(lastRunMs, { zone: zone(timeZone) })
    .startOf('day')
    .plus({ days: policy.minStageSpacingDays })
    .set({ ...hhmm(policy.stageLocalTime), second: 0, millisecond: 0 })
    .toMillis();
  return at + spreadMinutes(policy, c.borrowerId) * 60_000;
}

/** The first moment after a local date's end plus grace days: a promise or instalment is late from then. */
export function endOfGrace(date: string, graceDays: number, timeZone: string): number {
  return DateTime.fromISO(date, { zone: zone(timeZone) })
    .plus({ days: graceDays + 1 })
    .startOf('day')
    .toMillis();
}

/** Whole local days from `from` to `to` (negative when `to` is earlier). */
export function localDaysBetween(fromMs: number, toMs: number, timeZone: string): number {
  return localDay(toMs, timeZone) - localDay(fromMs, timeZone);
}

export const daysPastDue = (c: CaseRecord, now: number, timeZone: string): number =>
  Math.max(0, localDay(now, timeZone) - dayOfDate(c.dueDate));

/** Channel a PREFERRED stage resolves to. */
export const resolveChannel = (channel: Channel | 'PREFERRED', profile: BorrowerProfile): Channel =>
  channel === 'PREFERRED' ? (profile.preferredChannel ?? 'SMS') : channel;

/** Takes a case off the ladder: the status, why, and when (for days-to-cure and the evidence pack). */
export function close(
  c: CaseRecord,
  status: Exclude<CaseStatus, 'ACTIVE'>,
  reason: string,
  now: number,
): void {
  c.status = status;
  c.closedReason = reason;
  c.closedAt = new Date(now).toISOString();
}
