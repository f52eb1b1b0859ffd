import * as z from 'zod';
import { isCurrency, toMinor } from './money.js';
import { once } from './once.js';
import { Decimal } from './policy-money.js';

/**
 * Sharing a serious defaulter on an industry blacklist (DOMAIN.md, legal handoff and credit
 * reporting: "severe defaulters may be shared on an industry blacklist"), as the source material's
 * online lenders do through shared systems. It is optional: a policy without `blacklist` never
 * reports, and a BLACKLIST_REPORT stage needs one. Like a credit report it is adverse information,
 * so the borrower is told first (CN 征信业管理条例 art. 15 requires notice before adverse information
 * is reported): a NOTICE stage with `noticeFor: BLACKLIST_REPORT`, counted from its delivery, at
 * least `noticeDays` before. Only a serious default is shared: at least `minDaysPastDue` days past
 * due and a balance of at least `minBalance` in the loan's currency (a currency the policy does not
 * list is never reported). A cure, a fulfilled settlement or an upheld dispute asks for the removal.
 */
export const BlacklistSchema = once(() =>
  z.object({
    registry: z
      .string()
      .regex(/^[A-Za-z0-9 ._-]{1,60}$/, 'letters, digits, spaces and . _ - only')
      .describe(
        'the shared registry the lender reports to, by name: it travels in the events and the ledger',
      ),
    noticeDays: z
      .number()
      .int()
      .min(0)
      .max(60)
      .describe("days from the notice's delivery before the report may be made"),
    minDaysPastDue: z
      .number()
      .int()
      .min(1)
      .max(3650)
      .describe('a loan fewer days past due than this is not a serious default and is not reported'),
    minBalance: z
      .record(z.string(), Decimal())
      .describe(
        'per ISO 4217 currency: a balance under this is not reported; a currency not listed is never reported',
      ),
  }),
);
export type BlacklistPolicy = z.infer<ReturnType<typeof BlacklistSchema>>;

/** The stage kind that reports, and the notice kind it needs. */
export const BLACKLIST_REPORT = 'BLACKLIST_REPORT';

/** Why a loan is not reported: not serious enough by the policy's thresholds. */
export type NotSevere = 'BELOW_DAYS_PAST_DUE' | 'BELOW_BALANCE';

/** Whether a loan is a serious default under the policy; undefined when it is. */
export function notSevere(
  blacklist: BlacklistPolicy,
  currency: string,
  owedMinor: number,
  daysPastDue: number,
): NotSevere | undefined {
  if (daysPastDue < blacklist.minDaysPastDue) return 'BELOW_DAYS_PAST_DUE';
  const floor = blacklist.minBalance[currency];
  if (floor === undefined || owedMinor < toMinor(floor, currency)) return 'BELOW_BALANCE';
  return undefined;
}

/** What is wrong with a policy's blacklist section, in words an operator can act on (its notice: advance-notice.ts). */
export function blacklistProblems(policy: {
  blacklist?: BlacklistPolicy | undefined;
  stages: ReadonlyArray<{ id: string; kind: string }>;
}): string[] {
  const report = policy.stages.find((s) => s.kind === BLACKLIST_REPORT);
  const { blacklist } = policy;
  if (!blacklist)
    return report
      ? [`stage ${report.id}: kind: a blacklist report needs the policy's blacklist section`]
      : [];
  return Object.entries(blacklist.minBalance).flatMap(([currency, amount]) => {
    if (!isCurrency(currency)) return [`blacklist.minBalance.${currency}: not an ISO 4217 currency`];
    try {
      toMinor(amount, currency);
      return [];
    } catch (error) {
      return [`blacklist.minBalance.${currency}: ${(error as Error).message}`];
    }
  });
}
