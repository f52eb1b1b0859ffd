import type { BorrowerView } from '../adapters/case-store.js';
import { owedAt } from '../domain/balance.js';
import { type CaseRecord, daysPastDue } from '../domain/case.js';
import type { LinkClaims } from '../domain/links.js';
import { fromMinor } from '../domain/money.js';
import type { PolicyRegistry } from '../domain/policies.js';
import { windowName } from '../domain/preferences.js';
import { latestPromiseDate, type PlanOption, planOptions } from '../domain/self-service.js';
import { paymentLink } from '../domain/templates.js';

/** One loan as its borrower's page shows it: ids, amounts and dates only (no contact detail). */
export interface LoanView {
  loanId: string;
  status: CaseRecord['status'];
  currency: string;
  dueDate: string;
  daysPastDue: number;
  /** What is owed now and why: decimal strings. */
  owed: { total: string; principal: string; interest: string; penaltyInterest: string; fees: string };
  paid: string;
  /** ON_TRACK, PROMISED, PLAN_TO_SIGN, PLAN_ACTIVE, DISPUTED, HARDSHIP: what holds the ladder now. */
  hold?: 'PROMISED' | 'PLAN_PROPOSED' | 'PLAN_TO_SIGN' | 'PLAN_ACTIVE' | 'DISPUTED' | 'HARDSHIP';
  promise?: { amount: string; date: string };
  /** An open dispute: when, and the reason code given. */
  dispute?: { openedAt: string; reason?: string };
  plan?: {
    status: string;
    instalments: Array<{ amount: string; date: string }>;
    total: string;
    confirmed: number;
  };
  /** The lender's own payment page for this loan (the borrower page's Pay button). */
  payUrl: string;
  /** What the borrower may choose now: a promise up to a date, plans and a settlement. */
  options: { promiseUntil?: string; plans: PlanOption[] };
}

export interface PageView {
  locale: string;
  timeZone: string;
  optedOut: string[];
  /** The borrower's preferred contact hours (a name of NAMED_WINDOWS, ANY or CUSTOM). */
  contactWindow: ReturnType<typeof windowName>;
  loans: LoanView[];
}

function holdOf(c: CaseRecord, now: number): LoanView['hold'] {
  if (c.dispute && !c.dispute.resolvedAt) return 'DISPUTED';
  if (c.plan?.status === 'PROPOSED')
    return c.openTask?.queue === 'plan-signing' ? 'PLAN_TO_SIGN' : 'PLAN_PROPOSED';
  if (c.plan?.status === 'ACTIVE' || c.plan?.status === 'MISSED') return 'PLAN_ACTIVE';
  if (c.promises.some((p) => p.status === 'PENDING')) return 'PROMISED';
  if (c.hardship && !c.hardship.endedAt && Date.parse(c.hardship.until) > now) return 'HARDSHIP';
  return undefined;
}

/** The loans the link names, each its latest cycle, from the link's borrower's own view only. */
export function pageView(
  view: BorrowerView,
  claims: LinkClaims,
  policies: PolicyRegistry,
  now: number,
): PageView {
  const profile = view.profile?.item;
  const timeZone = profile?.timeZone ?? 'UTC';
  const loans: LoanView[] = [];
  for (const loanId of claims.loanIds) {
    const kase = view.cases
      .map((c) => c.item)
      .filter((c) => c.loanId === loanId && c.borrowerId === claims.borrowerId)
      .sort((a, b) => b.cycle - a.cycle)[0];
    if (!kase) continue;
    const policy = policies.get(kase.policyId);
    const owed = owedAt(kase, policy, now, timeZone);
    const money = (minor: number) => fromMinor(minor, kase.currency);
    const promise = kase.promises.find((p) => p.status === 'PENDING');
    const hold = holdOf(kase, now);
    const open = kase.status === 'ACTIVE' && hold !== 'DISPUTED';
    const negotiable = open && !kase.plan?.status.match(/^(PROPOSED|ACTIVE|MISSED)$/);
    loans.push({
      loanId,
      status: kase.status,
      currency: kase.currency,
      dueDate: kase.dueDate,
      daysPastDue: daysPastDue(kase, now, timeZone),
      owed: {
        total: money(owed.totalMinor),
        principal: money(owed.principalMinor),
        interest: money(owed.interestMinor),
        penaltyInterest: money(owed.penaltyMinor),
        fees: money(owed.feesMinor),
      },
      paid: money(kase.paidMinor),
      ...(hold ? { hold } : {}),
      ...(promise ? { promise: { amount: money(promise.amountMinor), date: promise.date } } : {}),
      ...(kase.dispute && !kase.dispute.resolvedAt
        ? {
            dispute: {
              openedAt: kase.dispute.openedAt,
              ...(kase.dispute.reason ? { reason: kase.dispute.reason } : {}),
            },
          }
        : {}),
      ...(kase.plan
        ? {
            plan: {
              status: kase.plan.status,
              instalments: kase.plan.instalments.map((i) => ({ amount: money(i.amountMinor), date: i.date })),
              total: money(kase.plan.agreedMinor),
              confirmed: kase.plan.confirmed,
            },
          }
        : {}),
      payUrl: paymentLink(policy, loanId),
      options: negotiable
        ? {
            promiseUntil: latestPromiseDate(policy, now, timeZone),
            plans: planOptions(owed.totalMinor, kase.currency, policy, now, timeZone),
          }
        : { plans: [] },
    });
  }
  return {
    locale: profile?.locale ?? 'en',
    timeZone,
    optedOut: Object.keys(profile?.optOuts ?? {}).filter((ch) => {
      const out = profile?.optOuts[ch as 'SMS'];
      const back = profile?.optIns?.[ch as 'SMS'];
      return out && (!back || back < out);
    }),
    contactWindow: windowName(profile?.preferences?.window),
    loans,
  };
}
