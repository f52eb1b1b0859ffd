import * as z from 'zod';
import { isCurrency, toMinor } from './money.js';
import { once } from './once.js';
import type { RulePack } from './rulepacks.js';

/**
 * A policy's money settings: what it accrues itself (penalty interest, late fees), what the lender's
 * loan system reports instead (BalanceChanged), a card's minimum payment and what cures the loan.
 * Checked at load against the rule pack's legal maximum (functions/domain/balance.ts does the sums).
 */
/** A non-negative amount in major units, as a decimal string ("1200.50"). */
export const Decimal = once(() =>
  z.string().regex(/^(0|[1-9]\d{0,14})(\.\d{1,3})?$/, 'must be a non-negative decimal string'),
);
const PerCurrency = once(() => z.record(z.string(), Decimal()));

/** What a message may say is being charged: only what the policy or the feed produces. */
export const CHARGES = ['PENALTY_INTEREST', 'FEES'] as const;
export type Charge = (typeof CHARGES)[number];

export const BalanceSchema = once(() =>
  z
    .object({
      /** Simple interest on the overdue amount due, from the day after `graceDays` days past due. */
      penaltyInterest: z
        .object({
          annualRateBasisPoints: z.number().int().min(1).max(100_000),
          graceDays: z.number().int().min(0).max(30).default(0),
        })
        .optional(),
      /** Charged once on the day the loan reaches `daysPastDue`: a fixed amount, or basis points of `of`. */
      lateFees: z
        .array(
          z.object({
            daysPastDue: z.number().int().min(1).max(365),
            amount: PerCurrency().optional(),
            basisPoints: z.number().int().min(1).max(10_000).optional(),
            of: z.enum(['AMOUNT_DUE', 'MINIMUM_DUE']).default('AMOUNT_DUE'),
          }),
        )
        .max(5)
        .default([]),
      /** What the lender's BalanceChanged events carry (so its templates may speak of them). */
      feedProvides: z.array(z.enum(CHARGES)).default([]),
      /** A card's minimum payment when the event carries none: basis points of the amount due, at least `floor`. */
      minimumDue: z
        .object({ basisPoints: z.number().int().min(1).max(10_000), floor: PerCurrency().default({}) })
        .optional(),
      /** BALANCE: cured when the balance is paid (to the cure threshold); MINIMUM_DUE: when the minimum is. */
      cureOn: z.enum(['BALANCE', 'MINIMUM_DUE']).default('BALANCE'),
    })
    .default({ lateFees: [], feedProvides: [], cureOn: 'BALANCE' }),
);
export type BalancePolicy = z.infer<ReturnType<typeof BalanceSchema>>;

/**
 * Settling for less: a plan or offer may come to less than the balance by at most
 * `maxDiscountBasisPoints` of it (0: never), and above `approvalAboveBasisPoints` only with an
 * approver's recorded decision. `offers`: one-time lump-sum offers by band (days past due, amount owed),
 * made by a SETTLEMENT_OFFER stage: the first band that fits.
 */
export const SettlementSchema = once(() =>
  z
    .object({
      maxDiscountBasisPoints: z.number().int().min(0).max(9_999).default(0),
      approvalAboveBasisPoints: z.number().int().min(0).max(9_999).optional(),
      offers: z
        .array(
          z.object({
            minDaysPastDue: z.number().int().min(0).max(730),
            maxDaysPastDue: z.number().int().min(0).max(730).optional(),
            minAmount: PerCurrency().optional(),
            maxAmount: PerCurrency().optional(),
            discountBasisPoints: z.number().int().min(1).max(9_999),
            /** The offer may be paid on the day it is made and this many days after. */
            validDays: z.number().int().min(1).max(60),
          }),
        )
        .max(10)
        .default([]),
    })
    .default({ maxDiscountBasisPoints: 0, offers: [] }),
);
export type SettlementPolicy = z.infer<ReturnType<typeof SettlementSchema>>;
export type OfferBand = SettlementPolicy['offers'][number];

/** The problems of a policy's settlement limits and offer bands, each naming the field. */
export function settlementProblems(settlement: SettlementPolicy): string[] {
  const problems: string[] = [];
  const max = settlement.maxDiscountBasisPoints;
  if ((settlement.approvalAboveBasisPoints ?? 0) > max)
    problems.push(`settlement.approvalAboveBasisPoints: above maxDiscountBasisPoints (${max})`);
  settlement.offers.forEach((band, i) => {
    const at = `settlement.offers.${i}`;
    if (band.discountBasisPoints > max)
      problems.push(`${at}.discountBasisPoints: above settlement.maxDiscountBasisPoints (${max})`);
    if (band.maxDaysPastDue !== undefined && band.maxDaysPastDue < band.minDaysPastDue)
      problems.push(`${at}.maxDaysPastDue: below minDaysPastDue`);
    problems.push(...amountProblems(band.minAmount ?? {}, `${at}.minAmount`));
    problems.push(...amountProblems(band.maxAmount ?? {}, `${at}.maxAmount`));
  });
  return problems;
}

/**
 * The first band that fits a loan this many days past due owing `owedMinor`. An amount limit in
 * another currency does not fit: bands are per currency.
 */
export function offerBand(
  settlement: SettlementPolicy,
  daysPastDue: number,
  owedMinor: number,
  currency: string,
): OfferBand | undefined {
  const limit = (amounts: Record<string, string> | undefined) =>
    amounts === undefined
      ? undefined
      : amounts[currency] === undefined
        ? null
        : toMinor(amounts[currency], currency);
  return settlement.offers.find((band) => {
    if (daysPastDue < band.minDaysPastDue) return false;
    if (band.maxDaysPastDue !== undefined && daysPastDue > band.maxDaysPastDue) return false;
    const min = limit(band.minAmount);
    const max = limit(band.maxAmount);
    if (min === null || max === null) return false;
    return (min === undefined || owedMinor >= min) && (max === undefined || owedMinor <= max);
  });
}

/** A band's lump sum: the balance less the discount, rounded up to the minor unit (never a larger discount). */
export const offerAmountMinor = (owedMinor: number, discountBasisPoints: number): number => {
  const numerator = BigInt(owedMinor) * BigInt(10_000 - discountBasisPoints);
  return Number((numerator + 9_999n) / 10_000n);
};

/** The charges this policy's messages may mention: what it accrues, and what its feed reports. */
export function producedCharges(balance: BalancePolicy): Set<Charge> {
  const produced = new Set<Charge>(balance.feedProvides);
  if (balance.penaltyInterest) produced.add('PENALTY_INTEREST');
  if (balance.lateFees.length > 0) produced.add('FEES');
  return produced;
}

/** The problems of a policy's money settings under its rule pack, each naming the field. */
export function balanceProblems(balance: BalancePolicy, rules: RulePack): string[] {
  const problems: string[] = [];
  const max = rules.charges.maxAnnualRateBasisPoints;
  const rate = balance.penaltyInterest?.annualRateBasisPoints;
  if (rate !== undefined && max !== null && rate > max) {
    problems.push(
      `balance.penaltyInterest.annualRateBasisPoints: ${rate} is above the ${rules.id} pack's legal maximum of ${max} a year`,
    );
  }
  balance.lateFees.forEach((fee, i) => {
    if ((fee.amount === undefined) === (fee.basisPoints === undefined))
      problems.push(`balance.lateFees.${i}: give exactly one of amount and basisPoints`);
    problems.push(...amountProblems(fee.amount ?? {}, `balance.lateFees.${i}.amount`));
  });
  problems.push(...amountProblems(balance.minimumDue?.floor ?? {}, 'balance.minimumDue.floor'));
  if (balance.cureOn === 'MINIMUM_DUE' && !balance.minimumDue)
    problems.push('balance.cureOn: MINIMUM_DUE needs balance.minimumDue (for events that carry none)');
  return problems;
}

/** Per-currency amounts: real currencies, amounts with that currency's decimals. */
export function amountProblems(amounts: Record<string, string>, field: string): string[] {
  return Object.entries(amounts).flatMap(([currency, amount]) => {
    if (!isCurrency(currency)) return [`${field}.${currency}: not an ISO 4217 currency`];
    try {
      toMinor(amount, currency);
      return [];
    } catch (error) {
      return [`${field}.${currency}: ${(error as Error).message}`];
    }
  });
}

/** A card's minimum payment: the event's, else the policy's share of the amount due (at least its floor). */
export function minimumDueMinor(
  balance: BalancePolicy,
  amountDueMinor: number,
  currency: string,
  given?: number,
): number | undefined {
  if (given !== undefined) return Math.min(given, amountDueMinor);
  if (!balance.minimumDue) return undefined;
  const share = Number((BigInt(amountDueMinor) * BigInt(balance.minimumDue.basisPoints)) / 10_000n);
  const floor = balance.minimumDue.floor[currency];
  return Math.min(amountDueMinor, Math.max(share, floor === undefined ? 0 : toMinor(floor, currency)));
}
