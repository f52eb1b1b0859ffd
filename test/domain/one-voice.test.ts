import { describe, expect, it } from 'vitest';
import type { SendSlot } from '../../functions/domain/case.js';
import {
  coveredCases,
  coveringSlot,
  coverLine,
  heldByOther,
  isSlotChannel,
  slotDay,
  slotRef,
} from '../../functions/domain/one-voice.js';
import { caseRecord, POLICY, profile } from './fixtures.js';

/**
 * One voice per borrower (DOMAIN.md): one message per channel per local day covering all of a
 * borrower's loans in collection. The borrower here lives in Shanghai (UTC+8, no daylight saving):
 * 2026-12-17T15:59:59.999Z is 23:59:59.999 on the 17th there, one millisecond later is the 18th.
 * Balances are written by hand: ¥1,200.00 (L-1) + ¥800.00 (L-2) + ¥500.50 (L-3) = ¥2,500.50.
 *
 * Survivors judged equivalent (one-voice.ts): in coveredCases, `c.status === 'ACTIVE'` mutated to true
 * (gate, the next condition, already answers a loan that is not ACTIVE with its status, so it is left
 * out either way); in coverLine, the default `kind = 'MESSAGE'` mutated to '' (only 'TASK' selects the
 * agent's line, so any other value is the borrower's).
 */
const slot = (extra: Partial<SendSlot> = {}): SendSlot => ({
  day: '2026-12-17',
  loanId: 'L-2',
  cycle: 1,
  seq: 4,
  ...extra,
});
const withSlot = (channel: 'SMS' | 'EMAIL' | 'CALL' | 'VISIT', s: SendSlot) =>
  profile({ sendSlots: { [channel]: s } });

describe('which channels take a send slot', () => {
  it('SMS and e-mail take a message slot; a call or a visit is a task, not a message', () => {
    expect(isSlotChannel('SMS')).toBe(true);
    expect(isSlotChannel('EMAIL')).toBe(true);
    expect(isSlotChannel('CALL')).toBe(false);
    expect(isSlotChannel('VISIT')).toBe(false);
    expect(isSlotChannel('')).toBe(false);
  });
});

describe("the borrower's local day", () => {
  it('is the day in the borrower’s zone, changing at local midnight to the millisecond', () => {
    expect(slotDay(Date.parse('2026-12-17T15:59:59.999Z'), 'Asia/Shanghai')).toBe('2026-12-17');
    expect(slotDay(Date.parse('2026-12-17T16:00:00.000Z'), 'Asia/Shanghai')).toBe('2026-12-18');
    // The same instant is still the 17th in New York (UTC-5 in December).
    expect(slotDay(Date.parse('2026-12-18T04:59:59.999Z'), 'America/New_York')).toBe('2026-12-17');
    expect(slotDay(Date.parse('2026-12-18T05:00:00.000Z'), 'America/New_York')).toBe('2026-12-18');
  });

  it('is empty for a zone that does not exist, so it matches no slot a real day took', () => {
    expect(slotDay(Date.parse('2026-12-17T00:00:00.000Z'), 'Mars/Olympus')).toBe('');
  });
});

describe('who holds the slot', () => {
  it('the covering record is named <loanId>#<cycle>#<seq>, as the ledger names it', () => {
    expect(slotRef({ loanId: 'L-2', cycle: 3, seq: 17 })).toBe('L-2#3#17');
  });

  it("another loan's slot the same day is held by another; this loan's own, or another day's, is not", () => {
    const s = slot();
    expect(heldByOther(withSlot('SMS', s), 'SMS', '2026-12-17', 'L-1')).toBe(s);
    expect(heldByOther(withSlot('SMS', s), 'SMS', '2026-12-17', 'L-2')).toBeUndefined();
    expect(heldByOther(withSlot('SMS', s), 'SMS', '2026-12-18', 'L-1')).toBeUndefined();
    expect(heldByOther(withSlot('SMS', s), 'EMAIL', '2026-12-17', 'L-1')).toBeUndefined();
    expect(heldByOther(profile(), 'SMS', '2026-12-17', 'L-1')).toBeUndefined();
  });

  it('a slot covers this loan only when its message names it: a loan it does not name sends its own', () => {
    const naming = slot({ covers: ['L-1', 'L-3'] });
    expect(coveringSlot(withSlot('CALL', naming), 'CALL', '2026-12-17', 'L-1')).toBe(naming);
    expect(coveringSlot(withSlot('CALL', naming), 'CALL', '2026-12-17', 'L-4')).toBeUndefined();
    // A slot that covers nothing (the holder had no other loan to name then) covers no one.
    expect(coveringSlot(withSlot('CALL', slot()), 'CALL', '2026-12-17', 'L-1')).toBeUndefined();
    // The holder's own loan is never covered by its own slot, even if named.
    const self = slot({ covers: ['L-2'] });
    expect(coveringSlot(withSlot('CALL', self), 'CALL', '2026-12-17', 'L-2')).toBeUndefined();
    expect(coveringSlot(profile(), 'VISIT', '2026-12-17', 'L-1')).toBeUndefined();
  });
});

describe('which other loans a message covers', () => {
  const own = caseRecord({ loanId: 'L-1' });
  const policyOf = () => POLICY;

  it("the borrower's other active loans with no hold, pause or plan; never this loan itself", () => {
    const other = caseRecord({ loanId: 'L-2' });
    const nextCycle = caseRecord({ loanId: 'L-1', cycle: 2 });
    const sameCycleOtherLoan = caseRecord({ loanId: 'L-3', cycle: 1 });
    const covered = coveredCases(policyOf, own, [own, other, nextCycle, sameCycleOtherLoan], profile());
    expect(covered.map((c) => `${c.loanId}#${c.cycle}`)).toEqual(['L-2#1', 'L-1#2', 'L-3#1']);
  });

  it('a cured or closed loan, a disputed loan (a dispute holds every contact) and a paused loan are not mentioned', () => {
    const cured = caseRecord({ loanId: 'L-2', status: 'CURED' });
    const disputed = caseRecord({ loanId: 'L-3', dispute: { openedAt: '2026-12-12T00:00:00.000Z' } });
    const paused = caseRecord({
      loanId: 'L-4',
      hardship: {
        source: 'REPLY',
        reportedAt: '2026-12-16T00:00:00.000Z',
        until: '2026-12-30T00:00:00.000Z',
      },
    });
    const active = caseRecord({ loanId: 'L-5' });
    expect(
      coveredCases(policyOf, own, [own, cured, disputed, paused, active], profile()).map((c) => c.loanId),
    ).toEqual(['L-5']);
  });

  it('a borrower routed to a specialist (deceased, bankrupt) has no loan covered', () => {
    const other = caseRecord({ loanId: 'L-2' });
    expect(coveredCases(policyOf, own, [own, other], profile({ specialStatus: 'DECEASED' }))).toEqual([]);
  });
});

describe('the line a covering message ends with', () => {
  const own = caseRecord({ loanId: 'L-1', amountDueMinor: 150000, paidMinor: 30000 });
  const l2 = caseRecord({ loanId: 'L-2', amountDueMinor: 80000 });
  const l3 = caseRecord({ loanId: 'L-3', amountDueMinor: 50050 });

  it('names how many other loans and the total owed on all of them (balances after payments)', () => {
    expect(coverLine('en', own, [l2, l3])).toBe(
      'This message also covers your 2 other loan(s) with us; CN¥2,500.50 is owed on all of them.',
    );
    expect(coverLine('zh-CN', own, [l2, l3])).toBe(
      '本消息同时涉及您在我行的另外2笔借款，全部借款合计欠款¥2,500.50。',
    );
  });

  it("a call's script or a visit's brief speaks to the agent, for every loan it covers", () => {
    expect(coverLine('en', own, [l2], 'TASK')).toBe(
      "Also covers the borrower's 1 other loan(s) in collection; CN¥2,000.00 is owed on all of them.",
    );
    expect(coverLine('zh-CN', own, [l2], 'TASK')).toBe(
      '同时涉及借款人在催收中的另外1笔借款，全部借款合计欠款¥2,000.00。',
    );
  });

  it('loans in another currency: the count only, never a total that adds yuan to dollars', () => {
    const usd = caseRecord({ loanId: 'L-9', currency: 'USD', amountDueMinor: 10000 });
    expect(coverLine('en', own, [l2, usd])).toBe('This message also covers your 2 other loan(s) with us.');
    expect(coverLine('zh-CN', own, [usd])).toBe('本消息同时涉及您在我行的另外1笔借款。');
    expect(coverLine('en', own, [usd], 'TASK')).toBe(
      "Also covers the borrower's 1 other loan(s) in collection.",
    );
    expect(coverLine('zh-CN', own, [usd], 'TASK')).toBe('同时涉及借款人在催收中的另外1笔借款。');
  });
});
