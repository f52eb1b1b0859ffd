import { describe, expect, it } from 'vitest';
import { latestPromiseDate, planOptions } from '../../functions/domain/self-service.js';

/** Worked by hand: 1,000.00 CNY owed on 2026-01-31 in Shanghai (02:00 UTC is 10:00 there). */
const NOW = Date.parse('2026-01-31T02:00:00Z');
const TZ = 'Asia/Shanghai';
const policy = {
  plan: { maxInstalments: 3 },
  settlement: { maxDiscountBasisPoints: 2000, approvalAboveBasisPoints: 1000, offers: [] },
  promiseToPay: { graceDays: 2, maxDaysAhead: 30 },
} as unknown as Parameters<typeof planOptions>[2] & Parameters<typeof latestPromiseDate>[0];

describe("the borrower page's offers", () => {
  it('splits what is owed into equal monthly instalments from a week ahead, the cents left on the last', () => {
    const options = planOptions(100_000, 'CNY', policy, NOW, TZ);
    expect(options.map((o) => o.id)).toEqual(['plan-2', 'plan-3', 'settlement']);
    expect(options[0]?.instalments).toEqual([
      { amount: '500.00', date: '2026-02-07' },
      { amount: '500.00', date: '2026-03-07' },
    ]);
    expect(options[1]?.instalments).toEqual([
      { amount: '333.33', date: '2026-02-07' },
      { amount: '333.33', date: '2026-03-07' },
      { amount: '333.34', date: '2026-04-07' },
    ]);
    expect(options[1]?.total).toBe('1000.00');
  });

  it('offers a settlement at the largest discount that needs no approver (10%, not the 20% limit)', () => {
    const settlement = planOptions(100_000, 'CNY', policy, NOW, TZ).find((o) => o.kind === 'SETTLEMENT');
    expect(settlement).toEqual({
      id: 'settlement',
      kind: 'SETTLEMENT',
      instalments: [{ amount: '900.00', date: '2026-02-07' }],
      total: '900.00',
    });
  });

  it('offers no settlement when the policy allows no discount, and nothing when nothing is owed', () => {
    const noDiscount = { ...policy, settlement: { maxDiscountBasisPoints: 0, offers: [] } };
    expect(planOptions(100_000, 'CNY', noDiscount, NOW, TZ).map((o) => o.id)).toEqual(['plan-2', 'plan-3']);
    expect(planOptions(0, 'CNY', policy, NOW, TZ)).toEqual([]);
  });

  it('lets a promise name a date up to maxDaysAhead from the local today', () => {
    expect(latestPromiseDate(policy, NOW, TZ)).toBe('2026-03-02');
    // 23:30 UTC on the 30th is already the 31st in Shanghai.
    expect(latestPromiseDate(policy, Date.parse('2026-01-30T23:30:00Z'), TZ)).toBe('2026-03-02');
  });
});
