import { checkCompliance } from '../../functions/compliance/check.js';
import { sentNoticeCounts } from '../../functions/compliance/notices.js';
import type { ComplianceOptions, Violation } from '../../functions/compliance/types.js';
import type { BorrowerProfile, CaseRecord, ProfileChange } from '../../functions/domain/case.js';
import type { AttemptEntry, LedgerRecord } from '../../functions/domain/ledger.js';
import { BUNDLED_POLICIES, policyRegistry } from '../../functions/domain/policies.js';
import defaultPolicy from '../../policies/default.json' with { type: 'json' };

/**
 * Hand-built stores for the compliance check: a record, a profile and a case are written out field by
 * field, so each test reads as the situation it judges. Times are UTC instants with the borrower's
 * local time in a comment: the check must reach the same local time by itself.
 */
let refs = 0;
/** A provider reference and a template no other attempt has: duplicates are tested on purpose only. */
const ref = () => `ref-${++refs}`;

export const sms = (extra: Partial<AttemptEntry> = {}): AttemptEntry => ({
  channel: 'SMS',
  status: 'SENT',
  providerRef: ref(),
  templateId: `template-${refs}`,
  templateVersion: 1,
  ...extra,
});
export const email = (extra: Partial<AttemptEntry> = {}): AttemptEntry => sms({ channel: 'EMAIL', ...extra });
/** A letter is REQUESTED of the print vendor (its dispatch is reported on the delivery chain). */
export const letter = (extra: Partial<AttemptEntry> = {}): AttemptEntry =>
  sms({ channel: 'LETTER', status: 'REQUESTED', ...extra });
export const call = (outcome: string): AttemptEntry => ({
  channel: 'CALL',
  status: 'SENT',
  outcome,
  providerRef: ref(),
});
export const visit = (): AttemptEntry => ({
  channel: 'VISIT',
  status: 'SENT',
  outcome: 'VISIT_REPORTED',
  providerRef: ref(),
});

/** A record of loan `L-1` cycle 1 (unless told), stage D+1, decided by CN 2026.3 under `default` v2. */
export function rec(at: string, attempts: AttemptEntry[], extra: Partial<LedgerRecord> = {}): LedgerRecord {
  const loanId = extra.loanId ?? 'L-1';
  const cycle = extra.cycle ?? 1;
  return {
    ledgerId: `${loanId}#${cycle}`,
    loanId,
    cycle,
    type: 'CONTACT',
    at,
    stage: 'D+1',
    policyId: 'default',
    policyVersion: 2,
    rulePackId: 'CN',
    rulePackVersion: '2026.3',
    attempts,
    seq: 1,
    prevHash: '0'.repeat(64),
    hash: 'f'.repeat(64),
    ...extra,
  };
}

/** The same records numbered 1, 2, 3... in the order given (each loan cycle its own count). */
export function numbered(records: LedgerRecord[]): LedgerRecord[] {
  const next = new Map<string, number>();
  return records.map((r) => {
    const seq = (next.get(r.ledgerId) ?? 0) + 1;
    next.set(r.ledgerId, seq);
    return { ...r, seq };
  });
}

export function profile(
  borrowerId = 'B-1',
  timeZone = 'Asia/Shanghai',
  extra: Partial<BorrowerProfile> = {},
): BorrowerProfile {
  const changes: ProfileChange[] = [{ type: 'TIME_ZONE', timeZone, recordedAt: '2026-01-01T00:00:00.000Z' }];
  return {
    borrowerId,
    timeZone,
    locale: 'zh-CN',
    optOuts: {},
    contactPoints: { SMS: { verified: true }, EMAIL: { verified: true } },
    calls: [],
    lineId: `line-of-${borrowerId}`,
    changes,
    ...extra,
  };
}

export function kase(loanId = 'L-1', borrowerId = 'B-1', extra: Partial<CaseRecord> = {}): CaseRecord {
  return {
    loanId,
    cycle: 1,
    borrowerId,
    policyId: 'default',
    policyVersion: 2,
    currency: 'CNY',
    amountDueMinor: 100_000,
    paidMinor: 0,
    payments: [],
    dueDate: '2026-12-10',
    openedAt: '2026-01-01T00:00:00.000Z',
    status: 'ACTIVE',
    promises: [],
    notices: {},
    shiftDays: 0,
    ...extra,
  };
}

/** The bundled policies, and `strict`: the default with a lender's narrower window (09:00-20:00). */
export const policies = policyRegistry([
  ...BUNDLED_POLICIES,
  { ...defaultPolicy, id: 'strict', ruleOverrides: { contactWindow: { start: '09:00', end: '20:00' } } },
]);

export interface World {
  records: LedgerRecord[];
  profiles?: BorrowerProfile[];
  cases?: CaseRecord[];
}

/**
 * Checks a small world: by default one borrower B-1 in Shanghai with one active case L-1, and a notice
 * counted from its sending (`sentNoticeCounts`): the notice tests set their times that way, and the
 * delivery-report counting has tests of its own.
 */
export function check(world: World, options: Partial<ComplianceOptions> = {}): Violation[] {
  return checkCompliance(
    {
      records: world.records,
      profiles: world.profiles ?? [profile()],
      cases: world.cases ?? [kase()],
    },
    { policies, noticeCounts: sentNoticeCounts, ...options },
  );
}

/** `seq RULE_ID channel`: what most tests compare, written out by hand. */
export const brief = (violations: Violation[]): string[] =>
  violations.map((v) => `${v.loanId} ${v.seq} ${v.ruleId}${v.channel ? ` ${v.channel}` : ''}`);
