import { createHash } from 'node:crypto';
import type { PolicyVersion } from './policy.js';

/**
 * The audit ledger: one record per contact decision (sent, blocked, deferred, failed) and per
 * promise or plan outcome, append-only, each chained to the previous record of the same loan cycle
 * by a SHA-256 hash. Editing, inserting or removing a record breaks the chain at that record.
 */
export const GENESIS_HASH = '0'.repeat(64);

/**
 * SENT: a provider accepted an SMS or e-mail (or an agent made a call, or a visit). REQUESTED: a letter
 * asked of the print vendor. BLOCKED, DEFERRED, FAILED: not sent, and why. SKIPPED: the stage was not
 * run at all (SKIPPED_LATE: a pre-due reminder of a loan that came in after its due date). On the delivery chain of a
 * loan cycle (deliveryLedgerId), what became of a sent message: DELIVERED or UNDELIVERED, reported by
 * the provider, or a letter DISPATCHED by the print vendor.
 */
export type AttemptStatus =
  | 'SENT'
  | 'REQUESTED'
  | 'BLOCKED'
  | 'DEFERRED'
  | 'FAILED'
  | 'SKIPPED'
  | 'DELIVERED'
  | 'UNDELIVERED'
  | 'DISPATCHED'
  /** Not sent: the borrower's message of the day on this channel, for another loan, covers it (COVERED_BY). */
  | 'COVERED';

/** A contact attempt that went out (a message accepted, a letter asked for, a call or visit made). */
export const wentOut = (status: AttemptStatus): boolean => status === 'SENT' || status === 'REQUESTED';

export interface AttemptEntry {
  channel: string;
  status: AttemptStatus;
  reason?: string;
  /** Provider message id (SNS/SES) or human-task id: proof of delivery to the provider. */
  providerRef?: string;
  /** For human tasks: what the agent recorded (NO_ANSWER, PROMISE_TO_PAY, ...). */
  outcome?: string;
  templateId?: string;
  templateVersion?: number;
  deferredUntil?: string;
  /** A message sent for several loans of one borrower: the other loans it covers (one voice per borrower). */
  covers?: string[];
}

export interface LedgerContent {
  ledgerId: string;
  loanId: string;
  cycle: number;
  type:
    | 'CONTACT'
    | 'PROMISE'
    | 'PLAN'
    | 'HANDOVER'
    | 'HOLD'
    | 'FAILURE'
    | 'DELIVERY'
    | 'SKIP'
    | 'REPLY'
    | 'PROFILE'
    | 'PAGE';
  at: string;
  stage: string;
  policyId: string;
  policyVersion: PolicyVersion;
  rulePackId: string;
  rulePackVersion: string;
  attempts: AttemptEntry[];
  /** Free-form, identifier-only facts (promise status, placement id, error name). */
  detail?: Record<string, string | number | boolean>;
}

/**
 * What a stage attempt sent (provider references included) when it could not write its ledger
 * record: the attempt that retries records these instead of sending again.
 */
export interface SendReceipt {
  loanId: string;
  cycle: number;
  /** The ledger seq the attempts belong to (the head's seq + 1 when they were sent). */
  seq: number;
  /** When the attempt ran: the record written from the receipt keeps this time. */
  at: string;
  type: LedgerContent['type'];
  stage: string;
  attempts: AttemptEntry[];
  detail?: LedgerContent['detail'];
}

export interface LedgerRecord extends LedgerContent {
  seq: number;
  prevHash: string;
  hash: string;
}

/** Canonical JSON (sorted keys) so the hash does not depend on property order or the store. */
export function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((element) => canonical(element)).join(',')}]`;
  if (value && typeof value === 'object') {
    const map = value as Record<string, unknown>;
    // Keys in UTF-16 code unit order (the default sort), undefined values left out.
    const keys = Object.keys(map).sort();
    let out = '';
    for (const key of keys) {
      if (map[key] === undefined) continue;
      out += `${out ? ',' : ''}${JSON.stringify(key)}:${canonical(map[key])}`;
    }
    return `{${out}}`;
  }
  return JSON.stringify(value);
}

export function hashRecord(content: LedgerContent, seq: number, prevHash: string): string {
  return createHash('sha256')
    .update(`${prevHash}\n${seq}\n${canonical(content)}`)
    .digest('hex');
}

/**
 * The chain of a loan cycle's delivery reports, beside its contact chain: the ladder's execution owns
 * the head of the contact chain (each step appends after the head it was given), so reports that
 * arrive whenever the providers send them are chained on their own, by the delivery function.
 */
export const deliveryLedgerId = (loanId: string, cycle: number): string => `${loanId}#${cycle}#deliveries`;

/**
 * The chain of a loan cycle's conversation: each reply the borrower sent, named by its conversation
 * item id and the SHA-256 of its text (REPLY records, no attempts: nothing was sent). Written by the
 * inbound function through the ledger writer when the reply arrives, beside the contact chain.
 */
export const conversationLedgerId = (loanId: string, cycle: number): string =>
  `${loanId}#${cycle}#conversations`;

/**
 * The chain of a loan cycle's page actions: each action taken on the borrower's page through a signed
 * link (a promise, a plan chosen, a signature, a dispute, hardship, an opt-out), applied or refused, as
 * a PAGE record naming the link, the action and the outcome (no attempts: nothing was sent). Written
 * by the borrower API through the ledger writer, beside the contact chain.
 */
export const pageLedgerId = (loanId: string, cycle: number): string => `${loanId}#${cycle}#page`;

/**
 * The chain of what the borrower changed about how they are reached, per loan cycle still on the
 * ladder: preferred hours and language, a code sent to a new contact point, the point replaced (PROFILE
 * records, no attempts; identifiers and codes only, never the point itself).
 */
export const profileLedgerId = (loanId: string, cycle: number): string => `${loanId}#${cycle}#profile`;

export function chain(head: { seq: number; hash: string }, content: LedgerContent): LedgerRecord {
  const seq = head.seq + 1;
  return { ...content, seq, prevHash: head.hash, hash: hashRecord(content, seq, head.hash) };
}

export type VerifyResult = { ok: true; records: number } | { ok: false; seq: number; problem: string };

/** Verifies one loan cycle's records, in seq order as stored. */
export function verifyChain(records: readonly LedgerRecord[]): VerifyResult {
  let prev = GENESIS_HASH;
  for (const [index, record] of records.entries()) {
    const expectedSeq = index + 1;
    if (record.seq !== expectedSeq) {
      return {
        ok: false,
        seq: record.seq,
        problem: `expected record ${expectedSeq}: a record was removed or inserted`,
      };
    }
    if (record.prevHash !== prev)
      return { ok: false, seq: record.seq, problem: 'does not link to the previous record' };
    const { seq, prevHash, hash, ...content } = record;
    if (hashRecord(content, seq, prevHash) !== hash) return { ok: false, seq, problem: 'content was edited' };
    prev = hash;
  }
  return { ok: true, records: records.length };
}

/** Every attempt of a loan's records, in order, with the time, stage and rule pack of its record. */
export function attemptsOf(records: readonly LedgerRecord[]) {
  return records.flatMap((r) =>
    r.attempts.map((a) => ({
      ...a,
      at: r.at,
      stage: r.stage,
      rulePack: `${r.rulePackId} ${r.rulePackVersion}`,
    })),
  );
}
