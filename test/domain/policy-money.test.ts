import { describe, expect, it } from 'vitest';
import {
  amountProblems,
  BalanceSchema,
  balanceProblems,
  minimumDueMinor,
  offerAmountMinor,
  offerBand,
  producedCharges,
  SettlementSchema,
  settlementProblems,
} from '../../functions/domain/policy-money.js';
import { RULE_PACKS } from '../../functions/domain/rulepacks.js';

/**
 * A policy's money settings, checked at load, at the edge of each limit. The CN pack's legal maximum
 * penalty rate is 2,400 basis points a year (24%); the US pack has none in this table (null). Every
 * expected amount is worked out by hand in the test's name or comment.
 *
 * Survivors judged equivalent (policy-money.ts): in settlementProblems, `band.maxDaysPastDue !==
 * undefined` mutated to true (`undefined < n` is false, so a band without a maximum is still fine); in
 * balanceProblems, `rate !== undefined` mutated to true (`undefined > max` is false); in offerBand,
 * `max === null` mutated to false (a band's maximum in another currency then compares `owed <= null`,
 * false for any loan that owes something, and a loan owing nothing is never offered a settlement).
 */
const settlement = (raw: unknown) => SettlementSchema().parse(raw);
const balance = (raw: unknown) => BalanceSchema().parse(raw);

describe('settlement limits', () => {
  it('the approval threshold may equal the largest discount, not exceed it by a basis point', () => {
    expect(
      settlementProblems(settlement({ maxDiscountBasisPoints: 2000, approvalAboveBasisPoints: 2000 })),
    ).toEqual([]);
    expect(
      settlementProblems(settlement({ maxDiscountBasisPoints: 2000, approvalAboveBasisPoints: 2001 })),
    ).toEqual(['settlement.approvalAboveBasisPoints: above maxDiscountBasisPoints (2000)']);
    expect(settlementProblems(settlement({}))).toEqual([]);
  });

  it("a band's discount may equal the policy's largest, not exceed it; its day range may be one day, not inverted", () => {
    const band = { minDaysPastDue: 20, validDays: 10 };
    expect(
      settlementProblems(
        settlement({
          maxDiscountBasisPoints: 2000,
          offers: [
            { ...band, discountBasisPoints: 2000, maxDaysPastDue: 20 },
            { ...band, discountBasisPoints: 1000 },
          ],
        }),
      ),
    ).toEqual([]);
    expect(
      settlementProblems(
        settlement({
          maxDiscountBasisPoints: 2000,
          offers: [
            { ...band, discountBasisPoints: 1000 },
            { ...band, discountBasisPoints: 2001, maxDaysPastDue: 19 },
          ],
        }),
      ),
    ).toEqual([
      'settlement.offers.1.discountBasisPoints: above settlement.maxDiscountBasisPoints (2000)',
      'settlement.offers.1.maxDaysPastDue: below minDaysPastDue',
    ]);
  });

  it("a band's amount limits name real currencies with that currency's decimals", () => {
    expect(
      settlementProblems(
        settlement({
          maxDiscountBasisPoints: 2000,
          offers: [
            {
              minDaysPastDue: 20,
              validDays: 10,
              discountBasisPoints: 1000,
              minAmount: { XYZ: '1.00' },
              maxAmount: { CNY: '1.005' },
            },
          ],
        }),
      ),
    ).toEqual([
      'settlement.offers.0.minAmount.XYZ: not an ISO 4217 currency',
      'settlement.offers.0.maxAmount.CNY: amount "1.005" has more than 2 decimal places for CNY',
    ]);
  });
});

describe('which settlement band fits a loan', () => {
  const bands = settlement({
    maxDiscountBasisPoints: 2000,
    offers: [
      {
        minDaysPastDue: 20,
        maxDaysPastDue: 59,
        minAmount: { CNY: '1000.00' },
        maxAmount: { CNY: '5000.00' },
        discountBasisPoints: 1500,
        validDays: 10,
      },
      { minDaysPastDue: 60, discountBasisPoints: 2000, validDays: 10 },
    ],
  });
  const band = (dpd: number, owed: number, currency = 'CNY') =>
    offerBand(bands, dpd, owed, currency)?.discountBasisPoints;

  it('days past due: 19 none, 20 and 59 the first band, 60 the second', () => {
    expect(band(19, 300000)).toBeUndefined();
    expect(band(20, 300000)).toBe(1500);
    expect(band(59, 300000)).toBe(1500);
    expect(band(60, 300000)).toBe(2000);
  });

  it('amount owed: ¥999.99 none, ¥1,000.00 and ¥5,000.00 fit, ¥5,000.01 does not', () => {
    expect(band(30, 99999)).toBeUndefined();
    expect(band(30, 100000)).toBe(1500);
    expect(band(30, 500000)).toBe(1500);
    expect(band(30, 500001)).toBeUndefined();
  });

  it('a band with limits in yuan does not fit a dollar loan; a band without limits does', () => {
    expect(band(30, 300000, 'USD')).toBeUndefined();
    expect(band(60, 300000, 'USD')).toBe(2000);
  });

  it('the lump sum is the balance less the discount, rounded up to the fen (never a larger discount)', () => {
    // ¥1,000.01 less 15%: 100001 x 0.85 = 85000.85 -> 85001.
    expect(offerAmountMinor(100001, 1500)).toBe(85001);
    // ¥1,000.00 less 15%: exactly 85000.
    expect(offerAmountMinor(100000, 1500)).toBe(85000);
  });
});

describe('what a message may say is charged', () => {
  it('what the policy accrues and what its feed reports, nothing else', () => {
    expect([...producedCharges(balance({}))]).toEqual([]);
    expect([...producedCharges(balance({ feedProvides: ['FEES'] }))]).toEqual(['FEES']);
    expect([...producedCharges(balance({ penaltyInterest: { annualRateBasisPoints: 1825 } }))]).toEqual([
      'PENALTY_INTEREST',
    ]);
    expect([
      ...producedCharges(balance({ lateFees: [{ daysPastDue: 1, amount: { CNY: '50.00' } }] })),
    ]).toEqual(['FEES']);
  });
});

describe("a policy's money settings under its rule pack", () => {
  it("penalty interest at the CN pack's maximum of 24.00% a year is allowed, one basis point more is not", () => {
    expect(
      balanceProblems(balance({ penaltyInterest: { annualRateBasisPoints: 2400 } }), RULE_PACKS.CN),
    ).toEqual([]);
    expect(
      balanceProblems(balance({ penaltyInterest: { annualRateBasisPoints: 2401 } }), RULE_PACKS.CN),
    ).toEqual([
      "balance.penaltyInterest.annualRateBasisPoints: 2401 is above the CN pack's legal maximum of 2400 a year",
    ]);
    // A pack with no maximum in this table: the policy's own rate stands.
    expect(
      balanceProblems(balance({ penaltyInterest: { annualRateBasisPoints: 3650 } }), RULE_PACKS.US),
    ).toEqual([]);
  });

  it('a late fee is a fixed amount or a share of the amount due: exactly one of them', () => {
    const fees = balance({
      lateFees: [
        { daysPastDue: 1, amount: { CNY: '50.00' } },
        { daysPastDue: 15, basisPoints: 100 },
        { daysPastDue: 30, amount: { CNY: '50.00' }, basisPoints: 100 },
        { daysPastDue: 45 },
        { daysPastDue: 60, amount: { XYZ: '1.00' } },
      ],
    });
    expect(balanceProblems(fees, RULE_PACKS.CN)).toEqual([
      'balance.lateFees.2: give exactly one of amount and basisPoints',
      'balance.lateFees.3: give exactly one of amount and basisPoints',
      'balance.lateFees.4.amount.XYZ: not an ISO 4217 currency',
    ]);
  });

  it("a minimum payment's floor has the currency's decimals; curing on the minimum needs a minimum", () => {
    expect(
      balanceProblems(balance({ minimumDue: { basisPoints: 1000, floor: { CNY: '1.005' } } }), RULE_PACKS.CN),
    ).toEqual(['balance.minimumDue.floor.CNY: amount "1.005" has more than 2 decimal places for CNY']);
    expect(balanceProblems(balance({ cureOn: 'MINIMUM_DUE' }), RULE_PACKS.CN)).toEqual([
      'balance.cureOn: MINIMUM_DUE needs balance.minimumDue (for events that carry none)',
    ]);
    expect(
      balanceProblems(balance({ cureOn: 'MINIMUM_DUE', minimumDue: { basisPoints: 1000 } }), RULE_PACKS.CN),
    ).toEqual([]);
  });

  it('per-currency amounts: ISO codes in upper case, and amounts the currency can hold', () => {
    expect(amountProblems({ CNY: '100.00', JPY: '100', KWD: '1.005' }, 'f')).toEqual([]);
    expect(amountProblems({ usd: '1.00', JPY: '100.5', CNY: '1.00x' }, 'f')).toEqual([
      'f.usd: not an ISO 4217 currency',
      'f.JPY: amount "100.5" has more than 0 decimal places for JPY',
      'f.CNY: amount "1.00x" is not a non-negative decimal string',
    ]);
  });
});

describe("a card's minimum payment", () => {
  const card = balance({ minimumDue: { basisPoints: 1000, floor: { CNY: '100.00' } } });

  it('10% of the amount due, at least the floor, never more than the amount due', () => {
    // ¥5,000.00 due: 10% is ¥500.00, above the ¥100.00 floor.
    expect(minimumDueMinor(card, 500000, 'CNY')).toBe(50000);
    // ¥500.00 due: 10% is ¥50.00, under the floor: ¥100.00.
    expect(minimumDueMinor(card, 50000, 'CNY')).toBe(10000);
    // ¥50.00 due: the floor is more than is owed: ¥50.00.
    expect(minimumDueMinor(card, 5000, 'CNY')).toBe(5000);
  });

  it('a currency with no floor: the share alone ($500.00 due: $50.00)', () => {
    expect(minimumDueMinor(card, 50000, 'USD')).toBe(5000);
  });

  it("the loan system's own minimum wins, capped at the amount due; a policy without one has none", () => {
    expect(minimumDueMinor(card, 50000, 'CNY', 3000)).toBe(3000);
    expect(minimumDueMinor(card, 50000, 'CNY', 60000)).toBe(50000);
    expect(minimumDueMinor(balance({}), 50000, 'CNY')).toBeUndefined();
  });
});
