import type { BorrowerView, CaseStore, Stored } from '../adapters/case-store.js';
import type { ContactStore } from '../adapters/contact-store.js';
import type { ConversationStore } from '../adapters/conversation-store.js';
import type { TaskStore } from '../adapters/task-store.js';
import type { EventPublisher, TaskCallbacks } from '../adapters/workflow.js';
import { uncover } from '../agent-api/covered.js';
import { owedAt } from '../domain/balance.js';
import { type BorrowerProfile, type CaseRecord, pendingPromise } from '../domain/case.js';
import { type Clock, isoUtc } from '../domain/clock.js';
import { LadderError } from '../domain/errors.js';
import type { EventDetail, EventType } from '../domain/events.js';
import { handoffEvents, publishAll } from '../domain/handoff-events.js';
import { activeHardship } from '../domain/hardship.js';
import type { RecallReason } from '../domain/outbound.js';
import type { PolicyRegistry } from '../domain/policies.js';
import type { ProfileLedgerDeps } from './profile-ledger.js';

export interface EventsDeps {
  cases: CaseStore;
  callbacks: Pick<TaskCallbacks, 'succeed'>;
  clock: Clock;
  policies: PolicyRegistry;
  /**
   * Agency recalls go to the bus, and deceased, bankrupt and fraud-victim cases to the specialist
   * queue: the events function has both. The inbound-SMS and erasure functions, which apply only
   * consent changes and erasures, have what those need, and an event that needs more fails loudly.
   */
  bus?: EventPublisher;
  tasks?: Pick<TaskStore, 'open' | 'withdraw'>;
  /**
   * Only the erasure function has it (and DeleteItem on the contacts table): the events function
   * cannot erase, so it refuses BorrowerErasureRequested instead of half-applying it.
   */
  contacts?: Pick<ContactStore, 'erase'>;
  /**
   * The ledger's reads and its writer, for the PROFILE records of what the borrower changed
   * (preferences): the events function and the borrower API have them.
   */
  profileLedger?: ProfileLedgerDeps;
  /** The erasure function's too: the borrower's replies (conversations table). */
  conversations?: Pick<ConversationStore, 'erase'>;
}

export type BorrowerEventType = Exclude<EventType, 'LoanDelinquent' | 'LetterDispatched'>;
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
export const recall = (c: CaseRecord, reason: RecallReason, now: number) => {
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

/**
 * Takes back the human task the execution waits on (so no agent can still work or complete it) and
 * wakes the execution, which then re-reads the case and stops, holds or moves on. A hold (no task)
 * is only woken. Both are safe to repeat: a task no longer open stays as it is.
 */
export async function withdrawAndWake(
  deps: EventsDeps,
  c: CaseRecord,
  outcome: 'CASE_CLOSED' | 'RESOLVED' | 'WITHDRAWN',
  reason: string,
): Promise<void> {
  if (c.openTask) {
    const taken = await need(deps.tasks, 'task store').withdraw(
      c.openTask.taskId,
      reason,
      isoUtc(deps.clock.now()),
    );
    // The borrower's other loans whose stage waited on this call or visit decide again.
    await uncover(deps.callbacks, taken.waiting);
  }
  if (c.waitToken) await deps.callbacks.succeed(c.waitToken, { outcome, reason });
}

/** What ended or changed the execution's wait, from the case before and after an event. */
function waitEnded(before: CaseRecord, after: CaseRecord): Parameters<typeof withdrawAndWake>[2] | undefined {
  if (after.status !== 'ACTIVE') return 'CASE_CLOSED';
  const wasOpen = before.dispute && !before.dispute.resolvedAt;
  if (wasOpen && after.dispute?.resolvedAt) return 'RESOLVED';
  if (!wasOpen && after.dispute && !after.dispute.resolvedAt) return 'WITHDRAWN';
  // A hardship pause waits on a token: a plan or a promise takes over from it, at once.
  const tookOver = (!before.plan && after.plan) || (!pendingPromise(before) && pendingPromise(after));
  if (activeHardship(before) && tookOver) return 'RESOLVED';
  return undefined;
}

/**
 * Applies an event to the loan's latest case: `mutate` changes it, or returns why the event changes
 * nothing. What the change calls for outside (an update to the agency or legal holding the account,
 * the agency's recall, the bureau's correction: domain/handoff-events.ts) is published before the
 * case is written, so a failed write retries it rather than losing it (receivers deduplicate on the
 * idempotency key). Then
 * the execution's wait is ended: the case closed, a dispute opened (its task is withdrawn and the
 * ladder holds) or resolved.
 */
export async function onLoan(
  deps: EventsDeps,
  loanId: string,
  /** Changes the case (the borrower's profile at hand, for their time zone); or says why not. */
  mutate: (c: CaseRecord, now: number, profile: BorrowerProfile | undefined) => string | undefined,
): Promise<EventResult> {
  const found = await loanCase(deps.cases, loanId);
  if (!found) return { applied: false, note: 'UNKNOWN_LOAN' };
  const before = found.kase.item;
  const c: CaseRecord = structuredClone(before);
  const note = mutate(c, deps.clock.now(), found.view.profile?.item);
  if (note) return { applied: false, note };
  const now = deps.clock.now();
  const tz = found.view.profile?.item.timeZone ?? 'UTC';
  const owed = owedAt(c, deps.policies.get(c.policyId), now, tz).totalMinor;
  const events = handoffEvents(before, c, owed, now);
  if (events.length > 0) await publishAll(need(deps.bus, 'event bus'), events);
  await deps.cases.saveCase(c, found.kase.rev);
  const ended = waitEnded(before, c);
  if (ended)
    await withdrawAndWake(
      deps,
      c,
      ended,
      c.closedReason ?? (ended === 'WITHDRAWN' ? 'DISPUTE_OPENED' : ended),
    );
  return { applied: true };
}

export async function onBorrower(
  deps: EventsDeps,
  borrowerId: string,
  /** Changes the profile; a string it returns says why the event changes nothing (nothing is written). */
  mutate: (p: BorrowerProfile, now: number) => unknown,
): Promise<EventResult & { view?: BorrowerView }> {
  const view = await deps.cases.borrowerView(borrowerId);
  if (!view.profile) return { applied: false, note: 'UNKNOWN_BORROWER' };
  const p = structuredClone(view.profile.item);
  const note = mutate(p, deps.clock.now());
  if (typeof note === 'string') return { applied: false, note, view };
  await deps.cases.saveProfile(p, view.profile.rev);
  return { applied: true, view };
}

/** Stop at once: withdraw the task and wake every execution of the borrower still on the ladder. */
export async function wakeAll(
  deps: EventsDeps,
  view: BorrowerView | undefined,
  reason: string,
): Promise<void> {
  for (const c of view?.cases ?? []) {
    if (c.item.status === 'ACTIVE') await withdrawAndWake(deps, c.item, 'CASE_CLOSED', reason);
  }
}
