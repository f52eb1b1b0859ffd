import type { ChannelDecision } from '../domain/decide.js';
import type { AttemptEntry } from '../domain/ledger.js';
import {
  coveredCases,
  coveringSlot,
  heldByOther,
  isSlotChannel,
  slotDay,
  slotRef,
} from '../domain/one-voice.js';
import type { Ctx } from './context.js';

/**
 * The borrower's send slots (functions/domain/one-voice.ts) for the SMS and e-mail this step is about
 * to send: a channel whose slot another loan took today is COVERED_BY that loan's record and not sent;
 * the others are taken for this step's record, in one conditional write of the profile, before
 * anything is sent (a concurrent step of another loan makes it fail and retry, nothing sent).
 */
export async function claimSlots(
  ctx: Ctx,
  decisions: ChannelDecision[],
): Promise<{ send: ChannelDecision[]; covered: AttemptEntry[] }> {
  const { profile, req, now } = ctx;
  const day = slotDay(now, profile.item.timeZone);
  const seq = ctx.head.seq + 1;
  const slots = { ...profile.item.sendSlots };
  const send: ChannelDecision[] = [];
  const covered: AttemptEntry[] = [];
  let claimed = false;
  for (const decision of decisions) {
    const { channel } = decision;
    if (decision.status !== 'SEND' || !isSlotChannel(channel)) {
      send.push(decision);
      continue;
    }
    const holder = coveringSlot(profile.item, channel, day, req.loanId);
    if (holder) {
      covered.push({ channel, status: 'COVERED', reason: 'COVERED_BY', providerRef: slotRef(holder) });
      continue;
    }
    // Held by another loan whose message does not name this one: this loan's message goes out too.
    if (heldByOther(profile.item, channel, day, req.loanId)) {
      send.push(decision);
      continue;
    }
    const mine = slots[channel];
    if (!(mine && mine.day === day && mine.loanId === req.loanId && mine.seq === seq)) {
      const covers = coveredBy(ctx).map((c) => c.loanId);
      slots[channel] = {
        day,
        loanId: req.loanId,
        cycle: req.cycle,
        seq,
        ...(covers.length ? { covers } : {}),
      };
      claimed = true;
    }
    send.push(decision);
  }
  if (claimed) {
    const item = { ...profile.item, sendSlots: slots };
    const rev = await ctx.deps.cases.saveProfile(item, profile.rev);
    ctx.profile = { item, rev };
  }
  return { send, covered };
}

/** A message that failed gives its slot back, so another loan's step today sends instead of being covered. */
export async function releaseSlot(ctx: Ctx, channel: string): Promise<void> {
  const slot = isSlotChannel(channel) ? ctx.profile.item.sendSlots?.[channel] : undefined;
  if (!slot || slot.loanId !== ctx.req.loanId || slot.seq !== ctx.head.seq + 1) return;
  const { [channel as 'SMS']: _released, ...rest } = ctx.profile.item.sendSlots ?? {};
  const item = { ...ctx.profile.item, sendSlots: rest };
  try {
    ctx.profile = { item, rev: await ctx.deps.cases.saveProfile(item, ctx.profile.rev) };
  } catch {
    // Best effort, and never a throw: a message of this step may have gone out already, and a throw
    // here would lose it from the record. The slot then covers nothing more that day (covers names
    // loans only by this step's own message, which the record shows FAILED).
  }
}

/** The borrower's other loans this message covers (its last line says so), by loan id. */
export function coveredBy(ctx: Ctx) {
  const cases = coveredCases((id) => ctx.deps.policies.get(id), ctx.kase.item, ctx.others, ctx.profile.item);
  return cases;
}
