import type { Deliver } from './async-delivery.js';
import type { LocalLadder, OpenedTask } from './runtime.js';
import type { Scenario } from './scenario.js';
import { callOutcome, DETAIL_TYPE, detailOf } from './scenario-events.js';

/** How long after a task opens the desk answers it. */
const ANSWER_AFTER_MS = 30 * 60_000;
/** How long an agent waits to try again when the work-queue API failed (a 5xx on AWS), and how often. */
const RETRY_AFTER_MS = 5 * 60_000;
const MAX_TRIES = 5;

/**
 * The simulated desk: agents answer calls with the scripted answer for that call (none: no answer),
 * visitors file a report, borrowers sign the plans they agreed to; each 30 minutes after it opens.
 * A payment or an opt-out given in answer to a call is delivered as its event first. When the API
 * fails (an outage the SDK could not ride out), the agent tries again a few minutes later, as one would
 * at a screen that said so; a refusal is an answer, and anything else is not hidden.
 */
export function simulatedDesk(scenario: Scenario, ladder: () => LocalLadder, deliver: Deliver) {
  const byLoan = new Map(scenario.loans.map((l) => [l.loanId, l]));
  const callsSeen = new Map<string, number>();
  /** What the desk answers the task with, once the events given in answer are delivered. */
  async function outcomeOf(task: OpenedTask, l: LocalLadder): Promise<unknown> {
    if (task.queue === 'field-visits') return { outcome: 'VISIT_REPORTED', report: 'visited' };
    if (task.queue === 'plan-signing') return { outcome: 'SIGNED' };
    const loan = byLoan.get(task.loanId);
    const n = (callsSeen.get(task.loanId) ?? 0) + 1;
    callsSeen.set(task.loanId, n);
    const answer = loan?.events.find((e) => e.onAgentCall === n);
    if (answer && loan && (answer.type === 'payment' || answer.type === 'optOut')) {
      const at = new Date(l.clock.now()).toISOString();
      await deliver(DETAIL_TYPE[answer.type] as string, detailOf(loan, answer, at, 1000 + n));
    }
    return { ...callOutcome(answer), ...(answer?.notes ? { notes: answer.notes } : {}) };
  }
  return (task: OpenedTask) => {
    const l = ladder();
    const complete = (outcome: unknown, tries: number) => async (): Promise<void> => {
      try {
        await l.completeTask(task.taskId, outcome);
      } catch (error) {
        // A promise or plan the policy refuses (400, naming why): the agent tells the borrower, and
        // records the call as what it was, a conversation.
        const refused = error as Error & { status?: number };
        const said = (outcome as { outcome?: string }).outcome;
        if (refused.name === 'TaskRefused' && refused.status === 400 && said !== 'REACHED') {
          return complete({ outcome: 'REACHED' }, tries)();
        }
        // A task the ladder withdrew meanwhile (a dispute, an opt-out, a cure) is refused: the agent moves on.
        if (refused.name === 'TaskRefused') return;
        if ((error as Error).name !== 'TransientError' || tries >= MAX_TRIES) throw error;
        l.clock.setTimeout(() => void l.clock.track(complete(outcome, tries + 1)), RETRY_AFTER_MS);
      }
    };
    const reply = async () => complete(await outcomeOf(task, l), 1)();
    l.clock.setTimeout(() => void l.clock.track(reply), ANSWER_AFTER_MS);
  };
}
