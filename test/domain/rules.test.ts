import { describe, expect, it } from 'vitest';
import type { BorrowerProfile } from '../../functions/domain/case.js';
import { callCapBlock, decideContacts } from '../../functions/domain/decide.js';
import { formatMoney, toMinor } from '../../functions/domain/money.js';
import { loadPolicy } from '../../functions/domain/policy.js';
import { insideWindow, nextAllowedMoment, RULE_PACKS } from '../../functions/domain/rulepacks.js';
import defaultPolicy from '../../policies/default.json' with { type: 'json' };

const at = (iso: string) => Date.parse(iso);
const CN = RULE_PACKS.CN.contactWindow;
const US = RULE_PACKS.US.contactWindow;

describe('contact windows at their edges', () => {
  it('CN: 07:59 deferred to 08:00, 08:00 allowed, 21:59 allowed, 22:00 deferred to next 08:00 (Shanghai)', () => {
    expect(nextAllowedMoment(at('2026-12-01T07:59:00+08:00'), 'Asia/Shanghai', CN)).toBe(
      at('2026-12-01T08:00:00+08:00'),
    );
    expect(insideWindow(at('2026-12-01T08:00:00+08:00'), 'Asia/Shanghai', CN)).toBe(true);
    expect(insideWindow(at('2026-12-01T21:59:00+08:00'), 'Asia/Shanghai', CN)).toBe(true);
    expect(nextAllowedMoment(at('2026-12-01T22:00:00+08:00'), 'Asia/Shanghai', CN)).toBe(
      at('2026-12-02T08:00:00+08:00'),
    );
  });
  it('US: 20:59 allowed, 21:00 deferred to 08:00 the next day', () => {
    expect(insideWindow(at('2026-12-01T20:59:00-05:00'), 'America/New_York', US)).toBe(true);
    expect(nextAllowedMoment(at('2026-12-01T21:00:00-05:00'), 'America/New_York', US)).toBe(
      at('2026-12-02T08:00:00-05:00'),
    );
  });
  it('daylight saving: New York spring forward and London fall back keep 08:00 local', () => {
    expect(nextAllowedMoment(at('2027-03-14T02:30:00-05:00'), 'America/New_York', US)).toBe(
      at('2027-03-14T08:00:00-04:00'),
    );
    expect(nextAllowedMoment(at('2026-10-25T01:30:00+01:00'), 'Europe/London', US)).toBe(
      at('2026-10-25T08:00:00+00:00'),
    );
  });
  it('unusual offsets: +05:30 and +13:45', () => {
    expect(nextAllowedMoment(at('2026-12-01T07:59:00+05:30'), 'Asia/Kolkata', CN)).toBe(
      at('2026-12-01T08:00:00+05:30'),
    );
    expect(nextAllowedMoment(at('2026-12-01T22:00:00+13:45'), 'Pacific/Chatham', CN)).toBe(
      at('2026-12-02T08:00:00+13:45'),
    );
  });
});

const profile = (
  calls: BorrowerProfile['calls'] = [],
  extra: Partial<BorrowerProfile> = {},
): BorrowerProfile => ({
  borrowerId: 'B',
  timeZone: 'Asia/Shanghai',
  locale: 'en',
  optOuts: {},
  contactPoints: { SMS: { verified: true }, EMAIL: { verified: true } },
  calls,
  ...extra,
});

describe('call caps', () => {
  const now = at('2026-12-01T15:00:00+08:00');
  const unanswered = (n: number) =>
    Array.from({ length: n }, (_, i) => ({
      at: new Date(now - (i + 1) * 60_000).toISOString(),
      loanId: 'L',
      connected: false,
    }));
  it('CN: the 6th unanswered call of the day is allowed, the 7th blocked', () => {
    expect(callCapBlock(RULE_PACKS.CN, profile(unanswered(5)), 'L', now)).toBeUndefined();
    expect(callCapBlock(RULE_PACKS.CN, profile(unanswered(6)), 'L', now)).toBe('CN_UNANSWERED_CALLS_PER_DAY');
  });
  it('US: the 7th call in 7 days is allowed, the 8th blocked', () => {
    const calls = (n: number) =>
      Array.from({ length: n }, (_, i) => ({
        at: new Date(now - (i + 1) * 20 * 3600_000).toISOString(),
        loanId: 'L',
        connected: false,
      }));
    expect(callCapBlock(RULE_PACKS.US, profile(calls(6)), 'L', now)).toBeUndefined();
    expect(callCapBlock(RULE_PACKS.US, profile(calls(7)), 'L', now)).toBe('US_CALLS_IN_7_DAYS');
  });
  it('US: no call within 7 days after a conversation', () => {
    const talked = [{ at: new Date(now - 6 * 86_400_000).toISOString(), loanId: 'L', connected: true }];
    expect(callCapBlock(RULE_PACKS.US, profile(talked), 'L', now)).toBe('US_CALL_AFTER_CONVERSATION');
  });
});

describe('channel decisions', () => {
  const noon = at('2026-12-01T12:00:00+08:00');
  it('an SMS opt-out blocks SMS and leaves e-mail open', () => {
    const d = decideContacts(
      RULE_PACKS.CN,
      ['SMS', 'EMAIL'],
      'ALL',
      profile([], { optOuts: { SMS: 'x' } }),
      'L',
      noon,
    );
    expect(d.map((x) => [x.channel, x.status, x.reason])).toEqual([
      ['SMS', 'BLOCKED', 'OPTED_OUT_SMS'],
      ['EMAIL', 'SEND', undefined],
    ]);
  });
  it('FIRST_OPEN falls through a closed channel to the next one only', () => {
    const d = decideContacts(
      RULE_PACKS.CN,
      ['SMS', 'EMAIL', 'LETTER'],
      'FIRST_OPEN',
      profile([], { optOuts: { SMS: 'x' } }),
      'L',
      noon,
    );
    expect(d.map((x) => x.status)).toEqual(['BLOCKED', 'SEND']);
  });
  it('outside the window every channel is DEFERRED to the next allowed moment, naming the pack', () => {
    const d = decideContacts(RULE_PACKS.CN, ['SMS'], 'ALL', profile(), 'L', at('2026-12-01T23:00:00+08:00'));
    expect(d[0]).toMatchObject({
      status: 'DEFERRED',
      reason: 'CN_CONTACT_HOURS',
      until: at('2026-12-02T08:00:00+08:00'),
    });
  });
});

describe('money', () => {
  it('keeps minor units exact and formats per locale', () => {
    expect(toMinor('1234.5', 'CNY')).toBe(123450);
    expect(toMinor('100', 'JPY')).toBe(100);
    expect(() => toMinor('-1', 'USD')).toThrow(/non-negative/);
    expect(() => toMinor('1.234', 'USD')).toThrow(/decimal places/);
    expect(formatMoney(123450, 'USD', 'en')).toBe('$1,234.50');
    expect(formatMoney(123450, 'CNY', 'zh-CN')).toBe('¥1,234.50');
  });
});

describe('policy validation', () => {
  it('loads the default ladder', () => {
    expect(loadPolicy(defaultPolicy).stages.map((s) => s.id)).toContain('D+7');
  });
  it('names the stage and the field of a bad policy', () => {
    const bad = structuredClone(defaultPolicy) as typeof defaultPolicy;
    (bad.stages[1] as { channels: string[] }).channels = ['FAX'];
    expect(() => loadPolicy(bad)).toThrow(/policy default: stage D\+1: channels\.0/);
    const wrongDay = structuredClone(defaultPolicy);
    (wrongDay.stages[2] as { offsetDays: number }).offsetDays = 4;
    expect(() => loadPolicy(wrongDay)).toThrow(/stage D\+3: offsetDays: 4 does not match the id/);
    const missing = structuredClone(defaultPolicy);
    (missing.stages[0] as { template: string }).template = 'nope';
    expect(() => loadPolicy(missing)).toThrow(/stage D-3: template: "nope" is not in templates/);
  });
});
