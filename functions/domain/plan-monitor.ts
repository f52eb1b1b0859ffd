import { DateTime } from 'luxon';
import { type CaseRecord, endOfGrace, type RepaymentPlan } from './case.js';
import type { LadderPolicy } from './policy.js';
import { zone } from './zone.js';

/**
 * When a signed plan is next looked at (DOMAIN.md's steps 5 to 7: reconcile each receipt, check in,
 * follow up a missed instalment): a reminder the policy's days before each instalment, the instalment's
 * date plus grace, and after a missed one, the end of the borrower's window to reply.
 */
const DAY = 86_400_000;

/** The stage name of a missed instalment's follow-up call (its task, its queue entry). */
export const PLAN_CALL_STAGE = 'PLAN';

/** The reminder of an instalment: `reminderDaysBefore` days before its date, at the policy's stage time. */
export function reminderAt(policy: LadderPolicy, date: string, timeZone: string): number | undefined {
  const days = policy.plan.reminderDaysBefore;
  if (days === 0) return undefined;
  const [hour = 9, minute = 0] = policy.stageLocalTime.split(':').map(Number);
  return DateTime.fromISO(date, { zone: zone(timeZone) })
    .minus({ days })
    .set({ hour, minute, second: 0, millisecond: 0 })
    .toMillis();
}

/** Instalments 0..index are covered by the payments since the agreement. */
export function paidUpTo(c: CaseRecord, plan: RepaymentPlan, index: number): boolean {
  const dueSoFar = plan.instalments.slice(0, index + 1).reduce((sum, i) => sum + i.amountMinor, 0);
  return c.paidMinor - plan.paidAtAcceptMinor >= dueSoFar;
}

/** The end of the reply window after a missed instalment's follow-up. */
export const replyWindowEnd = (policy: LadderPolicy, plan: RepaymentPlan): number =>
  Date.parse(plan.missedAt ?? '') + policy.plan.replyWindowDays * DAY;

/** A reminder of the next instalment is still to be sent (and not yet due): when. */
export function pendingReminder(policy: LadderPolicy, plan: RepaymentPlan, timeZone: string) {
  const next = plan.instalments[plan.confirmed];
  if (!next || (plan.reminded ?? 0) > plan.confirmed) return undefined;
  return reminderAt(policy, next.date, timeZone);
}

/** When the running plan is next checked: the reminder, the instalment's grace end, or the reply window's end. */
export function nextPlanCheck(
  policy: LadderPolicy,
  plan: RepaymentPlan,
  timeZone: string,
): number | undefined {
  if (plan.status === 'MISSED') return replyWindowEnd(policy, plan);
  const next = plan.instalments[plan.confirmed];
  if (!next) return undefined;
  const due = endOfGrace(next.date, policy.plan.graceDays, timeZone);
  const remind = pendingReminder(policy, plan, timeZone);
  return remind !== undefined && remind < due ? remind : due;
}
