import type { EventType } from '../functions/domain/events.js';
import type { ScenarioEvent, ScenarioLoan } from './scenario.js';

/** A scenario's borrower events as the ladder's: their detail types and details, and an agent's answers. */

export const DETAIL_TYPE: Partial<Record<ScenarioEvent['type'], EventType>> = {
  payment: 'PaymentReceived',
  balanceChanged: 'BalanceChanged',
  optOut: 'BorrowerOptedOut',
  optIn: 'BorrowerOptedIn',
  dispute: 'DisputeOpened',
  disputeResolved: 'DisputeResolved',
  promiseToPay: 'PromiseToPayMade',
  hardship: 'HardshipReported',
  acceptPlan: 'RepaymentPlanAccepted',
  erasure: 'BorrowerErasureRequested',
  statusChanged: 'BorrowerStatusChanged',
  contactVerified: 'ContactPointVerified',
};

export function detailOf(
  loan: ScenarioLoan,
  e: ScenarioEvent,
  at: string,
  n: number,
): Record<string, unknown> {
  switch (e.type) {
    case 'payment':
      return {
        paymentId: `${loan.loanId}-p${n}`,
        loanId: loan.loanId,
        amount: e.amount,
        currency: loan.currency,
        paidAt: at,
      };
    case 'balanceChanged':
      return {
        loanId: loan.loanId,
        principal: e.principal,
        interest: e.interest,
        penaltyInterest: e.penaltyInterest,
        fees: e.fees,
        currency: loan.currency,
        asOf: at,
      };
    case 'optOut':
    case 'optIn':
      return { borrowerId: loan.borrower.borrowerId, channel: e.channel, at };
    case 'erasure':
      return { borrowerId: loan.borrower.borrowerId, at };
    case 'statusChanged':
      return { borrowerId: loan.borrower.borrowerId, status: e.status, at };
    case 'contactVerified':
      return { borrowerId: loan.borrower.borrowerId, channel: e.channel, at };
    case 'disputeResolved':
      return { loanId: loan.loanId, inFavourOf: e.inFavourOf, at };
    case 'promiseToPay':
      return { loanId: loan.loanId, amount: e.amount, date: e.date, at };
    case 'acceptPlan':
      return {
        loanId: loan.loanId,
        instalments: e.instalments,
        ...(e.approverId ? { approval: { approverId: e.approverId, at } } : {}),
        at,
      };
    default:
      return { loanId: loan.loanId, at };
  }
}

/** What the agent records for a scripted answer to a call. */
export function callOutcome(e: ScenarioEvent | undefined): Record<string, unknown> {
  switch (e?.type) {
    case 'promiseToPay':
      return { outcome: 'PROMISE_TO_PAY', promise: { amount: e.amount, date: e.date } };
    case 'acceptPlan':
      return {
        outcome: 'PLAN_AGREED',
        plan: {
          instalments: e.instalments,
          ...(e.approverId ? { approval: { approverId: e.approverId } } : {}),
        },
      };
    case 'dispute':
      return { outcome: 'DISPUTE' };
    case 'hardship':
      return { outcome: 'HARDSHIP' };
    case 'refused':
      return { outcome: 'REFUSED' };
    case 'wrongNumber':
      return { outcome: 'WRONG_NUMBER' };
    case undefined:
    case 'noAnswer':
      return { outcome: 'NO_ANSWER' };
    default:
      return { outcome: 'REACHED' };
  }
}
