import { DateTime } from 'luxon';
import * as z from 'zod';
import { ValidationError } from './errors.js';
import { once } from './once.js';
import { zone } from './zone.js';

/**
 * Compliance rule packs are versioned data. The stage executor asks the pack before every contact,
 * and the ledger records the pack id and version that decided each attempt. Numbers: DOMAIN.md.
 */
const HHMM = once(() => z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM (24-hour)'));

export const RulePackSchema = once(() =>
  z.object({
    id: z.enum(['CN', 'US']),
    version: z.string().min(1),
    /** Contacts are allowed from `start` (inclusive) to `end` (exclusive), borrower local time. */
    contactWindow: z.object({ start: HHMM(), end: HHMM() }),
    calls: z.object({
      maxUnansweredPerDayPerNumber: z.number().int().positive().nullable(),
      /**
       * CN: at most 3 connected automated calls a day per debtor. Ladder's calls are made by agents, and it
       * counts every connected call against this cap (stricter than the rule, never looser).
       */
      maxConnectedPerDayPerDebtor: z.number().int().positive().nullable(),
      maxCallsPer7DaysPerDebt: z.number().int().positive().nullable(),
      quietDaysAfterConversation: z.number().int().nonnegative().nullable(),
    }),
    /** Every SMS and email carries an opt-out instruction. */
    optOutInEveryMessage: z.boolean(),
    /**
     * Every pack requires a delivered notice before negative information goes to a credit bureau; this
     * is how many days must pass between its delivery and the first report (0: none, only the notice).
     */
    creditReportNoticeDays: z.number().int().nonnegative(),
    /**
     * The legal maximum on what a lender may charge while a loan is overdue, where one applies to every
     * lender of the pack: penalty interest and fees together, as an annual rate in basis points of the
     * overdue amount (null: no maximum the pack can state; a lender sets its own with ruleOverrides).
     * A policy's penalty rate above it is refused at load, and accrued charges never exceed it
     * (functions/domain/balance.ts; sources in docs/money.md).
     */
    charges: z.object({ maxAnnualRateBasisPoints: z.number().int().positive().nullable() }),
  }),
);
export type RulePack = z.infer<ReturnType<typeof RulePackSchema>>;
export type RulePackId = RulePack['id'];

export const RULE_PACKS: Record<RulePackId, RulePack> = {
  CN: {
    id: 'CN',
    // 2026.3: the legal maximum on charges while overdue. 2026.2: notice before credit reporting
    // (征信业管理条例 art. 15) and the per-debtor cap on connected calls are enforced; 2026.1 declared
    // the cap and reported without a notice.
    version: '2026.3',
    contactWindow: { start: '08:00', end: '22:00' },
    calls: {
      maxUnansweredPerDayPerNumber: 6,
      maxConnectedPerDayPerDebtor: 3,
      maxCallsPer7DaysPerDebt: null,
      quietDaysAfterConversation: null,
    },
    optOutInEveryMessage: false,
    // 征信业管理条例 art. 15: the person is told before negative information is reported; no waiting period.
    creditReportNoticeDays: 0,
    // 最高人民法院关于进一步加强金融审判工作的若干意见 (法发〔2017〕22号) art. 2: interest, compound
    // interest, penalty interest, liquidated damages and other fees above 24% a year in total are
    // reduced on the borrower's request. Ladder caps the charges it accrues itself (the contractual
    // interest inside the amount due is the loan system's to keep within it).
    charges: { maxAnnualRateBasisPoints: 2400 },
  },
  US: {
    id: 'US',
    version: '2026.1',
    contactWindow: { start: '08:00', end: '21:00' },
    calls: {
      maxUnansweredPerDayPerNumber: null,
      maxConnectedPerDayPerDebtor: null,
      maxCallsPer7DaysPerDebt: 7,
      quietDaysAfterConversation: 7,
    },
    optOutInEveryMessage: true,
    // Regulation F §1006.30(a): speak to the consumer or send a notice, then wait 14 days.
    creditReportNoticeDays: 14,
    // No federal maximum applies to every lender (usury limits are state law; the Military Lending Act's
    // 36% covers service members only): a lender sets its state's with ruleOverrides.charges.
    charges: { maxAnnualRateBasisPoints: null },
  },
};

/** A lender may override a number of its pack; the override becomes part of the recorded version. */
export type RulePackOverrides = Partial<
  Pick<RulePack, 'contactWindow' | 'creditReportNoticeDays' | 'charges'>
> & {
  calls?: Partial<RulePack['calls']>;
};

export function resolveRulePack(id: RulePackId, overrides?: RulePackOverrides): RulePack {
  const base = RULE_PACKS[id];
  if (!overrides || Object.keys(overrides).length === 0) return base;
  const merged = {
    ...base,
    ...overrides,
    calls: { ...base.calls, ...overrides.calls },
    version: `${base.version}+lender`,
  };
  const parsed = RulePackSchema().safeParse(merged);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ValidationError(`rule pack ${id} override: ${issue?.path.join('.')}: ${issue?.message}`);
  }
  return parsed.data;
}

export function isTimeZone(zone: string): boolean {
  return DateTime.now().setZone(zone).isValid;
}

const minutesOf = (hhmm: string): number => {
  const [h, m] = hhmm.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
};

/**
 * The earliest moment at or after `at` inside the contact window, in the borrower's zone.
 * Built on luxon so daylight-saving changes and zones such as +05:30 or +13:45 come out right:
 * the window is defined on local wall-clock time, and luxon resolves wall-clock to instants.
 */
export function nextAllowedMoment(at: number, timeZone: string, window: RulePack['contactWindow']): number {
  const local = DateTime.fromMillis(at, { zone: zone(timeZone) });
  if (!local.isValid) throw new ValidationError(`unknown time zone "${timeZone}"`);
  const start = minutesOf(window.start);
  const end = minutesOf(window.end);
  const minute = local.hour * 60 + local.minute + local.second / 60 + local.millisecond / 60000;
  if (minute >= start && minute < end) return at;
  const day = minute < start ? local : local.plus({ days: 1 });
  const opens = day.set({ hour: Math.floor(start / 60), minute: start % 60, second: 0, millisecond: 0 });
  return opens.toMillis();
}

export function insideWindow(at: number, timeZone: string, window: RulePack['contactWindow']): boolean {
  return nextAllowedMoment(at, timeZone, window) === at;
}
