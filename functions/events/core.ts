import type { BorrowerView, CaseStore, Stored } from '../adapters/case-store.js';
import type { TaskCallbacks } from '../adapters/workflow.js';
import { type BorrowerProfile, balanceMinor, type CaseRecord, pendingPromise } from '../domain/case.js';
import { type Clock, isoUtc } from '../domain/clock.js';
import { ValidationError } from '../domain/errors.js';
import {
  BORROWER_EVENT_TYPES,
  describeZodError,
  EVENT_SCHEMAS,
  type EventDetail,
  type EventType,
} from '../domain/events.js';
import { toMinor } from '../domain/money.js';
import type { PolicyRegistry } from '../domain/policies.js';
import { cureThresholdMinor } from '../domain/policy.js';

/**
 * Payments and what borrowers say (opt-outs, disputes, promises, plans, hardship, status changes).
 * Each event updates the case or profile at once; the ladder acts on it at its next boundary,
 * because the stage executor re-reads the case before any contact. Events that end a wait (cure,
 * dispute resolved, closure) also call back the hold or human task the execution is waiting on.
 */
export interface EventsDeps {
  cases: CaseStore;
  callbacks: TaskCallbacks;
  clock: Clock;
  policies: PolicyRegistry;
}

export type BorrowerEventType = Exclude<EventType, 'LoanDelinquent'>;
export interface EventResult {
  applied: boolean;
  /** Why nothing changed (duplicate, unknown loan, case already closed). */
  note?: string;
}

export function createEventsCore(deps: EventsDeps) {
  const { cases, callbacks, clock, policies } = deps;

  /** The loan's latest case (highest cycle), with the borrower's view. */
  async function loanCase(
    loanId: string,
  ): Promise<{ view: BorrowerView; kase: Stored<CaseRecord> } | undefined> {
    const borrowerId = await cases.borrowerOfLoan(loanId);
    if (!borrowerId) return undefined;
    const view = await cases.borrowerView(borrowerId);
    const kase = view.cases
      .filter((c) => c.item.loanId === loanId)
      .sort((a, b) => b.item.cycle - a.item.cycle)[0];
    return kase ? { view, kase } : undefined;
  }

  async function wake(c: CaseRecord, output: Record<string, string>): Promise<void> {
    if (c.waitToken) await callbacks.succeed(c.waitToken, output);
  }

  async function onLoan(
    loanId: string,
    mutate: (c: CaseRecord, now: number) => string | undefined,
  ): Promise<EventResult> {
    const found = await loanCase(loanId);
    if (!found) return { applied: false, note: 'UNKNOWN_LOAN' };
    const c: CaseRecord = structuredClone(found.kase.item);
    const note = mutate(c, clock.now());
    if (note) return { applied: false, note };
    await cases.saveCase(c, found.kase.rev);
    if (
      c.status !== 'ACTIVE' ||
      (found.kase.item.dispute && !found.kase.item.dispute.resolvedAt && c.dispute?.resolvedAt)
    ) {
      await wake(c, { outcome: c.status === 'ACTIVE' ? 'RESOLVED' : 'CASE_CLOSED' });
    }
    return { applied: true };
  }

  async function onBorrower(
    borrowerId: string,
    mutate: (p: BorrowerProfile) => void,
  ): Promise<EventResult & { view?: BorrowerView }> {
    const view = await cases.borrowerView(borrowerId);
    if (!view.profile) return { applied: false, note: 'UNKNOWN_BORROWER' };
    const p = structuredClone(view.profile.item);
    mutate(p);
    await cases.saveProfile(p, view.profile.rev);
    return { applied: true, view };
  }

  const handlers: { [T in BorrowerEventType]: (d: EventDetail<T>) => Promise<EventResult> } = {
    PaymentReceived: async (d) => {
      // The payment id is recorded on the case: a payment delivered twice is counted once.
      return onLoan(d.loanId, (c) => {
        if (c.currency !== d.currency) return 'CURRENCY_MISMATCH';
        c.paymentIds ??= [];
        if (c.paymentIds.includes(d.paymentId)) return 'DUPLICATE_PAYMENT';
        c.paymentIds.push(d.paymentId);
        c.paidMinor += toMinor(d.amount, d.currency);
        if (c.status !== 'ACTIVE') return undefined;
        const policy = policies.get(c.policyId);
        const plan = c.plan?.status === 'ACTIVE' ? c.plan : undefined;
        const planTotal = plan?.instalments.reduce((s, i) => s + i.amountMinor, 0) ?? 0;
        if (plan && c.paidMinor - plan.paidAtAcceptMinor >= planTotal) {
          // Every instalment of the negotiated plan is paid: settled, even if early.
          plan.status = 'COMPLETED';
          c.status = 'SETTLED';
          c.closedReason = 'PLAN_COMPLETED';
        } else if (balanceMinor(c) <= cureThresholdMinor(policy, c.currency)) {
          const promise = pendingPromise(c);
          if (promise) promise.status = 'KEPT';
          c.status = 'CURED';
          c.closedReason = 'PAID';
        }
        return undefined;
      });
    },
    DisputeOpened: (d) =>
      onLoan(d.loanId, (c, now) => {
        if (c.status !== 'ACTIVE') return 'CASE_CLOSED';
        c.dispute = { openedAt: isoUtc(now) };
        return undefined;
      }),
    DisputeResolved: (d) =>
      onLoan(d.loanId, (c, now) => {
        if (!c.dispute || c.dispute.resolvedAt) return 'NO_OPEN_DISPUTE';
        c.dispute = { ...c.dispute, resolvedAt: isoUtc(now), inFavourOf: d.inFavourOf };
        if (d.inFavourOf === 'borrower') {
          c.status = 'CLOSED';
          c.closedReason = 'DISPUTE_UPHELD';
        }
        return undefined;
      }),
    PromiseToPayMade: (d) =>
      onLoan(d.loanId, (c, now) => {
        if (c.status !== 'ACTIVE') return 'CASE_CLOSED';
        const policy = policies.get(c.policyId);
        const days = (Date.parse(`${d.date}T00:00:00Z`) - now) / 86_400_000;
        if (days > policy.promiseToPay.maxDaysAhead) return 'PROMISE_TOO_FAR';
        for (const p of c.promises) if (p.status === 'PENDING') p.status = 'BROKEN';
        c.promises.push({
          amountMinor: toMinor(d.amount, c.currency),
          date: d.date,
          madeAt: isoUtc(now),
          paidAtMakeMinor: c.paidMinor,
          status: 'PENDING',
        });
        return undefined;
      }),
    RepaymentPlanAccepted: (d) =>
      onLoan(d.loanId, (c, now) => {
        if (c.status !== 'ACTIVE') return 'CASE_CLOSED';
        const policy = policies.get(c.policyId);
        if (d.instalments.length > policy.plan.maxInstalments) return 'TOO_MANY_INSTALMENTS';
        c.plan = {
          instalments: d.instalments.map((i) => ({
            amountMinor: toMinor(i.amount, c.currency),
            date: i.date,
          })),
          acceptedAt: isoUtc(now),
          paidAtAcceptMinor: c.paidMinor,
          status: 'ACTIVE',
          confirmed: 0,
        };
        return undefined;
      }),
    HardshipReported: (d) =>
      onLoan(d.loanId, (c, now) => {
        c.hardshipAt = isoUtc(now);
        return undefined;
      }),
    BorrowerOptedOut: (d) =>
      onBorrower(d.borrowerId, (p) => {
        p.optOuts[d.channel] ??= d.at;
      }),
    BorrowerStatusChanged: async (d) => {
      const result = await onBorrower(d.borrowerId, (p) => {
        p.specialStatus = d.status;
      });
      // Stop at once: wake every execution of the borrower that waits on a hold or task.
      for (const c of result.view?.cases ?? []) {
        if (c.item.status === 'ACTIVE') await wake(c.item, { outcome: 'CASE_CLOSED' });
      }
      return { applied: result.applied, ...(result.note ? { note: result.note } : {}) };
    },
  };

  return async function eventsCore(detailType: string, detail: unknown): Promise<EventResult> {
    if (!(BORROWER_EVENT_TYPES as string[]).includes(detailType)) {
      // Echoed only when it looks like a detail-type: an error stays one line that repeats no input.
      const shown = /^[A-Za-z]{1,40}$/.test(String(detailType)) ? ` "${detailType}"` : '';
      throw new ValidationError(`unknown event type${shown}`);
    }
    const type = detailType as BorrowerEventType;
    const parsed = EVENT_SCHEMAS[type].safeParse(detail);
    if (!parsed.success) throw new ValidationError(`${type}: ${describeZodError(parsed.error)}`);
    return (handlers[type] as (d: unknown) => Promise<EventResult>)(parsed.data);
  };
}
