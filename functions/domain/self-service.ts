import { DateTime } from 'luxon';
import { fromMinor } from './money.js';
import type { LoadedPolicy } from './policy.js';

/**
 * What the borrower's page offers (the policy decides; the events that accept an offer check it again
 * by the same rules as an agent's: promise.ts, plan.ts). Plans split what is owed now into equal
 * monthly instalments (the cents left over on the last), the first a week from today; a settlement,
 * when the policy allows a discount, is one payment a week from today for what is owed less the
 * largest discount that needs no approver.
 */
export interface PlanOption {
  /** `plan-<n>` (n instalments) or `settlement`: what the page sends back. */
  id: string;
  kind: 'PLAN' | 'SETTLEMENT';
  instalments: Array<{ amount: string; date: string }>;
  /** What the instalments add up to (less than owed for a settlement). */
  total: string;
}

/** Instalment counts offered, each only up to the policy's maxInstalments. */
const COUNTS = [2, 3, 6, 12] as const;
const FIRST_IN_DAYS = 7;

const localToday = (now: number, timeZone: string): DateTime =>
  DateTime.fromMillis(now, { zone: timeZone }).startOf('day');

/** Equal monthly instalments of `totalMinor`, the first `FIRST_IN_DAYS` days from today. */
function split(totalMinor: number, n: number, currency: string, today: DateTime) {
  const each = Math.floor(totalMinor / n);
  return Array.from({ length: n }, (_, i) => ({
    amount: fromMinor(i === n - 1 ? totalMinor - each * (n - 1) : each, currency),
    date: today.plus({ days: FIRST_IN_DAYS }).plus({ months: i }).toISODate() ?? '',
  }));
}

export function planOptions(
  owedMinor: number,
  currency: string,
  policy: Pick<LoadedPolicy, 'plan' | 'settlement'>,
  now: number,
  timeZone: string,
): PlanOption[] {
  if (owedMinor <= 0) return [];
  const today = localToday(now, timeZone);
  const options: PlanOption[] = COUNTS.filter((n) => n <= policy.plan.maxInstalments && owedMinor >= n).map(
    (n) => ({
      id: `plan-${n}`,
      kind: 'PLAN',
      instalments: split(owedMinor, n, currency, today),
      total: fromMinor(owedMinor, currency),
    }),
  );
  const { maxDiscountBasisPoints, approvalAboveBasisPoints } = policy.settlement;
  const bp = Math.min(maxDiscountBasisPoints, approvalAboveBasisPoints ?? maxDiscountBasisPoints);
  // Rounded down: the discount never exceeds the limit (plan.ts compares in integers too).
  const discount = Math.floor((owedMinor * bp) / 10_000);
  if (discount > 0) {
    const total = owedMinor - discount;
    options.push({
      id: 'settlement',
      kind: 'SETTLEMENT',
      instalments: split(total, 1, currency, today),
      total: fromMinor(total, currency),
    });
  }
  return options;
}

/** The latest date a promise may name: today plus the policy's promiseToPay.maxDaysAhead. */
export const latestPromiseDate = (
  policy: Pick<LoadedPolicy, 'promiseToPay'>,
  now: number,
  timeZone: string,
): string => localToday(now, timeZone).plus({ days: policy.promiseToPay.maxDaysAhead }).toISODate() ?? '';
