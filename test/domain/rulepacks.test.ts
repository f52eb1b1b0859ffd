import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../functions/domain/errors.js';
import { RULE_PACKS, type RulePackOverrides, resolveRulePack } from '../../functions/domain/rulepacks.js';

/**
 * The packs' numbers, as DOMAIN.md states them (the other test files exercise each at its edge), and
 * a lender's overrides: merged, validated, and recorded in the version.
 *
 * Survivors judged equivalent (rulepacks.ts): `issue?.path` and `issue?.message` without `?.`, since a
 * failed parse has at least one issue; in nextAllowedMoment, `minute < start` mutated to `<=`, since
 * at minute == start the moment is inside the window and returned before (for any window whose start
 * is before its end; see the report about windows that are not).
 */
describe('the rule packs', () => {
  it('CN 2026.3: 08:00-22:00, 6 unanswered a day per number, 3 connected a day per debtor, notice before reporting, charges at most 24% a year', () => {
    expect(RULE_PACKS.CN).toEqual({
      id: 'CN',
      version: '2026.3',
      contactWindow: { start: '08:00', end: '22:00' },
      calls: {
        maxUnansweredPerDayPerNumber: 6,
        maxConnectedPerDayPerDebtor: 3,
        maxCallsPer7DaysPerDebt: null,
        quietDaysAfterConversation: null,
      },
      optOutInEveryMessage: false,
      creditReportNoticeDays: 0,
      charges: { maxAnnualRateBasisPoints: 2400 },
    });
  });

  it('US 2026.1: 08:00-21:00, 7 calls in 7 days per debt, 7 quiet days, opt-out in every message, 14 days notice', () => {
    expect(RULE_PACKS.US).toEqual({
      id: 'US',
      version: '2026.1',
      contactWindow: { start: '08:00', end: '21:00' },
      calls: {
        maxUnansweredPerDayPerNumber: null,
        maxConnectedPerDayPerDebtor: null,
        maxCallsPer7DaysPerDebt: 7,
        quietDaysAfterConversation: 7,
      },
      optOutInEveryMessage: true,
      creditReportNoticeDays: 14,
      charges: { maxAnnualRateBasisPoints: null },
    });
  });
});

describe('resolveRulePack', () => {
  it('no overrides, or empty ones: the pack itself, unchanged', () => {
    expect(resolveRulePack('US')).toBe(RULE_PACKS.US);
    expect(resolveRulePack('CN', {})).toBe(RULE_PACKS.CN);
  });

  it('overrides are merged (calls number by number) and the version says so', () => {
    const pack = resolveRulePack('US', {
      contactWindow: { start: '09:00', end: '20:00' },
      calls: { maxCallsPer7DaysPerDebt: 5 },
    });
    expect(pack).toEqual({
      ...RULE_PACKS.US,
      version: '2026.1+lender',
      contactWindow: { start: '09:00', end: '20:00' },
      calls: { ...RULE_PACKS.US.calls, maxCallsPer7DaysPerDebt: 5 },
    });
    expect(RULE_PACKS.US.calls.maxCallsPer7DaysPerDebt).toBe(7);
  });

  it.each<[RulePackOverrides, string]>([
    [{ contactWindow: { start: '24:00', end: '21:00' } }, 'contactWindow.start: must be HH:MM (24-hour)'],
    [{ contactWindow: { start: '8:00', end: '21:00' } }, 'contactWindow.start: must be HH:MM (24-hour)'],
    [{ contactWindow: { start: '08:00', end: '21:60' } }, 'contactWindow.end: must be HH:MM (24-hour)'],
    [{ contactWindow: { start: '08:00', end: '21:000' } }, 'contactWindow.end: must be HH:MM (24-hour)'],
    [{ contactWindow: { start: '008:00', end: '21:00' } }, 'contactWindow.start: must be HH:MM (24-hour)'],
    [{ calls: { maxCallsPer7DaysPerDebt: 0 } }, 'calls.maxCallsPer7DaysPerDebt: '],
    [{ calls: { maxUnansweredPerDayPerNumber: 2.5 } }, 'calls.maxUnansweredPerDayPerNumber: '],
    [{ calls: { quietDaysAfterConversation: -1 } }, 'calls.quietDaysAfterConversation: '],
    [{ creditReportNoticeDays: -1 }, 'creditReportNoticeDays: '],
  ])('%j is refused: %s', (overrides, message) => {
    expect(() => resolveRulePack('US', overrides)).toThrow(ValidationError);
    expect(() => resolveRulePack('US', overrides)).toThrow(`rule pack US override: ${message}`);
  });

  it.each<RulePackOverrides>([
    { contactWindow: { start: '00:00', end: '23:59' } },
    { contactWindow: { start: '19:30', end: '20:00' } },
    { calls: { quietDaysAfterConversation: 0, maxConnectedPerDayPerDebtor: null } },
    { creditReportNoticeDays: 0 },
  ])('%j is accepted', (overrides) => {
    expect(resolveRulePack('CN', overrides).version).toBe('2026.3+lender');
  });
});
