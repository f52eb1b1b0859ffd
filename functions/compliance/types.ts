import type { BorrowerProfile, CaseRecord } from '../domain/case.js';
import type { AttemptEntry, LedgerRecord } from '../domain/ledger.js';
import type { LadderPolicy } from '../domain/policy.js';
import type { RulePack } from '../domain/rulepacks.js';

/**
 * The compliance check: a second, independent reading of the contact rules over what the system
 * stored (ledger records, borrower profiles, cases). It shares no decision code with the ladder
 * (functions/domain/decide.ts) and no time arithmetic (luxon, zone.ts): only the rule packs' numbers
 * and the policies, which are data. A bug in the ladder's decisions then shows up here instead of
 * being repeated here.
 */

/**
 * The rules, by stable generic name. A violation's `ruleId` prefixes the rule pack's id
 * (`CN_CONTACT_HOURS`, `US_CALLS_IN_7_DAYS`): the same form as the reasons the ladder itself records
 * when it blocks or defers, so an officer can set a finding beside the ladder's own decisions.
 */
export const RULES = [
  'CONTACT_HOURS',
  'OPTED_OUT',
  'DISPUTE_OPEN',
  'AFTER_CLOSURE',
  'SPECIAL_STATUS',
  'UNANSWERED_CALLS_PER_DAY',
  'CONNECTED_CALLS_PER_DAY',
  'CALLS_IN_7_DAYS',
  'CALL_AFTER_CONVERSATION',
  'NO_NOTICE',
  'NOT_SEVERE',
  'DUPLICATE_MESSAGE',
  'COVERED_BY_NOTHING',
  'UNVERIFIABLE',
] as const;
export type RuleName = (typeof RULES)[number];

/** One SENT attempt (or credit-bureau report) that broke a rule. Identifiers and times only. */
export interface Violation {
  loanId: string;
  cycle: number;
  seq: number;
  rule: RuleName;
  /** `<rulePackId>_<rule>`, e.g. CN_CONTACT_HOURS. */
  ruleId: string;
  /** The rule pack the record names (the one that decided it). */
  rulePackId: string;
  rulePackVersion: string;
  /** The record's time (ISO 8601 UTC). */
  at: string;
  /** The attempt's channel; absent for a credit-bureau report (a handover, not a contact). */
  channel?: string;
  /** What was found: times, zones, stage and template ids, seqs. Never a contact detail. */
  detail: string;
}

/** What the system stored: the whole ledger (or a part of it), and the cases and profiles it concerns. */
export interface ComplianceInput {
  records: readonly LedgerRecord[];
  profiles: readonly BorrowerProfile[];
  cases: readonly CaseRecord[];
}

/**
 * When a notice counts: given a notice record (a CONTACT record of the notice stage) and every record
 * of its loan cycle, the instant from which it counts, or undefined when it does not count.
 *
 * The default (`sentNoticeCounts`) counts a notice from its record's time once an attempt was SENT.
 * When the ledger also records delivery (DELIVERED / UNDELIVERED records), pass a function that finds
 * the notice's delivery in `chain` and returns its time (undefined while undelivered): the CN credit
 * reporting rule counts only a notice that reached the borrower (DOMAIN.md).
 */
export type NoticeCounts = (notice: LedgerRecord, chain: readonly LedgerRecord[]) => number | undefined;

/** The policies by id (PolicyRegistry satisfies it); `get` may throw for an unknown id. */
export interface PolicyLookup {
  get(id: string): LadderPolicy;
}

export interface ComplianceOptions {
  policies: PolicyLookup;
  /**
   * Only records with `since <= at < until` (epoch ms) are checked; every record given still counts
   * as history (earlier calls for the caps, notices, the first of two duplicates).
   */
  since?: number;
  until?: number;
  noticeCounts?: NoticeCounts;
}

/** What a rule says about one attempt: nothing, or which rule and why. */
export interface Finding {
  rule: RuleName;
  detail: string;
}

/** One SENT CALL attempt, as the call caps count it. */
export interface CallEntry {
  t: number;
  /** Position in the portfolio's time order: equal times are ordered by ledger id, seq, attempt. */
  order: number;
  loanId: string;
  borrowerId: string;
  /** The phone line: the profile's lineId, or the borrower alone when there is none. */
  line: string;
  connected: boolean;
}

/** The stored state, indexed once for every rule. */
export interface Portfolio {
  caseOf: ReadonlyMap<string, CaseRecord>;
  profileOf: ReadonlyMap<string, BorrowerProfile>;
  /** Each loan cycle's records in seq order, by ledgerId. */
  chains: ReadonlyMap<string, readonly LedgerRecord[]>;
  /** Every SENT call, by attempt key (order.ts). */
  calls: ReadonlyMap<string, CallEntry>;
  callsByLine: ReadonlyMap<string, readonly CallEntry[]>;
  callsByBorrower: ReadonlyMap<string, readonly CallEntry[]>;
  callsByLoan: ReadonlyMap<string, readonly CallEntry[]>;
  /** Every SENT attempt that repeats an earlier message, by attempt key. */
  duplicates: ReadonlyMap<string, Finding>;
  options: ComplianceOptions;
}

/** Everything a rule needs to judge one record (and, for a contact, one of its SENT attempts). */
export interface RecordScope {
  record: LedgerRecord;
  t: number;
  kase: CaseRecord;
  profile: BorrowerProfile;
  /** The borrower's zone in effect at `t`. */
  zone: string;
  pack: RulePack;
  /** The record's policy, when the registry knows it (notices need its stages). */
  policy: LadderPolicy | undefined;
  portfolio: Portfolio;
}

export interface AttemptScope extends RecordScope {
  attempt: AttemptEntry;
  index: number;
}

export type AttemptRule = (scope: AttemptScope) => Finding | undefined;
