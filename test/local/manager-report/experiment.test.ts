import { describe, expect, it } from 'vitest';
import { compareArms } from '../../../local/manager-report/experiment.js';
import { arm, PORTFOLIO } from './portfolio.js';

const run = { ddbRequestsPerLoan: 0, lambdaInvocationsPerLoan: 0 };

describe('champion against challenger', () => {
  it("Newcombe's example (a): 56/70 against 48/80 is distinguishable from chance", () => {
    const c = compareArms(
      [...arm('champion', 'default', 80, 48), ...arm('challenger', 'early-call', 70, 56)],
      run,
    );
    expect(c?.champion).toMatchObject({ policy: 'default', loans: 80, cured: 48 });
    expect(c?.challenger).toMatchObject({ policy: 'early-call', loans: 70, cured: 56 });
    expect(c?.difference).toBeCloseTo(0.2, 10);
    // Newcombe (1998b), Table II, method 10.
    expect(c?.interval.low).toBeCloseTo(0.0524, 4);
    expect(c?.interval.high).toBeCloseTo(0.3339, 4);
    expect(c?.distinguishable).toBe(true);
    expect(c?.verdict).toBe(
      'The challenger (early-call) cures more loans than the champion (default): 80.0% of 70 against 60.0% of 80 ' +
        '(+20.0 points, 95% interval +5.2 to +33.4); the difference is distinguishable from chance at 95% (the interval excludes zero).',
    );
  });

  it("Newcombe's example (d): 5/56 against 0/29 is not (the interval includes zero)", () => {
    const c = compareArms([...arm('challenger', 'b', 56, 5), ...arm('champion', 'a', 29, 0)], run);
    expect(c?.interval.low).toBeCloseTo(-0.0381, 4);
    expect(c?.interval.high).toBeCloseTo(0.1926, 4);
    expect(c?.distinguishable).toBe(false);
    expect(c?.verdict).toContain('The challenger (b) cures more loans than the champion (a)');
    expect(c?.verdict).toContain('is not distinguishable from chance at 95% (the interval includes zero)');
  });

  it('a challenger curing fewer says so, with a negative interval', () => {
    const c = compareArms([...arm('champion', 'a', 80, 56), ...arm('challenger', 'b', 70, 28)], run);
    expect(c?.interval.high).toBeLessThan(0);
    expect(c?.verdict).toContain('cures fewer loans than');
    expect(c?.verdict).toContain('95% interval −');
  });

  it('no comparison without an experiment, or with one arm empty', () => {
    expect(compareArms(PORTFOLIO, run)).toBeNull();
    expect(compareArms(arm('champion', 'a', 10, 5), run)).toBeNull();
  });
});
