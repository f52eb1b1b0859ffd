import { beforeAll, describe, expect, it } from 'vitest';
import type { Violation } from '../../functions/compliance/types.js';
import type { LedgerRecord } from '../../functions/domain/ledger.js';
import { parseScenario } from '../../local/scenario.js';
import { type SimulationResult, simulate } from '../../local/simulate.js';
import { scenarioLoan } from '../borrower.js';
import { outboundValidators } from '../contracts/ajv.js';
import { checkComplianceAfterRun } from './compliance-after-run.js';

/**
 * Issue 14, item 4's blacklist, through the real local runtime under the bundled cash-loan policy
 * (due 2026-12-10, Shanghai): the blacklist notice at D+47 (26 January, 09:00), the report at D+59
 * (7 February) once the notice counts and its 10 days have passed, for a loan at least 45 days past
 * due owing at least ¥1,000; then a cure or an upheld dispute asks for the entry's removal, once.
 */
const WHO = { phonePrefix: '+86137000004', name: '赵磊' };
const loan = (loanId: string, n: number, events: unknown[], extra: Record<string, unknown> = {}) =>
  scenarioLoan(loanId, n, events, WHO, extra);
const DAY = 86_400_000;

let result: SimulationResult;
// Undefined until the run's check has run, so an assertion on it cannot pass without one.
let violations: Violation[] | undefined;
const records = (id: string): LedgerRecord[] => result.ledgers.get(id) ?? [];
type Published = { type: string } & Record<string, unknown>;
const published = (loanId: string): Published[] =>
  result.published
    .filter((e) => e.detail.loanId === loanId)
    .map((e) => ({ ...e.detail, type: e.detailType }));
const ofType = (loanId: string, type: string) => published(loanId).filter((e) => e.type === type);

beforeAll(async () => {
  result = await simulate(
    parseScenario({
      policy: { extends: 'cash-loan' },
      loans: [
        // Reported at D+59, then paid in full that evening, before the D+60 bureau report.
        loan('paid-after-report', 1, [
          { type: 'payment', amount: '3000.00', at: '2027-02-07T20:00:00+08:00' },
        ]),
        // Under the policy's ¥1,000: never shared.
        loan('too-small', 2, [], { amountDue: '600.00' }),
        // Reported, then a dispute upheld the next morning closes the case.
        loan('upheld', 3, [
          { type: 'dispute', at: '2027-02-07T12:00:00+08:00' },
          { type: 'disputeResolved', inFavourOf: 'borrower', at: '2027-02-08T08:00:00+08:00' },
        ]),
        // Never pays: reported, never removed, handed to legal at D+61.
        loan('never', 4, []),
      ],
    }),
    // The independent compliance check over the run's store, as `ladder audit compliance` reads it.
    {
      onFinish: checkComplianceAfterRun((v) => {
        violations = v;
      }),
    },
  );
}, 240_000);

describe('the industry blacklist (issue 14, item 4)', () => {
  it('reports a serious default at D+59, after its delivered notice and the 10 days that follow it', () => {
    for (const id of ['paid-after-report', 'upheld', 'never']) {
      const chain = records(id);
      const notice = chain.find((r) => r.stage === 'D+47');
      const report = chain.find((r) => r.stage === 'D+59');
      expect(notice?.attempts.filter((a) => a.status === 'SENT').map((a) => a.channel)).toEqual([
        'SMS',
        'EMAIL',
      ]);
      expect(report?.detail).toMatchObject({
        report: 'BLACKLIST',
        registry: 'industry-shared',
        daysPastDue: 59,
        balance: '3000.00',
        notice: 'DELIVERED',
      });
      expect(Date.parse(report?.at ?? '') - Date.parse(notice?.at ?? '')).toBeGreaterThanOrEqual(10 * DAY);
      expect(ofType(id, 'BlacklistReportRequested')).toEqual([
        expect.objectContaining({
          registry: 'industry-shared',
          daysPastDue: 59,
          balance: '3000.00',
          currency: 'CNY',
          idempotencyKey: `${id}#1#${report?.seq}`,
        }),
      ]);
    }
  });

  it('a loan under the severity is recorded NOT_REPORTED, and nothing is published for it', () => {
    const report = records('too-small').find((r) => r.stage === 'D+59');
    expect(report?.detail).toMatchObject({
      report: 'NOT_REPORTED',
      reason: 'BELOW_BALANCE',
      balance: '600.00',
    });
    expect(ofType('too-small', 'BlacklistReportRequested')).toEqual([]);
    expect(ofType('too-small', 'BlacklistRemovalRequested')).toEqual([]);
  });

  it('a cure after the report asks for the removal, once, naming the report; a cure before the bureau report needs no correction', () => {
    const [report] = ofType('paid-after-report', 'BlacklistReportRequested');
    expect(ofType('paid-after-report', 'BlacklistRemovalRequested')).toEqual([
      expect.objectContaining({
        reason: 'PAID',
        registry: 'industry-shared',
        reportKey: report?.idempotencyKey,
        idempotencyKey: `${String(report?.idempotencyKey)}#REMOVAL`,
        balance: '0.00',
      }),
    ]);
    expect(ofType('paid-after-report', 'CreditBureauReportRequested')).toEqual([]);
    expect(result.loans.find((l) => l.loanId === 'paid-after-report')?.finalStatus).toBe('CURED');
  });

  it('an upheld dispute after the report asks for the removal with reason DISPUTE_UPHELD', () => {
    const [report] = ofType('upheld', 'BlacklistReportRequested');
    expect(ofType('upheld', 'BlacklistRemovalRequested').map((e) => [e.reason, e.reportKey])).toEqual([
      ['DISPUTE_UPHELD', report?.idempotencyKey],
    ]);
    expect(result.loans.find((l) => l.loanId === 'upheld')?.finalStatus).toBe('CLOSED');
  });

  it('a loan that never pays stays reported: no removal', () => {
    expect(ofType('never', 'BlacklistRemovalRequested')).toEqual([]);
    expect(result.loans.find((l) => l.loanId === 'never')?.finalStatus).toBe('HANDED_OVER');
  });

  it('every event validates against its JSON Schema, and the independent check finds nothing', () => {
    const validators = outboundValidators();
    const problems = result.published.flatMap((e) => {
      const check = validators.get(e.detailType);
      return check?.(e.detail) ? [] : [`${e.detailType} ${String(e.detail.loanId)}`];
    });
    expect(problems).toEqual([]);
    expect(violations).toEqual([]);
  });
});
