import type { CaseStore } from '../adapters/case-store.js';
import type { HumanTask } from '../adapters/task-store.js';
import type { TaskCallbacks } from '../adapters/workflow.js';
import { disputeOpen } from '../domain/case.js';
import { ConcurrentUpdateError } from '../domain/errors.js';
import { activeHardship } from '../domain/hardship.js';

/**
 * An agent completed a conversation item: each loan it names notes the handling on its reply
 * (handledAt, outcome). A hardship pause the reply started is the agent's to judge now: confirmed
 * (HARDSHIP) it runs to its deadline; any other outcome (the borrower was answered, had already paid,
 * was the wrong person, disputes) ends it, and the execution waiting on it is woken at once instead of
 * at the deadline (functions/stage/steps/promise.ts records the end and resumes escalation). The
 * execution decides what follows, under every gate, as after the deadline.
 */
export async function applyConversationOutcome(
  deps: { cases: Pick<CaseStore, 'borrowerView' | 'saveCase'>; callbacks: Pick<TaskCallbacks, 'succeed'> },
  task: HumanTask,
  outcome: string,
  now: string,
): Promise<void> {
  const item = task.conversation;
  if (!item) return;
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      await applyOnce(deps, task.borrowerId, item, outcome, now);
      return;
    } catch (error) {
      // Written concurrently (a step of the ladder): read again and apply again; each change is idempotent.
      if (!(error instanceof ConcurrentUpdateError) || attempt === 4) throw error;
    }
  }
}

async function applyOnce(
  deps: Parameters<typeof applyConversationOutcome>[0],
  borrowerId: string,
  item: NonNullable<HumanTask['conversation']>,
  outcome: string,
  now: string,
): Promise<void> {
  const view = await deps.cases.borrowerView(borrowerId);
  for (const stored of view.cases) {
    const c = structuredClone(stored.item);
    const reply = c.replies?.find((r) => r.itemId === item.itemId);
    if (!item.loans.includes(c.loanId) || !reply || reply.handledAt) continue;
    reply.handledAt = now;
    reply.outcome = outcome;
    const hardship = activeHardship(c);
    const ends = c.status === 'ACTIVE' && hardship?.source === 'REPLY' && outcome !== 'HARDSHIP';
    if (ends && hardship) hardship.handledAt = now;
    await deps.cases.saveCase(c, stored.rev);
    // The token the hardship pause waits on (not a human task's, not a dispute hold's).
    if (ends && c.waitToken && !c.openTask && !disputeOpen(c))
      await deps.callbacks.succeed(c.waitToken, { outcome: 'RESOLVED', reason: 'HANDLED_BY_AGENT' });
  }
}
