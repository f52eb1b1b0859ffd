/**
 * Confidence intervals for the manager's report: pure arithmetic, no dependencies.
 *
 * - One proportion (a cure rate): the Wilson score interval. E. B. Wilson, "Probable inference, the
 *   law of succession, and statistical inference", JASA 22 (1927) 209-212; method 3 of R. G. Newcombe,
 *   "Two-sided confidence intervals for the single proportion: comparison of seven methods",
 *   Statistics in Medicine 17 (1998) 857-872. Unlike the textbook p ± z·√(p(1-p)/n) it stays inside
 *   [0, 1] and does not collapse to a point at 0 or n successes, which small arms and rare outcomes hit.
 * - A difference of two independent proportions (challenger minus champion): Newcombe's hybrid score
 *   interval, built from the two Wilson intervals: method 10 of R. G. Newcombe, "Interval estimation
 *   for the difference between independent proportions: comparison of eleven methods", Statistics in
 *   Medicine 17 (1998) 873-890.
 */
export interface Interval {
  low: number;
  high: number;
}

/** The two-sided 95% normal quantile, z such that P(|Z| <= z) = 0.95. */
export const Z95 = 1.959963984540054;

/** Wilson score interval for `successes` of `trials`; null when there are no trials. */
export function wilson(successes: number, trials: number, z = Z95): Interval | null {
  if (trials <= 0) return null;
  if (successes < 0 || successes > trials) throw new RangeError(`${successes} of ${trials}`);
  const p = successes / trials;
  const z2 = z * z;
  const denominator = 1 + z2 / trials;
  const centre = (p + z2 / (2 * trials)) / denominator;
  const half = (z / denominator) * Math.sqrt((p * (1 - p)) / trials + z2 / (4 * trials * trials));
  // Clamped: at 0 or n successes the bound is 0 or 1 exactly, not 1e-17 away from it.
  return { low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}

/**
 * Newcombe's hybrid score interval for p1 - p2 (a1 of n1 against a2 of n2); null when either arm is
 * empty. The difference is distinguishable from chance at the interval's level when it excludes 0.
 */
export function newcombeDifference(a1: number, n1: number, a2: number, n2: number, z = Z95): Interval | null {
  const w1 = wilson(a1, n1, z);
  const w2 = wilson(a2, n2, z);
  if (!w1 || !w2) return null;
  const p1 = a1 / n1;
  const p2 = a2 / n2;
  const d = p1 - p2;
  return {
    low: d - Math.sqrt((p1 - w1.low) ** 2 + (w2.high - p2) ** 2),
    high: d + Math.sqrt((w1.high - p1) ** 2 + (p2 - w2.low) ** 2),
  };
}
