import { describe, expect, it } from 'vitest';
import { decideContacts, PREFERRED_HOURS } from '../../functions/domain/decide.js';
import { RULE_PACKS } from '../../functions/domain/rulepacks.js';
import { at, profile } from './fixtures.js';

/**
 * The borrower's preferred hours in the contact decision (Asia/Shanghai, +08:00): a send the pack
 * allows waits for the preferred window (PREFERRED_HOURS); outside the pack's hours the pack's reason
 * stands; preferred hours that miss the pack's are ignored, never a reason to contact at night.
 */
const decide = (now: number, window?: { start: string; end: string }) =>
  decideContacts(
    RULE_PACKS.CN,
    ['SMS'],
    'ALL',
    profile(window ? { preferences: { window, windowAt: '2026-11-01T00:00:00Z' } } : {}),
    'L-1',
    now,
  );
const EVENING = { start: '17:00', end: '21:00' };

describe('preferred contact hours in the contact decision', () => {
  it('defers a send at 10:00 local to 17:00 local the same day', () => {
    expect(decide(at('2026-12-01T02:00:00Z'), EVENING)).toEqual([
      { channel: 'SMS', status: 'DEFERRED', reason: PREFERRED_HOURS, until: at('2026-12-01T09:00:00Z') },
    ]);
    expect(decide(at('2026-12-01T02:00:00Z'))).toEqual([{ channel: 'SMS', status: 'SEND' }]);
  });

  it('sends inside the preferred window, and defers from its end (21:00) to the next day at 17:00', () => {
    expect(decide(at('2026-12-01T12:59:59Z'), EVENING)).toEqual([{ channel: 'SMS', status: 'SEND' }]);
    expect(decide(at('2026-12-01T13:00:00Z'), EVENING)).toEqual([
      { channel: 'SMS', status: 'DEFERRED', reason: PREFERRED_HOURS, until: at('2026-12-02T09:00:00Z') },
    ]);
  });

  it("names the pack's rule at night, when the pack's hours are closed too", () => {
    expect(decide(at('2026-12-01T15:00:00Z'), EVENING)).toEqual([
      { channel: 'SMS', status: 'DEFERRED', reason: 'CN_CONTACT_HOURS', until: at('2026-12-02T09:00:00Z') },
    ]);
  });

  it("ignores preferred hours outside the pack's (22:00-23:30 under CN's 08:00-22:00)", () => {
    expect(decide(at('2026-12-01T02:00:00Z'), { start: '22:00', end: '23:30' })).toEqual([
      { channel: 'SMS', status: 'SEND' },
    ]);
    expect(decide(at('2026-12-01T14:30:00Z'), { start: '22:00', end: '23:30' })).toEqual([
      { channel: 'SMS', status: 'DEFERRED', reason: 'CN_CONTACT_HOURS', until: at('2026-12-02T00:00:00Z') },
    ]);
  });
});
