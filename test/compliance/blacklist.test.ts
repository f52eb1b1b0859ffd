import { describe, expect, it } from 'vitest';
import type { LedgerRecord } from '../../functions/domain/ledger.js';
import { brief, check, email, kase, numbered, rec, sms } from './fixtures.js';

/**
 * The blacklist report as the independent check sees it, under the bundled cash-loan policy (v2:
 * notice stage D+47, report stage D+59, 10 days' notice, from 45 days past due and ¥1,000). Loan L-1
 * is due 2026-12-10 in Shanghai; the notice is counted from its sending (fixtures.ts).
 */
const cash = { policyId: 'cash-loan', policyVersion: 2 };
const notice = (at: string) => rec(at, [sms(), email()], { stage: 'D+47', ...cash });
const report = (at: string, detail: Record<string, unknown> = {}, extra: Partial<LedgerRecord> = {}) =>
  rec(at, [], {
    type: 'HANDOVER',
    stage: 'D+59',
    ...cash,
    detail: { report: 'BLACKLIST', registry: 'industry-shared', balance: '3000.00', ...detail },
    ...extra,
  });
const cashCase = (extra = {}) => [kase('L-1', 'B-1', { ...cash, amountDueMinor: 300_000, ...extra })];
const judge = (records: LedgerRecord[], cases = cashCase()) =>
  brief(check({ records: numbered(records), cases }));

const NOTICE_AT = '2027-01-26T01:00:00.000Z'; // D+47, 09:00 Shanghai
const REPORT_AT = '2027-02-07T01:00:00.000Z'; // D+59, 09:00 Shanghai

describe('blacklist report', () => {
  it('a serious default reported 12 days after its notice is compliant', () => {
    expect(judge([notice(NOTICE_AT), report(REPORT_AT)])).toEqual([]);
  });

  it('no notice, or a notice less than 10 days (240 hours) before: NO_NOTICE', () => {
    expect(judge([report(REPORT_AT)])).toEqual(['L-1 1 CN_NO_NOTICE']);
    expect(judge([notice('2027-01-28T01:00:00.001Z'), report(REPORT_AT)])).toEqual(['L-1 2 CN_NO_NOTICE']);
    expect(judge([notice('2027-01-28T01:00:00.000Z'), report(REPORT_AT)])).toEqual([]);
  });

  it("days past due by the borrower's calendar: 44 at 23:59 Shanghai on 23 January is not serious, 45 at 00:30 the next day is", () => {
    const early = notice('2027-01-10T01:00:00.000Z');
    expect(judge([early, report('2027-01-23T15:59:00.000Z')])).toEqual(['L-1 2 CN_NOT_SEVERE']);
    expect(judge([early, report('2027-01-23T16:30:00.000Z')])).toEqual([]);
  });

  it('a balance under ¥1,000, or a currency the policy does not list, is not serious', () => {
    expect(judge([notice(NOTICE_AT), report(REPORT_AT, { balance: '999.99' })])).toEqual([
      'L-1 2 CN_NOT_SEVERE',
    ]);
    expect(judge([notice(NOTICE_AT), report(REPORT_AT, { balance: '1000.00' })])).toEqual([]);
    expect(judge([notice(NOTICE_AT), report(REPORT_AT)], cashCase({ currency: 'USD' }))).toEqual([
      'L-1 2 CN_NOT_SEVERE',
    ]);
  });

  it('under a policy without a blacklist section any blacklist report is a finding', () => {
    const records = [report(REPORT_AT, {}, { policyId: 'default', policyVersion: 2 })];
    const found = check({ records, cases: [kase()] });
    expect(found.map((v) => [v.ruleId, v.detail])).toEqual([
      [
        'CN_NOT_SEVERE',
        'blacklist report at 2027-02-07T01:00:00.000Z: policy default shares no one on a blacklist',
      ],
    ]);
  });

  it('a report the ladder held back or found not serious is not a report', () => {
    const held = report(REPORT_AT, { report: 'BLOCKED', reason: 'NO_BLACKLIST_REPORT_NOTICE' });
    const small = report(REPORT_AT, { report: 'NOT_REPORTED', reason: 'BELOW_BALANCE', balance: '600.00' });
    expect(judge([held, small])).toEqual([]);
  });
});
