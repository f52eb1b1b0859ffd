import { describe, expect, it } from 'vitest';
import { newcombeDifference, wilson } from '../../../local/manager-report/intervals.js';

/**
 * Fixed vectors from the papers the report cites, to four decimals as printed there:
 * R. G. Newcombe, Statistics in Medicine 17 (1998) 857-872, Table I, method 3 (Wilson score), and
 * 873-890, Table II, method 10 (hybrid score interval for a difference).
 */
describe('wilson: Newcombe (1998a), Table I, method 3', () => {
  it.each([
    [81, 263, 0.2553, 0.3662],
    [15, 148, 0.0624, 0.1605],
    [0, 20, 0, 0.1611],
    [1, 29, 0.0061, 0.1718],
  ])('%i of %i: %f to %f', (x, n, low, high) => {
    const i = wilson(x, n);
    expect(i?.low).toBeCloseTo(low, 4);
    expect(i?.high).toBeCloseTo(high, 4);
  });

  it('is exactly [.., 1] at n of n and exactly [0, ..] at 0 of n', () => {
    expect(wilson(29, 29)?.high).toBe(1);
    expect(wilson(29, 29)?.low).toBeCloseTo(0.883, 3);
    expect(wilson(0, 20)?.low).toBe(0);
  });

  it('has no interval without trials, and refuses more successes than trials', () => {
    expect(wilson(0, 0)).toBeNull();
    expect(() => wilson(3, 2)).toThrow(RangeError);
  });
});

describe('newcombeDifference: Newcombe (1998b), Table II, method 10', () => {
  it.each([
    [56, 70, 48, 80, 0.0524, 0.3339],
    [9, 10, 3, 10, 0.1705, 0.809],
    [6, 7, 2, 7, 0.0582, 0.8062],
    [5, 56, 0, 29, -0.0381, 0.1926],
    [0, 10, 0, 20, -0.1611, 0.2775],
    [0, 10, 0, 10, -0.2775, 0.2775],
    [10, 10, 0, 20, 0.6791, 1],
    [10, 10, 0, 10, 0.6075, 1],
  ])('%i/%i minus %i/%i: %f to %f', (a1, n1, a2, n2, low, high) => {
    const i = newcombeDifference(a1, n1, a2, n2);
    expect(i?.low).toBeCloseTo(low, 4);
    expect(i?.high).toBeCloseTo(high, 4);
  });

  it('has no interval when an arm is empty', () => {
    expect(newcombeDifference(1, 2, 0, 0)).toBeNull();
  });
});
