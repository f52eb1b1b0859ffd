import type { CallRecord } from '../../domain/case.js';
import { isoUtc } from '../../domain/clock.js';
import type { Ctx, HumanResult } from '../context.js';

/** Calls are kept eight days: long enough for every cap (a day, a rolling week, a week after a conversation). */
const KEEP_MS = 8 * 86_400_000;

const keep = (calls: readonly CallRecord[], now: number, call: CallRecord): CallRecord[] => [
  ...calls.filter((c) => now - Date.parse(c.at) < KEEP_MS),
  call,
];

/**
 * Counts a call the agent made: on the borrower's profile (caps per debtor and per debt) and on the
 * phone line's log (caps per number, shared by every borrower with that number). A replay of the
 * step (same time) finds its call already counted.
 */
export async function countCall(ctx: Ctx, outcome: HumanResult['outcome']): Promise<void> {
  const { req, now, deps } = ctx;
  const connected = !['NO_ANSWER', 'WRONG_NUMBER'].includes(outcome);
  const call: CallRecord = { at: isoUtc(now), loanId: req.loanId, connected, borrowerId: req.borrowerId };
  const counted = (calls: readonly CallRecord[]) =>
    calls.some((c) => c.at === call.at && c.loanId === call.loanId);
  const p = ctx.profile.item;
  if (!counted(p.calls)) {
    const rev = await deps.cases.saveProfile({ ...p, calls: keep(p.calls, now, call) }, ctx.profile.rev);
    ctx.profile = { item: { ...p, calls: keep(p.calls, now, call) }, rev };
  }
  if (!p.lineId) return;
  const line = await deps.cases.lineCalls(p.lineId);
  if (line && counted(line.item.calls)) return;
  await deps.cases.saveLineCalls(
    { lineId: p.lineId, calls: keep(line?.item.calls ?? [], now, call) },
    line?.rev,
  );
}
