import type {
  BorrowerProfile,
  CallRecord,
  CaseRecord,
  PromiseToPay,
  RepaymentPlan,
} from '../../functions/domain/case.js';
import { type LoadedPolicy, loadPolicy } from '../../functions/domain/policy.js';
import defaultPolicy from '../../policies/default.json' with { type: 'json' };

/**
 * Shared fixtures of the domain unit tests: instants written by hand as ISO strings with their offset,
 * a borrower profile and a case with no history, and the bundled default policy. Every expected value
 * in these tests is written out (or computed outside the code base, as each test says), never by
 * calling the code under test.
 */
export const at = (iso: string): number => Date.parse(iso);
export const SECOND = 1000;
export const MINUTE = 60 * SECOND;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

export const profile = (extra: Partial<BorrowerProfile> = {}): BorrowerProfile => ({
  borrowerId: 'B',
  timeZone: 'Asia/Shanghai',
  locale: 'en',
  optOuts: {},
  contactPoints: { SMS: { verified: true }, EMAIL: { verified: true } },
  calls: [],
  ...extra,
});

export const caseRecord = (extra: Partial<CaseRecord> = {}): CaseRecord => ({
  loanId: 'L-1',
  cycle: 1,
  borrowerId: 'B-1',
  policyId: 'default',
  policyVersion: 1,
  currency: 'CNY',
  amountDueMinor: 120000,
  paidMinor: 0,
  dueDate: '2026-12-10',
  openedAt: '2026-12-06T00:00:00.000Z',
  status: 'ACTIVE',
  promises: [],
  payments: [],
  notices: {},
  shiftDays: 0,
  ...extra,
});

export const promiseToPay = (
  status: PromiseToPay['status'],
  date: string,
  extra: Partial<PromiseToPay> = {},
): PromiseToPay => ({ amountMinor: 100, date, madeAt: '', paidAtMakeMinor: 0, status, ...extra });

/** Two instalments of 1.00, on 20 December and 20 January. */
export const repaymentPlan = (extra: Partial<RepaymentPlan> = {}): RepaymentPlan => ({
  instalments: [
    { amountMinor: 100, date: '2026-12-20' },
    { amountMinor: 100, date: '2027-01-20' },
  ],
  proposedAt: '',
  expiresAt: '',
  acceptedAt: '',
  paidAtAcceptMinor: 0,
  balanceAtAgreementMinor: 200,
  agreedMinor: 200,
  renegotiations: 0,
  status: 'PROPOSED',
  confirmed: 0,
  ...extra,
});

/** A call `ms` before `now` (or after, when negative). */
export const callBefore = (now: number, ms: number, extra: Partial<CallRecord> = {}): CallRecord => ({
  at: new Date(now - ms).toISOString(),
  loanId: 'L',
  connected: false,
  ...extra,
});

/** `n` calls, `spacing` ms apart, the newest `spacing` ms before `now`. */
export const callsBefore = (
  now: number,
  n: number,
  spacing: number,
  extra: Partial<CallRecord> = {},
): CallRecord[] => Array.from({ length: n }, (_, i) => callBefore(now, (i + 1) * spacing, extra));

/** A copy of the default policy (raw JSON), to change one field of and load. */
export const rawPolicy = (): typeof defaultPolicy => structuredClone(defaultPolicy);
export const POLICY: LoadedPolicy = loadPolicy(defaultPolicy);
