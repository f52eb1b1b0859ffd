import { DateTime } from 'luxon';
import { type BorrowerProfile, balanceMinor, type CaseRecord, caseKey, type SendSlot } from './case.js';
import { gate } from './decide.js';
import { formatMoney } from './money.js';
import type { LadderPolicy, Locale } from './policy.js';
import { zone } from './zone.js';

/**
 * One voice per borrower: a borrower with several loans in collection gets at most one message per
 * channel per local day, covering all of them. Merged at send time, not by a per-borrower
 * coordinator: each loan keeps its own execution (its ladder stays readable in the console and its
 * ledger complete), and the first loan whose step sends on a channel that day takes the borrower's
 * send slot for it (a conditional write of the profile, which every step reads anyway, taken before
 * anything is sent). Its message says it covers the borrower's other loans; the other loans' steps
 * that day record the channel COVERED, COVERED_BY the covering record (`<loanId>#<cycle>#<seq>`).
 * A coordinator would have meant a second workflow per borrower, a second place for every rule, and
 * the loans' ladders no longer explaining themselves.
 */
export type SlotChannel = 'SMS' | 'EMAIL';

/**
 * A call or a field visit is one person's task too: the first loan whose call (visit) stage opens a
 * task on a local day takes the slot for it, and the other loans' call (visit) stages that day wait on
 * that task instead of opening their own (functions/human-task/cover.ts).
 */
export type TaskChannel = 'CALL' | 'VISIT';
export type VoiceChannel = SlotChannel | TaskChannel;

export const isSlotChannel = (channel: string): channel is SlotChannel =>
  channel === 'SMS' || channel === 'EMAIL';

/** The borrower's local day of `now`. */
export const slotDay = (now: number, timeZone: string): string =>
  DateTime.fromMillis(now, { zone: zone(timeZone) }).toISODate() ?? '';

/** The ledger reference of the record that holds the slot. */
export const slotRef = (slot: Pick<SendSlot, 'loanId' | 'cycle' | 'seq'>): string =>
  `${caseKey(slot.loanId, slot.cycle)}#${slot.seq}`;

/** Who holds the day's slot on `channel`, when it is another loan's (this loan's own is not a cover). */
export function heldByOther(
  profile: BorrowerProfile,
  channel: VoiceChannel,
  day: string,
  loanId: string,
): SendSlot | undefined {
  const slot = profile.sendSlots?.[channel];
  return slot && slot.day === day && slot.loanId !== loanId ? slot : undefined;
}

/**
 * The day's message that covers this loan: another loan's, naming this one. A loan it does not name
 * (held, paused, or with a plan: its plan offer or missed-instalment follow-up is about that loan alone)
 * sends its own message.
 */
export function coveringSlot(
  profile: BorrowerProfile,
  channel: VoiceChannel,
  day: string,
  loanId: string,
): SendSlot | undefined {
  const slot = heldByOther(profile, channel, day, loanId);
  return slot?.covers?.includes(loanId) ? slot : undefined;
}

/**
 * The borrower's other loans a message covers: in collection, and neither held, paused nor closed
 * (a disputed loan is never mentioned: a dispute holds every contact about it).
 */
export function coveredCases(
  policyOf: (id: string) => LadderPolicy,
  own: CaseRecord,
  all: readonly CaseRecord[],
  profile: BorrowerProfile,
): CaseRecord[] {
  return all.filter(
    (c) =>
      !(c.loanId === own.loanId && c.cycle === own.cycle) &&
      c.status === 'ACTIVE' &&
      gate(policyOf(c.policyId), c, profile) === undefined,
  );
}

const LINE: Record<Locale, { total: string; count: string }> = {
  en: {
    total: 'This message also covers your {count} other loan(s) with us; {total} is owed on all of them.',
    count: 'This message also covers your {count} other loan(s) with us.',
  },
  'zh-CN': {
    total: '本消息同时涉及您在我行的另外{count}笔借款，全部借款合计欠款{total}。',
    count: '本消息同时涉及您在我行的另外{count}笔借款。',
  },
};

/** What a covering call's script or visit's brief ends with, for the agent: speak for every loan it covers. */
const TASK_LINE: Record<Locale, { total: string; count: string }> = {
  en: {
    total: "Also covers the borrower's {count} other loan(s) in collection; {total} is owed on all of them.",
    count: "Also covers the borrower's {count} other loan(s) in collection.",
  },
  'zh-CN': {
    total: '同时涉及借款人在催收中的另外{count}笔借款，全部借款合计欠款{total}。',
    count: '同时涉及借款人在催收中的另外{count}笔借款。',
  },
};

/** The line a covering message (or a covering call's script) ends with: how many other loans, and the total when one currency. */
export function coverLine(
  locale: Locale,
  own: CaseRecord,
  covered: readonly CaseRecord[],
  kind: 'MESSAGE' | 'TASK' = 'MESSAGE',
): string {
  const sameCurrency = covered.every((c) => c.currency === own.currency);
  const total = [own, ...covered].reduce((sum, c) => sum + balanceMinor(c), 0);
  const lines = kind === 'TASK' ? TASK_LINE[locale] : LINE[locale];
  const text = sameCurrency ? lines.total : lines.count;
  return text
    .replace('{count}', String(covered.length))
    .replace('{total}', formatMoney(total, own.currency, locale));
}
