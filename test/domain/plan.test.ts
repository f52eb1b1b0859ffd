import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { renderAgreement } from '../../functions/domain/agreement.js';
import type { CaseRecord } from '../../functions/domain/case.js';
import { settleOrCure } from '../../functions/domain/cure.js';
import { planProblem, proposePlan, signPlan } from '../../functions/domain/plan.js';
import { loadPolicy } from '../../functions/domain/policy.js';
import { offerAmountMinor, offerBand } from '../../functions/domain/policy-money.js';
import defaultPolicy from '../../policies/default.json' with { type: 'json' };

/**
 * Plans and settlements that add up, by fixed vectors: ¥3,000.00 owed (300000 fen), agreed on
 * 2026-12-17 (Shanghai). A settlement's discount is compared in integers: discount x 10,000 against
 * the limit in basis points x the balance, so 20.00% of ¥3,000.00 (¥600.00) is within a 2,000 limit
 * and ¥600.01 is not.
 */
const TZ = 'Asia/Shanghai';
const NOW = Date.parse('2026-12-17T10:00:00+08:00');
const kase = (over: Partial<CaseRecord> = {}): CaseRecord => ({
  loanId: 'L-1',
  cycle: 1,
  borrowerId: 'B-1',
  policyId: 'default',
  policyVersion: 2,
  currency: 'CNY',
  amountDueMinor: 300000,
  paidMinor: 0,
  dueDate: '2026-12-10',
  openedAt: '2026-12-06T00:00:00.000Z',
  status: 'ACTIVE',
  promises: [],
  payments: [],
  notices: {},
  shiftDays: 0,
  ...over,
});
const plain = loadPolicy(defaultPolicy);
const settling = loadPolicy({
  ...defaultPolicy,
  settlement: {
    maxDiscountBasisPoints: 2000,
    approvalAboveBasisPoints: 1000,
    offers: [
      {
        minDaysPastDue: 20,
        maxDaysPastDue: 59,
        minAmount: { CNY: '1000.00' },
        discountBasisPoints: 1500,
        validDays: 10,
      },
      { minDaysPastDue: 60, discountBasisPoints: 2000, validDays: 10 },
    ],
  },
});
const plan = (...items: Array<[string, string]>) => ({
  instalments: items.map(([amount, date]) => ({ amount, date })),
});

describe('a plan adds up, or it is refused', () => {
  it('instalments dated after the day of the agreement, in order', () => {
    expect(
      planProblem(plan(['100.00', '2026-12-15'], ['100.00', '2027-01-15']), kase(), plain, NOW, TZ),
    ).toBe('INSTALMENT_NOT_AFTER_AGREEMENT');
    expect(
      planProblem(plan(['1500.00', '2026-12-17'], ['1500.00', '2027-01-17']), kase(), plain, NOW, TZ),
    ).toBe('INSTALMENT_NOT_AFTER_AGREEMENT');
    expect(
      planProblem(plan(['1500.00', '2027-01-17'], ['1500.00', '2027-01-17']), kase(), plain, NOW, TZ),
    ).toBe('INSTALMENTS_OUT_OF_ORDER');
  });

  it('the instalments cover the balance at agreement exactly, unless the policy allows a settlement', () => {
    const three = plan(['1000.00', '2026-12-25'], ['1000.00', '2027-01-25'], ['1000.00', '2027-02-25']);
    expect(planProblem(three, kase(), plain, NOW, TZ)).toBeUndefined();
    expect(
      planProblem(plan(['100.00', '2026-12-25'], ['100.00', '2027-01-25']), kase(), plain, NOW, TZ),
    ).toBe('PLAN_SHORT_OF_BALANCE');
    expect(
      planProblem(plan(['1500.00', '2026-12-25'], ['1500.01', '2027-01-25']), kase(), plain, NOW, TZ),
    ).toBe('PLAN_OVER_BALANCE');
    // After ¥500.00 paid, the balance at agreement is ¥2,500.00.
    const paid = kase({
      paidMinor: 50000,
      payments: [
        {
          paymentId: 'p',
          amountMinor: 50000,
          paidAt: '2026-12-12T04:00:00Z',
          recordedAt: '2026-12-12T04:00:00Z',
        },
      ],
    });
    expect(
      planProblem(plan(['1250.00', '2026-12-25'], ['1250.00', '2027-01-25']), paid, plain, NOW, TZ),
    ).toBeUndefined();
  });

  it('a settlement within the discount limit, approved above the approval limit', () => {
    const of = (total: string, approved = false) => ({
      instalments: [{ amount: total, date: '2026-12-30' }],
      ...(approved ? { approval: { approverId: 'M-7' } } : {}),
    });
    expect(planProblem(of('2700.00'), kase(), settling, NOW, TZ)).toBeUndefined(); // 10.00%: no approval needed
    expect(planProblem(of('2699.99'), kase(), settling, NOW, TZ)).toBe('APPROVAL_REQUIRED');
    expect(planProblem(of('2400.00', true), kase(), settling, NOW, TZ)).toBeUndefined(); // 20.00%
    expect(planProblem(of('2399.99', true), kase(), settling, NOW, TZ)).toBe('DISCOUNT_OVER_LIMIT');
  });

  it('at most the policy s renegotiations after a missed instalment', () => {
    const missed = kase();
    proposePlan(missed, plan(['3000.00', '2026-12-20']), plain, NOW, TZ);
    if (missed.plan) missed.plan = { ...missed.plan, status: 'MISSED', renegotiations: 1 };
    expect(planProblem(plan(['3000.00', '2027-01-20']), missed, plain, NOW, TZ)).toBe(
      'RENEGOTIATIONS_EXHAUSTED',
    );
    if (missed.plan) missed.plan.renegotiations = 0;
    expect(proposePlan(missed, plan(['3000.00', '2027-01-20']), plain, NOW, TZ)).toBeUndefined();
    expect(missed.plan?.renegotiations).toBe(1);
  });
});

describe('settled means an agreement fulfilled; cured means paid with none', () => {
  const pay = (c: CaseRecord, amountMinor: number, paidAt: string) => {
    c.payments.push({ paymentId: paidAt, amountMinor, paidAt, recordedAt: paidAt });
    c.paidMinor += amountMinor;
  };

  it('a signed plan for the whole balance, all paid: SETTLED for ¥3,000.00 with nothing waived', () => {
    const c = kase();
    proposePlan(
      c,
      plan(['1000.00', '2026-12-25'], ['1000.00', '2027-01-25'], ['1000.00', '2027-02-25']),
      plain,
      NOW,
      TZ,
    );
    signPlan(c, NOW + 3_600_000, { key: 'k', sha256: 'h' });
    pay(c, 100000, '2026-12-24T04:00:00Z');
    pay(c, 100000, '2027-01-24T04:00:00Z');
    expect(settleOrCure(c, plain, Date.parse('2027-01-24T05:00:00Z'), TZ)).toBeUndefined();
    pay(c, 100000, '2027-02-24T04:00:00Z');
    expect(settleOrCure(c, plain, Date.parse('2027-02-24T05:00:00Z'), TZ)).toBe('PLAN_COMPLETED');
    expect(c.status).toBe('SETTLED');
    expect(c.settlement).toMatchObject({ settledForMinor: 300000, waivedMinor: 0 });
  });

  it('a settlement plan of ¥2,400.00, approved and paid: SETTLED, ¥600.00 waived', () => {
    const c = kase();
    proposePlan(
      c,
      { instalments: [{ amount: '2400.00', date: '2026-12-30' }], approval: { approverId: 'M-7' } },
      settling,
      NOW,
      TZ,
    );
    signPlan(c, NOW, { key: 'k', sha256: 'h' });
    pay(c, 240000, '2026-12-29T04:00:00Z');
    expect(settleOrCure(c, settling, Date.parse('2026-12-29T05:00:00Z'), TZ)).toBe('PLAN_COMPLETED');
    expect(c.settlement).toMatchObject({ settledForMinor: 240000, waivedMinor: 60000 });
  });

  it('the same amounts paid with no agreement: CURED', () => {
    const c = kase();
    pay(c, 300000, '2026-12-29T04:00:00Z');
    expect(settleOrCure(c, plain, Date.parse('2026-12-29T05:00:00Z'), TZ)).toBe('PAID');
    expect(c.status).toBe('CURED');
    expect(c.settlement).toBeUndefined();
  });

  it('a settlement offer paid in time settles; paid after its last day it is a partial payment', () => {
    const offered = (paidAt: string) => {
      const c = kase({
        offer: {
          amountMinor: 255000,
          balanceMinor: 300000,
          madeAt: '2026-12-30T01:00:00Z',
          validUntil: '2027-01-09',
          paidAtOfferMinor: 0,
          agreement: { key: 'k', sha256: 'h' },
        },
      });
      pay(c, 255000, paidAt);
      return c;
    };
    const inTime = offered('2027-01-09T15:59:59Z'); // 23:59:59 in Shanghai
    expect(settleOrCure(inTime, settling, Date.parse('2027-01-09T16:00:00Z'), TZ)).toBe('SETTLEMENT_PAID');
    expect(inTime.settlement).toMatchObject({ settledForMinor: 255000, waivedMinor: 45000 });
    const late = offered('2027-01-09T16:00:00Z');
    expect(settleOrCure(late, settling, Date.parse('2027-01-09T16:00:00Z'), TZ)).toBeUndefined();
  });
});

describe('settlement offers by band', () => {
  it('the first band that fits by days past due and amount; a band in another currency does not', () => {
    expect(offerBand(settling.settlement, 30, 300000, 'CNY')?.discountBasisPoints).toBe(1500);
    expect(offerBand(settling.settlement, 19, 300000, 'CNY')).toBeUndefined();
    expect(offerBand(settling.settlement, 30, 99999, 'CNY')).toBeUndefined();
    expect(offerBand(settling.settlement, 70, 99999, 'CNY')?.discountBasisPoints).toBe(2000);
    expect(offerBand(settling.settlement, 30, 300000, 'USD')).toBeUndefined();
  });

  it('the lump sum is the balance less the discount, rounded up to the fen', () => {
    expect(offerAmountMinor(300000, 1500)).toBe(255000);
    expect(offerAmountMinor(100001, 1500)).toBe(85001); // 85000.85 -> 85001
    expect(offerAmountMinor(100000, 1)).toBe(99990);
  });
});

describe('the agreement document', () => {
  it('names the amounts, the dates, what happens on a missed instalment and how interest is counted', () => {
    const c = kase();
    proposePlan(
      c,
      plan(['1000.00', '2026-12-25'], ['1000.00', '2027-01-25'], ['1000.00', '2027-02-25']),
      plain,
      NOW,
      TZ,
    );
    const doc = renderAgreement(
      c,
      { kind: 'PLAN', plan: c.plan as NonNullable<CaseRecord['plan']> },
      plain,
      'en',
      'D+15 formal warning letter',
      c.plan?.proposedAt ?? '',
    );
    expect(doc.document).toContain('Owed when agreed (2026-12-17T02:00:00.000Z): 3000.00 CNY.');
    expect(doc.document).toContain('1. 2026-12-25: 1000.00 CNY');
    expect(doc.document).toContain('3. 2027-02-25: 1000.00 CNY');
    expect(doc.document).toContain('Total: 3000.00 CNY.');
    expect(doc.document).toMatch(/not paid within 3 days of its date, we will ask you why and wait 3 days/);
    expect(doc.document).toContain('collection resumes (D+15 formal warning letter)');
    expect(doc.document).toContain('No interest, penalty interest or fees are added under this agreement');
    expect(doc.document).not.toContain('in full settlement');
    expect(doc.sha256).toBe(createHash('sha256').update(doc.document, 'utf8').digest('hex'));
    expect(doc.key).toBe('evidence/agreements/L-1/1/plan-1797472800000');
    expect(JSON.parse(doc.json)).toMatchObject({
      agreed: '3000.00',
      waived: '0.00',
      documentSha256: doc.sha256,
    });
  });
});
