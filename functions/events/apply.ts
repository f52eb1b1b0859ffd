import type { BorrowerView, CaseStore, Stored } from '../adapters/case-store.js';
import type { ContactStore } from '../adapters/contact-store.js';
import type { TaskStore } from '../adapters/task-store.js';
import type { EventPublisher, TaskCallbacks } from '../adapters/workflow.js';
import type { BorrowerProfile, CaseRecord } from '../domain/case.js';
import { type Clock, isoUtc } from '../domain/clock.js';
import { LadderError } from '../domain/errors.js';
import type { EventDetail, EventType } from '../domain/events.js';
import type { PolicyRegistry } from '../domain/policies.js';

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

/** The handlers of some event types, each given its event's validated detail. */
export type Handlers<T extends BorrowerEventType = BorrowerEventType> = {
  [K in T]: (d: EventDetail<K>) => Promise<EventResult>;
};

export const need = <T>(dep: T | undefined, name: string): T => {
  if (!dep) throw new LadderError(`this function has no ${name}: the events function applies this event`);
  return dep;
};

/** An account placed with an agency comes back when it is paid, settled by plan, or upheld. */
export const recall = (c: CaseRecord, reason: string, now: number) => {
  if (c.agency && !c.agency.recalledAt)
    c.agency = { ...c.agency, recalledAt: isoUtc(now), recallReason: reason };
};

/** The loan's latest case (highest cycle), with the borrower's view. */
async function loanCase(
  cases: CaseStore,
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

async function wake(deps: EventsDeps, c: CaseRecord, output: Record<string, string>): Promise<void> {
  if (c.waitToken) await deps.callbacks.succeed(c.waitToken, output);
}

/**
 * Applies an event to the loan's latest case: `mutate` changes it, or returns why the event changes
 * nothing. Then asks for the agency recall the change made, and wakes the execution whose wait it
 * ends (the case closed, or its dispute resolved).
 */
export async function onLoan(
  deps: EventsDeps,
  loanId: string,
  mutate: (c: CaseRecord, now: number) => string | undefined,
): Promise<EventResult> {
  const found = await loanCase(deps.cases, loanId);
  if (!found) return { applied: false, note: 'UNKNOWN_LOAN' };
  const c: CaseRecord = structuredClone(found.kase.item);
  const note = mutate(c, deps.clock.now());
  if (note) return { applied: false, note };
  await deps.cases.saveCase(c, found.kase.rev);
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
    await wake(deps, c, { outcome: c.status === 'ACTIVE' ? 'RESOLVED' : 'CASE_CLOSED' });
  }
  return { applied: true };
}

export async function onBorrower(
  deps: EventsDeps,
  borrowerId: string,
  /** Changes the profile; a string it returns says why the event changes nothing (nothing is written). */
  mutate: (p: BorrowerProfile) => unknown,
): Promise<EventResult & { view?: BorrowerView }> {
  const view = await deps.cases.borrowerView(borrowerId);
  if (!view.profile) return { applied: false, note: 'UNKNOWN_BORROWER' };
  const p = structuredClone(view.profile.item);
  const note = mutate(p);
  if (typeof note === 'string') return { applied: false, note, view };
  await deps.cases.saveProfile(p, view.profile.rev);
  return { applied: true, view };
}

/** Stop at once: wake every execution of the borrower that waits on a hold or task. */
export async function wakeAll(deps: EventsDeps, view: BorrowerView | undefined): Promise<void> {
  for (const c of view?.cases ?? []) {
    if (c.item.status === 'ACTIVE') await wake(deps, c.item, { outcome: 'CASE_CLOSED' });
  }
}
