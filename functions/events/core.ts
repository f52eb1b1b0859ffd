import type { BorrowerView, CaseStore, Stored } from '../adapters/case-store.js';
import type { ContactStore } from '../adapters/contact-store.js';
import type { TaskStore } from '../adapters/task-store.js';
import type { EventPublisher, TaskCallbacks } from '../adapters/workflow.js';
import {
  type BorrowerProfile,
  balanceMinor,
  type CaseRecord,
  caseKey,
  close,
  pendingPromise,
} from '../domain/case.js';
import { type Clock, isoUtc } from '../domain/clock.js';
import { LadderError, ValidationError } from '../domain/errors.js';
import {
  BORROWER_EVENT_TYPES,
  describeZodError,
  EVENT_SCHEMAS,
  type EventDetail,
  type EventType,
} from '../domain/events.js';
import { toMinor } from '../domain/money.js';
import { proposePlan } from '../domain/plan.js';
import type { PolicyRegistry } from '../domain/policies.js';
import { cureThresholdMinor } from '../domain/policy.js';

/**
 * Payments and what borrowers say (opt-outs, disputes, promises, plans, hardship, status changes,
 * verified contact points, erasure). Each event updates the case or profile at once; the ladder acts
 * on it at its next boundary, because the stage executor re-reads the case before any contact. Events
 * that end a wait (cure, dispute resolved, closure) also call back the hold or human task the
 * execution is waiting on.
 */
export interface EventsDeps {
  cases: CaseStore;
  callbacks: Pick<TaskCallbacks, 'succeed'>;
  clock: Clock;
  policies: PolicyRegistry;
  /**
   * Agency recalls go to the bus, and deceased, bankrupt and fraud-victim cases to the specialist
   * queue: the events function has both. The inbound-SMS and erasure functions, which apply only
   * opt-outs and erasures, have neither, and an event that needs one fails loudly there.
   */
  bus?: EventPublisher;
  tasks?: Pick<TaskStore, 'open'>;
  /**
   * Only the erasure function has it (and DeleteItem on the contacts table): the events function
   * cannot erase, so it refuses BorrowerErasureRequested instead of half-applying it.
   */
  contacts?: Pick<ContactStore, 'erase'>;
}

export type BorrowerEventType = Exclude<EventType, 'LoanDelinquent'>;
export interface EventResult {
  applied: boolean;
  /** Why nothing changed (duplicate, unknown loan, case already closed). */
  note?: string;
}

export function createEventsCore(deps: EventsDeps) {
  const { cases, callbacks, clock, policies } = deps;
  const need = <T>(dep: T | undefined, name: string): T => {
    if (!dep) throw new LadderError(`this function has no ${name}: the events function applies this event`);
    return dep;
  };

  /** An account placed with an agency comes back when it is paid, settled by plan, or upheld. */
  const recall = (c: CaseRecord, reason: string, now: number) => {
    if (c.agency && !c.agency.recalledAt)
      c.agency = { ...c.agency, recalledAt: isoUtc(now), recallReason: reason };
  };

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
    if (c.agency?.recalledAt && !found.kase.item.agency?.recalledAt) {
      await need(deps.bus, 'event bus').publish('AgencyRecallRequested', {
        loanId: c.loanId,
        cycle: c.cycle,
        borrowerId: c.borrowerId,
        reason: c.agency.recallReason ?? 'RECALL',
      });
    }
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
    /** Changes the profile; a string it returns says why the event changes nothing (nothing is written). */
    mutate: (p: BorrowerProfile) => unknown,
  ): Promise<EventResult & { view?: BorrowerView }> {
    const view = await cases.borrowerView(borrowerId);
    if (!view.profile) return { applied: false, note: 'UNKNOWN_BORROWER' };
    const p = structuredClone(view.profile.item);
    const note = mutate(p);
    if (typeof note === 'string') return { applied: false, note, view };
    await cases.saveProfile(p, view.profile.rev);
    return { applied: true, view };
  }

  const handlers: { [T in BorrowerEventType]: (d: EventDetail<T>) => Promise<EventResult> } = {
    PaymentReceived: async (d) => {
      // The payment id is recorded on the case: a payment delivered twice is counted once.
      return onLoan(d.loanId, (c) => {
        if (c.currency !== d.currency) return 'CURRENCY_MISMATCH';
        if (c.payments.some((p) => p.paymentId === d.paymentId)) return 'DUPLICATE_PAYMENT';
        const amountMinor = toMinor(d.amount, d.currency);
        c.payments.push({
          paymentId: d.paymentId,
          amountMinor,
          paidAt: d.paidAt,
          recordedAt: isoUtc(clock.now()),
        });
        c.paidMinor += amountMinor;
        if (c.status !== 'ACTIVE') return undefined;
        const policy = policies.get(c.policyId);
        const plan = c.plan?.status === 'ACTIVE' ? c.plan : undefined;
        const planTotal = plan?.instalments.reduce((s, i) => s + i.amountMinor, 0) ?? 0;
        if (plan && c.paidMinor - plan.paidAtAcceptMinor >= planTotal) {
          // Every instalment of the negotiated plan is paid: settled, even if early.
          plan.status = 'COMPLETED';
          close(c, 'SETTLED', 'PLAN_COMPLETED', clock.now());
        } else if (balanceMinor(c) <= cureThresholdMinor(policy, c.currency)) {
          const promise = pendingPromise(c);
          if (promise) promise.status = 'KEPT';
          close(c, 'CURED', 'PAID', clock.now());
        }
        if (c.status !== 'ACTIVE') recall(c, 'PAID', clock.now());
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
          close(c, 'CLOSED', 'DISPUTE_UPHELD', now);
          recall(c, 'DISPUTE_UPHELD', now);
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
        return proposePlan(c, d.instalments, policies.get(c.policyId), now);
      }),
    HardshipReported: (d) =>
      onLoan(d.loanId, (c, now) => {
        c.hardshipAt = isoUtc(now);
        return undefined;
      }),
    // Consent per channel: the newer of an opt-out and an opt-in wins, whatever order they arrive in;
    // at the same instant the opt-out wins (in doubt, do not contact).
    BorrowerOptedOut: (d) =>
      onBorrower(d.borrowerId, (p) => {
        const optedIn = p.optIns?.[d.channel];
        if (optedIn !== undefined && Date.parse(optedIn) > Date.parse(d.at)) return 'OPTED_IN_SINCE';
        p.optOuts[d.channel] ??= d.at;
        return undefined;
      }),
    BorrowerOptedIn: (d) =>
      onBorrower(d.borrowerId, (p) => {
        const optedOut = p.optOuts[d.channel];
        if (optedOut !== undefined && Date.parse(optedOut) >= Date.parse(d.at)) return 'OPTED_OUT_SINCE';
        delete p.optOuts[d.channel];
        const last = p.optIns?.[d.channel];
        if (last === undefined || Date.parse(last) < Date.parse(d.at))
          p.optIns = { ...p.optIns, [d.channel]: d.at };
        return undefined;
      }),
    BorrowerStatusChanged: async (d) => {
      const result = await onBorrower(d.borrowerId, (p) => {
        // An erased borrower stays erased: intake would otherwise store their contact details again.
        if (p.specialStatus !== 'ERASED') p.specialStatus = d.status;
      });
      // Each open case goes to the specialist queue (a work item with no callback: the ladder ends);
      // an erased borrower's cases are closed by the erasure, with nothing left for a specialist.
      const erased = result.view?.profile?.item.specialStatus === 'ERASED';
      for (const c of erased ? [] : (result.view?.cases ?? [])) {
        if (c.item.status !== 'ACTIVE') continue;
        await need(deps.tasks, 'task store').open({
          taskId: `${caseKey(c.item.loanId, c.item.cycle)}#SPECIALIST#${d.status}`,
          queue: 'specialist',
          loanId: c.item.loanId,
          cycle: c.item.cycle,
          borrowerId: c.item.borrowerId,
          stage: d.status,
          openedAt: isoUtc(clock.now()),
          status: 'OPEN',
        });
      }
      await wakeAll(result.view);
      return { applied: result.applied, ...(result.note ? { note: result.note } : {}) };
    },
    ContactPointVerified: (d) =>
      onBorrower(d.borrowerId, (p) => {
        p.contactPoints[d.channel] = { verified: true };
      }),
    BorrowerErasureRequested: async (d) => {
      const { contacts } = deps;
      if (!contacts) {
        throw new ValidationError('BorrowerErasureRequested: handled by the erasure function only');
      }
      // The profile first: from this write on, the stage gate closes every case of the borrower, so no
      // stage reads the contact details between their deletion and the mark. A retry after a failed
      // delete finds the profile marked and deletes again (both steps are idempotent).
      const result = await onBorrower(d.borrowerId, (p) => {
        p.specialStatus = 'ERASED';
        p.contactPoints = {};
      });
      await contacts.erase(d.borrowerId);
      await wakeAll(result.view);
      return { applied: true, ...(result.note ? { note: result.note } : {}) };
    },
  };

  /** Stop at once: wake every execution of the borrower that waits on a hold or task. */
  async function wakeAll(view: BorrowerView | undefined): Promise<void> {
    for (const c of view?.cases ?? []) {
      if (c.item.status === 'ACTIVE') await wake(c.item, { outcome: 'CASE_CLOSED' });
    }
  }

  return async function eventsCore(detailType: string, detail: unknown): Promise<EventResult> {
    if (!(BORROWER_EVENT_TYPES as string[]).includes(detailType)) {
      // Echoed only when it looks like a detail-type: an error stays one line that repeats no input.
      const shown = /^[A-Za-z]{1,40}$/.test(String(detailType)) ? ` "${detailType}"` : '';
      throw new ValidationError(`unknown event type${shown}`);
    }
    const type = detailType as BorrowerEventType;
    const parsed = EVENT_SCHEMAS[type].safeParse(detail);
    if (!parsed.success) throw new ValidationError(`${type}: ${describeZodError(parsed.error)}`);
    // Only the result: the borrower's view (with the tokens executions wait on) never leaves.
    const { applied, note } = await (handlers[type] as (d: unknown) => Promise<EventResult>)(parsed.data);
    return { applied, ...(note ? { note } : {}) };
  };
}
