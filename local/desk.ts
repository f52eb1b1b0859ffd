import type { Deliver } from './async-delivery.js';
import type { LocalLadder, OpenedTask } from './runtime.js';
import type { Scenario } from './scenario.js';
import { callOutcome, DETAIL_TYPE, detailOf } from './scenario-events.js';

/** How long after a task opens the desk answers it. */
const ANSWER_AFTER_MS = 30 * 60_000;

/**
 * The simulated desk: agents answer calls with the scripted answer for that call (none: no answer),
 * visitors file a report, borrowers sign the plans they agreed to; each 30 minutes after it opens.
 * A payment or an opt-out given in answer to a call is delivered as its event first.
 */
export function simulatedDesk(scenario: Scenario, ladder: () => LocalLadder, deliver: Deliver) {
  const byLoan = new Map(scenario.loans.map((l) => [l.loanId, l]));
  const callsSeen = new Map<string, number>();
  return (task: OpenedTask) => {
    const l = ladder();
    const loan = byLoan.get(task.loanId);
    const reply = async () => {
      if (task.queue === 'field-visits') {
        return l.completeTask(task.taskId, { outcome: 'VISIT_REPORTED', report: 'visited' });
      }
      if (task.queue === 'plan-signing') return l.completeTask(task.taskId, { outcome: 'SIGNED' });
      const n = (callsSeen.get(task.loanId) ?? 0) + 1;
      callsSeen.set(task.loanId, n);
      const answer = loan?.events.find((e) => e.onAgentCall === n);
      if (answer && loan && (answer.type === 'payment' || answer.type === 'optOut')) {
        const at = new Date(l.clock.now()).toISOString();
        await deliver(DETAIL_TYPE[answer.type] as string, detailOf(loan, answer, at, 1000 + n));
      }
      return l.completeTask(task.taskId, callOutcome(answer));
    };
    // A task the ladder withdrew meanwhile (a dispute, an opt-out, a cure) is refused: the agent moves on.
    const answer = () =>
      reply().catch((error: Error) => {
        if (error.name !== 'TaskRefused') throw error;
      });
    l.clock.setTimeout(() => void l.clock.track(answer), ANSWER_AFTER_MS);
  };
}
