import { describe, expect, it } from 'vitest';
import { BlacklistSchema, notSevere } from '../../functions/domain/blacklist.js';

/**
 * Only a serious default is shared on an industry blacklist (DOMAIN.md): at least minDaysPastDue days
 * past due and at least minBalance owed in the loan's currency. Here 90 days and ¥10,000.00 (1,000,000
 * fen); dollars are not listed, so a dollar loan is never reported.
 */
const policy = BlacklistSchema().parse({
  registry: 'industry-shared',
  noticeDays: 14,
  minDaysPastDue: 90,
  minBalance: { CNY: '10000.00' },
});

describe('a serious default', () => {
  it('90 days past due and ¥10,000.00 owed is serious; 89 days is not', () => {
    expect(notSevere(policy, 'CNY', 1_000_000, 90)).toBeUndefined();
    expect(notSevere(policy, 'CNY', 1_000_000, 89)).toBe('BELOW_DAYS_PAST_DUE');
    expect(notSevere(policy, 'CNY', 5_000_000, 400)).toBeUndefined();
  });

  it('¥9,999.99 owed is not serious, however late; the days are judged first', () => {
    expect(notSevere(policy, 'CNY', 999_999, 90)).toBe('BELOW_BALANCE');
    expect(notSevere(policy, 'CNY', 999_999, 89)).toBe('BELOW_DAYS_PAST_DUE');
  });

  it('a currency the policy does not list is never reported', () => {
    expect(notSevere(policy, 'USD', 100_000_000, 400)).toBe('BELOW_BALANCE');
  });
});

describe('the registry name', () => {
  it('letters, digits, spaces and . _ - only, 1 to 60 of them; the refusal says so', () => {
    const parse = (registry: string) => BlacklistSchema().safeParse({ ...policy, registry });
    expect(parse('Industry Shared_v2.cn-1').success).toBe(true);
    expect(parse('a'.repeat(60)).success).toBe(true);
    expect(parse('a'.repeat(61)).success).toBe(false);
    expect(parse('registry/other').error?.issues[0]?.message).toBe('letters, digits, spaces and . _ - only');
  });
});
