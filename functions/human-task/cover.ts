import { type CaseRecord, caseKey } from '../domain/case.js';
import { noticeGate } from '../domain/decide.js';
import { coveredCases, coveringSlot, heldByOther, slotDay, type TaskChannel } from '../domain/one-voice.js';
import type { Ctx, Opened } from './core.js';

/**
 * One voice per borrower for calls and field visits (docs/conversations.md#one-voice-per-borrower).
 * The first loan whose call (visit) stage opens a task on the borrower's local day takes the day's
 * slot on the borrower's profile, naming its task and the loans it covers: the script (or brief) says
 * so, and the agent speaks for all of them. Another loan's call (visit) stage that day, when the
 * slot's task covers it, opens no task: its execution waits on the covering task (its token is kept on
 * that task), and when the agent records the outcome it is answered COVERED, COVERED_BY the covering
 * record, with the outcome the agent heard (functions/agent-api/covered.ts). A covering task already
 * done answers it at once; one the ladder withdrew covers nothing, and this loan takes the slot.
 */

/** The ledger reference the outcome's record of a task opened at ledger head `seq` will have. */
export const recordRefOf = (loanId: string, cycle: number, seq: number | undefined): string =>
  `${caseKey(loanId, cycle)}#${(seq ?? 0) + 1}`;

/** This loan's stage is covered by another loan's task today: waits on it (or is answered at once). */
export async function waitOnCover(ctx: Ctx, channel: TaskChannel): Promise<Opened | undefined> {
  const { deps, req, kase, now } = ctx;
  const profile = ctx.profile.item;
  const slot = coveringSlot(profile, channel, slotDay(now, profile.timeZone), req.loanId);
  const task = slot?.taskId ? await deps.tasks.get(slot.taskId) : undefined;
  if (!task?.recordRef) return undefined;
  const answer = { outcome: 'COVERED', coveredBy: task.recordRef, heard: task.outcome ?? 'REACHED' };
  if (task.status === 'DONE') {
    await deps.callbacks.succeed(req.taskToken, answer);
    return { opened: false };
  }
  if (task.status !== 'OPEN') return undefined;
  // Conditional on the task still open: a completion or withdrawal meanwhile fails it, and the retry
  // reads the task again (done: answered at once; withdrawn: this loan opens its own).
  await deps.tasks.attachWaiting(task.taskId, { loanId: req.loanId, cycle: req.cycle, token: req.taskToken });
  // The events that end or hold this loan wake its execution by this token (functions/events/apply.ts).
  await deps.cases.saveCase({ ...kase.item, waitToken: req.taskToken }, kase.rev);
  return { opened: true };
}

/**
 * The borrower's other loans this task covers: those a message would cover (in collection, not held,
 * paused or closed), and for a visit only those whose own visit notice counts (nobody is visited about
 * a loan without its notice).
 */
function coverable(ctx: Ctx, channel: TaskChannel): CaseRecord[] {
  const { deps, kase, others, profile, now } = ctx;
  const policyOf = (id: string) => deps.policies.get(id);
  return coveredCases(policyOf, kase.item, others, profile.item).filter((c) => {
    if (channel !== 'VISIT') return true;
    const policy = policyOf(c.policyId);
    return noticeGate('FIELD_VISIT', c, policy.fieldVisit.noticeDays, now, policy) === undefined;
  });
}

/**
 * Takes the day's slot for this loan's task (one conditional write of the profile, before the task
 * opens: two loans' stages at the same minute conflict, and the loser's retry finds the slot taken).
 * Held by another loan's task that does not cover this loan: this loan's task opens too, covering nothing.
 */
export async function takeTaskSlot(
  ctx: Ctx,
  channel: TaskChannel,
  taskId: string,
): Promise<{ covers: CaseRecord[]; recordRef: string }> {
  const { deps, req, now } = ctx;
  const profile = ctx.profile.item;
  const day = slotDay(now, profile.timeZone);
  const recordRef = recordRefOf(req.loanId, req.cycle, req.seq);
  const other = heldByOther(profile, channel, day, req.loanId);
  if (other) {
    const task = other.taskId ? await deps.tasks.get(other.taskId) : undefined;
    // Held by a live task of another loan that does not name this one: open without covering.
    if (task?.status !== 'WITHDRAWN') return { covers: [], recordRef };
  }
  const covers = coverable(ctx, channel);
  const mine = profile.sendSlots?.[channel];
  if (mine?.day === day && mine.loanId === req.loanId && mine.taskId === taskId) {
    // A retried opening: the slot is this task's already; it covers what it named then.
    const named = new Set(mine.covers ?? []);
    return { covers: covers.filter((c) => named.has(c.loanId)), recordRef };
  }
  const slot = {
    day,
    loanId: req.loanId,
    cycle: req.cycle,
    seq: (req.seq ?? 0) + 1,
    taskId,
    ...(covers.length ? { covers: covers.map((c) => c.loanId) } : {}),
  };
  const item = { ...profile, sendSlots: { ...profile.sendSlots, [channel]: slot } };
  ctx.profile = { item, rev: await deps.cases.saveProfile(item, ctx.profile.rev) };
  return { covers, recordRef };
}
