import { describe, expect, it } from 'vitest';
import type { Hardship } from '../../functions/domain/case.js';
import { activeHardship, hearHardship, unendedHardship } from '../../functions/domain/hardship.js';
import { caseRecord } from './fixtures.js';

/**
 * Hardship heard (DOMAIN.md: temporary inability to pay) pauses escalation for the policy's
 * hardship.pauseDays and brings one plan offer. Instants are written by hand: heard at
 * 2026-12-17T02:00:00.000Z, a 14-day pause ends at 2026-12-31T02:00:00.000Z, a 1-day pause at
 * 2026-12-18T02:00:00.000Z (a day is 86,400,000 ms, whatever the borrower's zone).
 */
const HEARD = Date.parse('2026-12-17T02:00:00.000Z');
const policy = (pauseDays: number) => ({ hardship: { pauseDays } });
const pause = (extra: Partial<Hardship> = {}): Hardship => ({
  source: 'EVENT',
  reportedAt: '2026-12-01T00:00:00.000Z',
  until: '2026-12-15T00:00:00.000Z',
  ...extra,
});

describe('which pause holds the ladder', () => {
  it('a pause neither ended nor handled by an agent is active; no pause is none', () => {
    const p = pause();
    expect(activeHardship(caseRecord({ hardship: p }))).toBe(p);
    expect(activeHardship(caseRecord())).toBeUndefined();
  });

  it('an ended pause, or one an agent handled without confirming hardship, no longer holds', () => {
    expect(
      activeHardship(caseRecord({ hardship: pause({ endedAt: '2026-12-15T00:00:00.000Z' }) })),
    ).toBeUndefined();
    expect(
      activeHardship(caseRecord({ hardship: pause({ handledAt: '2026-12-02T00:00:00.000Z' }) })),
    ).toBeUndefined();
  });

  it('a handled pause is still unended until the ladder records its end; an ended one is not', () => {
    const handled = pause({ handledAt: '2026-12-02T00:00:00.000Z' });
    expect(unendedHardship(caseRecord({ hardship: handled }))).toBe(handled);
    expect(
      unendedHardship(caseRecord({ hardship: pause({ endedAt: '2026-12-15T00:00:00.000Z' }) })),
    ).toBeUndefined();
    expect(unendedHardship(caseRecord())).toBeUndefined();
  });
});

describe('hearing hardship', () => {
  it('pauses escalation for exactly pauseDays from the report, and records when hardship was first heard', () => {
    const c = caseRecord();
    hearHardship(c, policy(14), HEARD, 'REPLY');
    expect(c.hardshipAt).toBe('2026-12-17T02:00:00.000Z');
    // No offer yet: the ladder sends the plan offer under its contact gates and records offeredAt then.
    expect(c.hardship).toStrictEqual({
      source: 'REPLY',
      reportedAt: '2026-12-17T02:00:00.000Z',
      until: '2026-12-31T02:00:00.000Z',
    });
  });

  it('a one-day pause ends 24 hours later, to the millisecond', () => {
    const c = caseRecord();
    hearHardship(c, policy(1), HEARD, 'EVENT');
    expect(c.hardship?.until).toBe('2026-12-18T02:00:00.000Z');
  });

  it("an agent's HARDSHIP outcome made the offer on the call: the pause records it as offered now", () => {
    const c = caseRecord();
    hearHardship(c, policy(14), HEARD, 'CALL', true);
    expect(c.hardship).toStrictEqual({
      source: 'CALL',
      reportedAt: '2026-12-17T02:00:00.000Z',
      until: '2026-12-31T02:00:00.000Z',
      offeredAt: '2026-12-17T02:00:00.000Z',
    });
  });

  it('a second report during the pause neither extends it nor changes when hardship was first heard', () => {
    const c = caseRecord();
    hearHardship(c, policy(14), HEARD, 'REPLY');
    hearHardship(c, policy(14), HEARD + 5 * 86_400_000, 'CALL', true);
    expect(c.hardshipAt).toBe('2026-12-17T02:00:00.000Z');
    expect(c.hardship).toStrictEqual({
      source: 'REPLY',
      reportedAt: '2026-12-17T02:00:00.000Z',
      until: '2026-12-31T02:00:00.000Z',
    });
  });

  it('a report after the pause ended pauses again, and the offer already made stands (no second offer)', () => {
    const c = caseRecord({
      hardshipAt: '2026-12-01T00:00:00.000Z',
      hardship: pause({ offeredAt: '2026-12-01T00:05:00.000Z', endedAt: '2026-12-15T00:00:00.000Z' }),
    });
    hearHardship(c, policy(14), HEARD, 'EVENT');
    expect(c.hardshipAt).toBe('2026-12-01T00:00:00.000Z');
    expect(c.hardship).toStrictEqual({
      source: 'EVENT',
      reportedAt: '2026-12-17T02:00:00.000Z',
      until: '2026-12-31T02:00:00.000Z',
      offeredAt: '2026-12-01T00:05:00.000Z',
    });
  });

  it('a pause an agent handled (not hardship after all) no longer holds: hardship heard again starts a new one', () => {
    const c = caseRecord({ hardship: pause({ handledAt: '2026-12-02T00:00:00.000Z' }) });
    hearHardship(c, policy(14), HEARD, 'REPLY');
    expect(c.hardship).toStrictEqual({
      source: 'REPLY',
      reportedAt: '2026-12-17T02:00:00.000Z',
      until: '2026-12-31T02:00:00.000Z',
    });
  });
});
