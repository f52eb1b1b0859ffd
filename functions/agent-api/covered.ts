import type { CoveredWait, HumanTask } from '../adapters/task-store.js';
import type { TaskCallbacks } from '../adapters/workflow.js';

/**
 * The covered loans' stages waiting on a call or visit task (functions/human-task/cover.ts): answered
 * when the agent records the outcome (COVERED_BY the covering record, with the outcome heard), kept
 * alive while the agent works, and woken when the ladder withdraws the task (UNCOVERED: the stage
 * decides again, and opens its own task). A token whose execution has moved on (its loan was paid, a
 * dispute opened) is not delivered, and that is no error.
 */
export async function answerCovered(
  callbacks: Pick<TaskCallbacks, 'succeed'>,
  task: Pick<HumanTask, 'recordRef'>,
  waiting: readonly CoveredWait[],
  heard: string,
): Promise<void> {
  for (const w of waiting)
    await callbacks.succeed(w.token, { outcome: 'COVERED', coveredBy: task.recordRef ?? '', heard });
}

export async function heartbeatCovered(callbacks: TaskCallbacks, task: Pick<HumanTask, 'waiting'>) {
  for (const w of task.waiting ?? []) await callbacks.heartbeat(w.token);
}

export async function uncover(
  callbacks: Pick<TaskCallbacks, 'succeed'>,
  waiting: readonly CoveredWait[] | undefined,
) {
  for (const w of waiting ?? []) await callbacks.succeed(w.token, { outcome: 'UNCOVERED' });
}
