import { describe, expect, it } from 'vitest';
import {
  blocksByRule,
  buckets,
  cureCurve,
  daysPastDue,
  efficiency,
  funnel,
} from '../../../local/manager-report/metrics.js';
import { OBSERVED_UNTIL, PORTFOLIO } from './portfolio.js';

/**
 * The hand-built portfolio (portfolio.ts). Delinquent through (days past due): A -2 (paid early),
 * B 30, C 31, D 151 (handed over, unpaid: to the end of the run), E 68 (settled), F 151 (open).
 * Wilson intervals below were computed apart from the code (Python, the formula of Wilson 1927).
 */
describe('manager report metrics on a hand-built portfolio', () => {
  it('counts days past due from the due date midnight UTC', () => {
    expect(daysPastDue('2026-01-01', '2026-01-01T23:59:59Z')).toBe(0);
    expect(daysPastDue('2026-01-01', '2026-01-31T12:00:00Z')).toBe(30);
    expect(daysPastDue('2026-01-01', '2025-12-30T10:00:00Z')).toBe(-2);
  });

  it('funnel: stages in ladder order; reached, contacted, contacts, blocks by rule, cured after', () => {
    expect(funnel(PORTFOLIO)).toEqual([
      // A and B (C's reminder was skipped, not reached); A cured after it.
      { stage: 'D-3', reached: 2, contacted: 2, contacts: 2, blocked: {}, curedAfter: 1 },
      // B C D E F reached; E's send failed; B got two contacts; C's SMS was blocked; B cured after it.
      {
        stage: 'D+1',
        reached: 5,
        contacted: 4,
        contacts: 5,
        blocked: { CN_CONTACT_HOURS: 1 },
        curedAfter: 1,
      },
      { stage: 'D+3', reached: 2, contacted: 0, contacts: 0, blocked: { OPTED_OUT_SMS: 2 }, curedAfter: 0 },
      // C's call (requested) was its last contact.
      { stage: 'D+7', reached: 1, contacted: 1, contacts: 1, blocked: {}, curedAfter: 1 },
      { stage: 'D+15', reached: 1, contacted: 1, contacts: 1, blocked: {}, curedAfter: 0 },
    ]);
  });

  it('cure rate per bucket: reached on its first day, cured within it (30 in 1-30, 31 in 31-60)', () => {
    const { cures } = buckets(PORTFOLIO, OBSERVED_UNTIL);
    expect(cures.map((c) => [c.bucket, c.reached, c.cured])).toEqual([
      ['1–30', 5, 1],
      ['31–60', 4, 1],
      ['61–90', 3, 0],
      ['90+', 2, 0],
    ]);
    expect(cures[0]?.cureRate).toBeCloseTo(0.2, 10);
    expect(cures[0]?.cureInterval?.low).toBeCloseTo(0.0362, 4);
    expect(cures[0]?.cureInterval?.high).toBeCloseTo(0.6245, 4);
    expect(cures[2]?.cureInterval?.low).toBe(0);
    expect(cures[2]?.cureInterval?.high).toBeCloseTo(0.5615, 4);
  });

  it('roll rates between consecutive buckets, with Wilson intervals', () => {
    const { rolls } = buckets(PORTFOLIO, OBSERVED_UNTIL);
    expect(rolls.map((r) => [r.from, r.to, r.from_n, r.rolled])).toEqual([
      ['current', '1–30', 6, 5],
      ['1–30', '31–60', 5, 4],
      ['31–60', '61–90', 4, 3],
      ['61–90', '90+', 3, 2],
    ]);
    const expected = [
      [0.4365, 0.9699],
      [0.3755, 0.9638],
      [0.3006, 0.9544],
      [0.2077, 0.9385],
    ];
    rolls.forEach((r, i) => {
      expect(r.interval?.low).toBeCloseTo(expected[i]?.[0] ?? Number.NaN, 4);
      expect(r.interval?.high).toBeCloseTo(expected[i]?.[1] ?? Number.NaN, 4);
    });
    expect(rolls[3]?.rate).toBeCloseTo(2 / 3, 10);
  });

  it('cure curve: cumulative shares by day past due (an early cure counts at 0)', () => {
    const curve = cureCurve(PORTFOLIO, 70);
    expect(curve).toHaveLength(71);
    const at = (d: number) => curve[d];
    expect(at(0)).toEqual({ dpd: 0, cured: 1 / 6, settled: 0 });
    expect(at(29)?.cured).toBe(1 / 6);
    expect(at(30)?.cured).toBe(2 / 6);
    expect(at(31)?.cured).toBe(3 / 6);
    expect(at(67)?.settled).toBe(0);
    expect(at(68)).toEqual({ dpd: 68, cured: 3 / 6, settled: 1 / 6 });
  });

  it('blocks by rule: attempts and loans, most first', () => {
    expect(blocksByRule(PORTFOLIO)).toEqual([
      { rule: 'OPTED_OUT_SMS', attempts: 2, loans: 2 },
      { rule: 'CN_CONTACT_HOURS', attempts: 1, loans: 1 },
    ]);
  });

  it('contacts and cost per cure: the cost model worked by hand', () => {
    // 7 SENT (4 SMS, 3 e-mails; the letter and the call were requested), 3 cures, 100 transitions.
    // Per loan: Step Functions 100/6 x $0.025 = $0.416667 per 1,000 loans; Lambda 10 invocations:
    // $0.002 + 10 x 0.5 GB x 0.2 s x $0.0000133334 x 1000 = $0.0153334; DynamoDB 100 requests:
    // 50 writes $0.03125 + 50 reads $0.00625; SES 0.5 x $0.10 = $0.05; SNS 4/6 x 1000 x $0.00645 =
    // $4.3. Total $4.8195 per 1,000 loans: $0.028917 for these 6, $0.009639 per cure.
    const e = efficiency(PORTFOLIO, { ddbRequestsPerLoan: 100, lambdaInvocationsPerLoan: 10 });
    expect(e.loans).toBe(6);
    expect(e.cured).toBe(3);
    expect(e.contacts).toBe(7);
    expect(e.contactsPerCure).toBeCloseTo(7 / 3, 10);
    expect(e.costUSD).toBeCloseTo(0.028917, 6);
    expect(e.costPerCureUSD).toBeCloseTo(0.009639, 6);
  });

  it('has no rates for an empty set', () => {
    const e = efficiency([], { ddbRequestsPerLoan: 1, lambdaInvocationsPerLoan: 1 });
    expect([e.cureRate, e.cureInterval, e.contactsPerCure, e.costPerCureUSD, e.costUSD]).toEqual([
      null,
      null,
      null,
      null,
      0,
    ]);
  });
});
