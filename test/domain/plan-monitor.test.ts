import { describe, expect, it } from 'vitest';
import {
  nextPlanCheck,
  PLAN_CALL_STAGE,
  paidUpTo,
  pendingReminder,
  reminderAt,
  replyWindowEnd,
} from '../../functions/domain/plan-monitor.js';
import type { LadderPolicy } from '../../functions/domain/policy.js';
import { caseRecord, POLICY, repaymentPlan } from './fixtures.js';

/**
 * A signed plan's check-ins (DOMAIN.md steps 5 to 7): the reminder before each instalment, the
 * instalment's date plus grace, and after a missed one the end of the reply window. The default policy:
 * reminder 3 days before at 09:00 local, grace 3 days, reply window 3 days. The borrower is in Shanghai
 * (UTC+8), so 09:00 local on 17 December is 2026-12-17T01:00:00Z, and the end of the grace of an
 * instalment dated 20 December (the start of 24 December local) is 2026-12-23T16:00:00Z.
 *
 * Survivors judged equivalent (plan-monitor.ts). In nextPlanCheck, `remind !== undefined && remind <
 * due` with `remind < due` mutated to true or `<=`, `&&` to `||`, or `remind !== undefined` to true: a
 * reminder is at least one local day before the instalment's date (reminderDaysBefore is 0, meaning
 * none, or more) and the grace ends at the earliest at the next local midnight after that date, so a
 * reminder that exists is always earlier, and `undefined < due` is false. In replyWindowEnd,
 * `plan.missedAt ?? ''` with '' changed to another text: Date.parse of either is NaN.
 */
const TZ = 'Asia/Shanghai';
const withPlan = (plan: Partial<LadderPolicy['plan']>, extra: Partial<LadderPolicy> = {}): LadderPolicy => ({
  ...POLICY,
  ...extra,
  plan: { ...POLICY.plan, ...plan },
});
const REMIND_20 = Date.parse('2026-12-17T01:00:00.000Z');
const GRACE_END_20 = Date.parse('2026-12-23T16:00:00.000Z');

describe('the reminder before an instalment', () => {
  it("is reminderDaysBefore local days before its date, at the policy's stage time", () => {
    expect(reminderAt(POLICY, '2026-12-20', TZ)).toBe(REMIND_20);
    expect(reminderAt(withPlan({ reminderDaysBefore: 1 }), '2026-12-20', TZ)).toBe(
      Date.parse('2026-12-19T01:00:00.000Z'),
    );
    expect(reminderAt(withPlan({}, { stageLocalTime: '14:30' }), '2026-12-20', TZ)).toBe(
      Date.parse('2026-12-17T06:30:00.000Z'),
    );
  });

  it('none when the policy sends no reminder (reminderDaysBefore 0)', () => {
    expect(reminderAt(withPlan({ reminderDaysBefore: 0 }), '2026-12-20', TZ)).toBeUndefined();
  });

  it('is pending until the borrower was reminded of that instalment, and none once every instalment is confirmed', () => {
    expect(pendingReminder(POLICY, repaymentPlan({ status: 'ACTIVE' }), TZ)).toBe(REMIND_20);
    expect(pendingReminder(POLICY, repaymentPlan({ status: 'ACTIVE', reminded: 0 }), TZ)).toBe(REMIND_20);
    expect(pendingReminder(POLICY, repaymentPlan({ status: 'ACTIVE', reminded: 1 }), TZ)).toBeUndefined();
    // Second instalment (20 January): reminded of the first only, so its reminder is due, 17 January 09:00.
    expect(pendingReminder(POLICY, repaymentPlan({ status: 'ACTIVE', confirmed: 1, reminded: 1 }), TZ)).toBe(
      Date.parse('2027-01-17T01:00:00.000Z'),
    );
    expect(
      pendingReminder(POLICY, repaymentPlan({ status: 'ACTIVE', confirmed: 2, reminded: 2 }), TZ),
    ).toBeUndefined();
  });
});

describe('reconciling receipts against the instalments', () => {
  // Instalments of ¥300.00 and ¥200.00; ¥50.00 was paid before the agreement and does not count.
  const plan = repaymentPlan({
    instalments: [
      { amountMinor: 30000, date: '2026-12-20' },
      { amountMinor: 20000, date: '2027-01-20' },
    ],
    paidAtAcceptMinor: 5000,
  });
  const paid = (paidMinor: number, index: number) => paidUpTo(caseRecord({ paidMinor }), plan, index);

  it('the first instalment is covered at exactly its amount since the agreement, not a fen less', () => {
    expect(paid(35000, 0)).toBe(true);
    expect(paid(34999, 0)).toBe(false);
  });

  it('the second is covered when both together are: ¥500.00 since the agreement, not ¥499.99', () => {
    expect(paid(55000, 1)).toBe(true);
    expect(paid(54999, 1)).toBe(false);
    // Enough for the first alone does not cover the second.
    expect(paid(35000, 1)).toBe(false);
  });
});

describe('the next check of a running plan', () => {
  it('the reminder first, when one is pending', () => {
    expect(nextPlanCheck(POLICY, repaymentPlan({ status: 'ACTIVE' }), TZ)).toBe(REMIND_20);
  });

  it('after the reminder, the end of the grace: the start of the local day after date plus grace days', () => {
    expect(nextPlanCheck(POLICY, repaymentPlan({ status: 'ACTIVE', reminded: 1 }), TZ)).toBe(GRACE_END_20);
    expect(nextPlanCheck(withPlan({ reminderDaysBefore: 0 }), repaymentPlan({ status: 'ACTIVE' }), TZ)).toBe(
      GRACE_END_20,
    );
  });

  it('nothing once every instalment is confirmed', () => {
    expect(
      nextPlanCheck(POLICY, repaymentPlan({ status: 'ACTIVE', confirmed: 2, reminded: 2 }), TZ),
    ).toBeUndefined();
  });

  it('after a missed instalment, the end of the reply window: missed at plus replyWindowDays, to the millisecond', () => {
    const missed = repaymentPlan({ status: 'MISSED', missedAt: '2026-12-24T01:00:00.000Z' });
    expect(replyWindowEnd(POLICY, missed)).toBe(Date.parse('2026-12-27T01:00:00.000Z'));
    expect(nextPlanCheck(POLICY, missed, TZ)).toBe(Date.parse('2026-12-27T01:00:00.000Z'));
    expect(replyWindowEnd(withPlan({ replyWindowDays: 1 }), missed)).toBe(
      Date.parse('2026-12-25T01:00:00.000Z'),
    );
  });

  it('a plan with no missed instant has no reply window (not a date in 1970)', () => {
    expect(replyWindowEnd(POLICY, repaymentPlan({ status: 'ACTIVE' }))).toBeNaN();
  });

  it("a missed instalment's follow-up call is queued under the stage name PLAN", () => {
    expect(PLAN_CALL_STAGE).toBe('PLAN');
  });
});
