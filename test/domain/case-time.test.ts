import { describe, expect, it } from 'vitest';
import {
  balanceMinor,
  caseKey,
  close,
  daysPastDue,
  disputeOpen,
  endOfGrace,
  localDaysBetween,
  pendingPromise,
  resolveChannel,
  spreadMinutes,
  stageTime,
} from '../../functions/domain/case.js';
import { isoUtc, systemClock } from '../../functions/domain/clock.js';
import { draw } from '../../functions/domain/draw.js';
import { assignArm } from '../../functions/domain/experiment.js';
import { stageById } from '../../functions/domain/policy.js';
import { at, caseRecord, POLICY, profile, promiseToPay } from './fixtures.js';

/**
 * The case's clock: when a stage is due (its local day and time, across DST), when a promise's grace
 * ends, whole local days, days past due; and the reproducible draws behind the stage spread and the
 * champion/challenger split. Draws were computed once with Python:
 * int.from_bytes(hashlib.sha256(text.encode()).digest()[:4], 'big') / 2**32.
 *
 * Survivor judged equivalent (case.ts): `policy.stageSpreadMinutes === 0` mutated to false, since
 * Math.floor(draw x 0) is 0 as well.
 */
const NY = 'America/New_York';

describe('stageTime', () => {
  const d7 = stageById(POLICY, 'D+7');
  const d3pre = stageById(POLICY, 'D-3');

  it("the stage's day at the policy's local time (09:00) in the borrower's zone", () => {
    expect(stageTime(POLICY, caseRecord(), d7, 'Asia/Shanghai')).toBe(at('2026-12-17T09:00:00+08:00'));
    expect(stageTime(POLICY, caseRecord(), d3pre, 'Asia/Kolkata')).toBe(at('2026-12-07T09:00:00+05:30'));
  });

  it('on the day New York springs forward, and the day it falls back, it is still 09:00 local', () => {
    expect(stageTime(POLICY, caseRecord({ dueDate: '2026-03-01' }), d7, NY)).toBe(
      at('2026-03-08T09:00:00-04:00'),
    );
    expect(stageTime(POLICY, caseRecord({ dueDate: '2026-11-04' }), d3pre, NY)).toBe(
      at('2026-11-01T09:00:00-05:00'),
    );
  });

  it('a pause shifts later stages by whole days; the local time may have minutes', () => {
    const policy = { ...POLICY, stageLocalTime: '21:45' };
    expect(stageTime(policy, caseRecord({ shiftDays: 2 }), d7, 'Asia/Shanghai')).toBe(
      at('2026-12-19T21:45:00+08:00'),
    );
  });

  it('the spread puts a borrower at their own minute after the stage time (B-1: draw 0.09398 x 120 = 11)', () => {
    const spread = { ...POLICY, stageSpreadMinutes: 120 };
    expect(spreadMinutes(spread, 'B-1')).toBe(11);
    expect(spreadMinutes({ ...POLICY, stageSpreadMinutes: 720 }, 'B-1')).toBe(67);
    expect(spreadMinutes(POLICY, 'B-1')).toBe(0);
    expect(stageTime(spread, caseRecord({ borrowerId: 'B-1' }), d7, 'Asia/Shanghai')).toBe(
      at('2026-12-17T09:11:00+08:00'),
    );
  });
});

describe('endOfGrace', () => {
  it('the first moment after the local date plus grace days', () => {
    expect(endOfGrace('2026-12-10', 2, 'Asia/Shanghai')).toBe(at('2026-12-13T00:00:00+08:00'));
    expect(endOfGrace('2026-12-10', 0, 'Asia/Shanghai')).toBe(at('2026-12-11T00:00:00+08:00'));
  });
  it('across spring forward it is local midnight, not 72 hours later', () => {
    expect(endOfGrace('2026-03-06', 2, NY)).toBe(at('2026-03-09T00:00:00-04:00'));
  });
});

describe('localDaysBetween and daysPastDue', () => {
  it('whole local days: the same day is 0, one minute over midnight is 1, backwards is negative', () => {
    const tz = 'Asia/Shanghai';
    expect(localDaysBetween(at('2026-12-01T00:00:00+08:00'), at('2026-12-01T23:59:00+08:00'), tz)).toBe(0);
    expect(localDaysBetween(at('2026-12-01T23:59:00+08:00'), at('2026-12-02T00:00:00+08:00'), tz)).toBe(1);
    expect(localDaysBetween(at('2026-12-02T00:00:00+08:00'), at('2026-12-01T23:59:00+08:00'), tz)).toBe(-1);
  });
  it('across a 23-hour and a 25-hour day', () => {
    expect(localDaysBetween(at('2026-03-07T12:00:00-05:00'), at('2026-03-09T00:30:00-04:00'), NY)).toBe(2);
    expect(localDaysBetween(at('2026-10-31T23:30:00-04:00'), at('2026-11-02T00:10:00-05:00'), NY)).toBe(2);
  });
  it('days past due: 0 up to the end of the due date, then 1 at local midnight, never negative', () => {
    const c = caseRecord({ dueDate: '2026-12-10' });
    expect(daysPastDue(c, at('2026-12-08T12:00:00+08:00'), 'Asia/Shanghai')).toBe(0);
    expect(daysPastDue(c, at('2026-12-10T23:59:00+08:00'), 'Asia/Shanghai')).toBe(0);
    expect(daysPastDue(c, at('2026-12-11T00:00:00+08:00'), 'Asia/Shanghai')).toBe(1);
    expect(daysPastDue(c, at('2026-12-17T09:00:00+08:00'), 'Asia/Shanghai')).toBe(7);
    // 16:00Z on the 10th is already the 11th in Shanghai, still the 10th in New York.
    expect(daysPastDue(c, at('2026-12-10T16:00:00Z'), NY)).toBe(0);
  });
});

describe('case helpers', () => {
  const promise = promiseToPay;

  it('balance never goes below zero', () => {
    expect(balanceMinor({ amountDueMinor: 120000, paidMinor: 20000 })).toBe(100000);
    expect(balanceMinor({ amountDueMinor: 100, paidMinor: 150 })).toBe(0);
  });

  it('the pending promise is the one that is PENDING', () => {
    const promises = [promise('BROKEN', 'a'), promise('PENDING', 'b'), promise('KEPT', 'c')];
    expect(pendingPromise(caseRecord({ promises }))?.date).toBe('b');
    expect(pendingPromise(caseRecord({ promises: [promise('KEPT', 'c')] }))).toBeUndefined();
  });

  it('a dispute is open until it is resolved', () => {
    expect(disputeOpen(caseRecord())).toBe(false);
    expect(disputeOpen(caseRecord({ dispute: { openedAt: 'x' } }))).toBe(true);
    expect(disputeOpen(caseRecord({ dispute: { openedAt: 'x', resolvedAt: 'y' } }))).toBe(false);
  });

  it('caseKey, resolveChannel and close', () => {
    expect(caseKey('L-1', 2)).toBe('L-1#2');
    expect(resolveChannel('PREFERRED', profile())).toBe('SMS');
    expect(resolveChannel('PREFERRED', profile({ preferredChannel: 'EMAIL' }))).toBe('EMAIL');
    expect(resolveChannel('LETTER', profile({ preferredChannel: 'EMAIL' }))).toBe('LETTER');
    const c = caseRecord();
    close(c, 'CURED', 'PAID', at('2026-12-20T01:02:03Z'));
    expect([c.status, c.closedReason, c.closedAt]).toEqual(['CURED', 'PAID', '2026-12-20T01:02:03.000Z']);
  });
});

describe('draws and the champion/challenger split', () => {
  it('draw is the first 32 bits of SHA-256 over 2^32', () => {
    expect(draw('stage-spread:B-1')).toBe(403654471 / 2 ** 32);
    expect(draw('')).toBe(3820012610 / 2 ** 32);
  });

  it('no experiment: the policy itself, with no arm', () => {
    expect(assignArm(POLICY, 'L-1')).toStrictEqual({ policyId: 'default' });
  });

  it('a loan whose draw is under the split gets the challenger; at or over it, the champion', () => {
    // seed-1:L-2 draws exactly 1912827724 / 2^32; L-6 draws 0.3396, L-4 0.5620.
    const experiment = { challenger: 'early-call', split: 1912827724 / 2 ** 32, seed: 'seed-1' };
    const policy = { ...POLICY, experiment };
    expect(assignArm(policy, 'L-6')).toEqual({ policyId: 'early-call', arm: 'challenger' });
    expect(assignArm(policy, 'L-2')).toEqual({ policyId: 'default', arm: 'champion' });
    expect(assignArm(policy, 'L-4')).toEqual({ policyId: 'default', arm: 'champion' });
  });
});

describe('the clock', () => {
  it("the system clock is the machine's time; isoUtc writes milliseconds in UTC", () => {
    const before = Date.now();
    const now = systemClock.now();
    expect(now).toBeGreaterThanOrEqual(before);
    expect(now).toBeLessThanOrEqual(Date.now());
    expect(isoUtc(at('2026-12-01T08:00:00.5+08:00'))).toBe('2026-12-01T00:00:00.500Z');
  });
});
