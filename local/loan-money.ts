import { owedAt } from '../functions/domain/balance.js';
import type { CaseRecord } from '../functions/domain/case.js';
import { balanceTimeline } from '../functions/domain/evidence.js';
import { fromMinor } from '../functions/domain/money.js';
import type { LoadedPolicy } from '../functions/domain/policy.js';

/** The money of one simulated loan, as `ladder simulate` prints it (issue 14, item 6). */
export interface LoanMoney {
  /**
   * What was owed after each event that moved it (intake, payments, the loan system's reports) and
   * where the run left it (`event` the case's status, at its closing or the end of the run); the
   * policy's own accrual shows between them.
   */
  balanceTimeline: Array<{ at: string; event: string; amount?: string; balance: string }>;
  /** The payments applied to the case, in the order they were paid. */
  payments: Array<{ paymentId: string; at: string; amount: string }>;
  /** SETTLED: everything paid under the agreement, and what was waived ("0.00" for a plan of the whole balance); else null. */
  settledFor: string | null;
  waived: string | null;
}

export function loanMoney(
  kase: CaseRecord | undefined,
  policy: LoadedPolicy,
  timeZone: string,
  endOfRun: number,
): LoanMoney {
  if (!kase) return { balanceTimeline: [], payments: [], settledFor: null, waived: null };
  const money = (minor: number) => fromMinor(minor, kase.currency);
  const owed = (at: number) => owedAt(kase, policy, at, timeZone);
  const end = kase.closedAt ? Date.parse(kase.closedAt) : endOfRun;
  const settlement = kase.status === 'SETTLED' ? kase.settlement : undefined;
  return {
    balanceTimeline: [
      ...balanceTimeline(kase, owed),
      { at: new Date(end).toISOString(), event: kase.status, balance: money(owed(end).totalMinor) },
    ],
    payments: [...kase.payments]
      .sort((a, b) => Date.parse(a.paidAt) - Date.parse(b.paidAt))
      .map((p) => ({ paymentId: p.paymentId, at: p.paidAt, amount: money(p.amountMinor) })),
    settledFor: settlement ? money(settlement.settledForMinor) : null,
    waived: settlement ? money(settlement.waivedMinor) : null,
  };
}
