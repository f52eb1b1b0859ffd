import { describe, expect, it } from 'vitest';
import { median } from '../../bench/cli-help.js';

// The figure the README reports for `npx ladder --help` is this median of five runs.
describe('bench:cli median', () => {
  it('is the middle of the sorted samples, whatever their order', () => {
    expect(median([900, 310, 305, 2000, 320])).toBe(320);
    expect(median([5, 1, 3])).toBe(3);
    expect(median([7])).toBe(7);
  });

  it('refuses an even number of samples rather than pick one of the two middles', () => {
    expect(() => median([1, 2])).toThrow(/odd/);
  });
});
