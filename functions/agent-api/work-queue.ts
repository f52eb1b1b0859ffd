import type { CaseStore } from '../adapters/case-store.js';
import type { ConversationStore } from '../adapters/conversation-store.js';
import type { HumanTask, TaskStore } from '../adapters/task-store.js';
import type { TaskCallbacks } from '../adapters/workflow.js';
import { type Clock, isoUtc } from '../domain/clock.js';
import { ConcurrentUpdateError, ValidationError } from '../domain/errors.js';
import { planProblem } from '../domain/plan.js';
import type { PolicyRegistry } from '../domain/policies.js';
import { promiseProblem } from '../domain/promise.js';
import { insideWindow } from '../domain/rulepacks.js';
import { applyConversationOutcome } from './conversation-outcome.js';
import { answerCovered, heartbeatCovered } from './covered.js';
import { ForbiddenError, TaskConflictError, TaskNotFoundError } from './errors.js';
import { keepNote } from './notes.js';
import { OUTCOMES_BY_QUEUE, type TaskOutcome, TaskOutcomeSchema } from './outcomes.js';

/**
 * The rules of the work queue. An agent claims a task before working it, and the claim holds it for
 * that agent alone: only the claimer completes it. A task the ladder withdrew (a dispute, an opt-out
 * of calls, a cure, a specialist status, an erasure) can be neither claimed nor completed. A call or a
 * visit is recorded when it is completed, so completing one outside the borrower's contact hours is
 * refused. Promises and plans are checked against the case and the policy before the execution sees
 * them. The specialist queue (deceased, bankrupt, fraud victim) has routes of its own, so IAM can
 * grant it to specialists only.
 */
export interface WorkQueueDeps {
  tasks: TaskStore;
  callbacks: TaskCallbacks;
  /** Reads the case to check an outcome; writes a conversation item's handling (conversation-outcome.ts). */
  cases: Pick<CaseStore, 'borrowerView' | 'saveCase'>;
  policies: PolicyRegistry;
  clock: Clock;
  /**
   * A conversation item's text, shown to the agent who claims it and to nobody else; an agent's notes
   * and a visit's report are stored there too (functions/agent-api/notes.ts).
   */
  conversations?: Pick<ConversationStore, 'get' | 'put'>;
}

/** Which routes a request came in on: the agents' `/tasks` or the specialists' `/specialist/tasks`. */
export type Desk = 'agents' | 'specialists';

async function taskOn(deps: WorkQueueDeps, taskId: string, desk: Desk): Promise<HumanTask> {
  const task = await deps.tasks.get(taskId);
  if (!task) throw new TaskNotFoundError(`no task ${taskId}`);
  if ((task.queue === 'specialist') !== (desk === 'specialists')) {
    throw new ForbiddenError(
      task.queue === 'specialist' ? 'specialist tasks are under /specialist/tasks' : 'not a specialist task',
    );
  }
  if (task.status === 'WITHDRAWN')
    throw new TaskConflictError(
      `task ${taskId} was withdrawn: ${task.withdrawnReason ?? 'the ladder moved on'}`,
    );
  if (task.status !== 'OPEN') throw new TaskConflictError(`task ${taskId} is already done`);
  return task;
}

/** An agent takes a task: held for them alone, and a heartbeat tells the execution someone is on it. */
export async function claimTask(deps: WorkQueueDeps, taskId: string, caller: string, desk: Desk) {
  const task = await taskOn(deps, taskId, desk);
  if (task.claimedBy && task.claimedBy !== caller)
    throw new TaskConflictError(`task ${taskId} is held by another agent`);
  try {
    await deps.tasks.claim(taskId, caller, isoUtc(deps.clock.now()));
  } catch (error) {
    if (error instanceof ConcurrentUpdateError)
      throw new TaskConflictError(`task ${taskId} was taken meanwhile`);
    throw error;
  }
  if (task.conversation) return { delivered: false, conversation: await conversationOf(deps, task) };
  await heartbeatCovered(deps.callbacks, task);
  return task.token ? deps.callbacks.heartbeat(task.token) : { delivered: false };
}

/** What the borrower wrote, for the claimer: the text, how it came, what the table took it for. */
export async function conversationOf(deps: WorkQueueDeps, task: HumanTask) {
  const item = task.conversation;
  const entry = item && (await deps.conversations?.get(task.borrowerId, item.itemId));
  // Erased since (or never stored): the item says so rather than showing nothing silently.
  if (!item || !entry) return { available: false as const };
  return {
    available: true as const,
    channel: entry.channel,
    intent: item.intent,
    loans: item.loans,
    receivedAt: entry.receivedAt,
    ...(entry.subject ? { subject: entry.subject } : {}),
    text: entry.text,
  };
}

/** What the agent learned goes back to the waiting execution; a visit report stays on the task. */
export async function completeTask(
  deps: WorkQueueDeps,
  taskId: string,
  caller: string,
  body: unknown,
  desk: Desk,
) {
  const task = await taskOn(deps, taskId, desk);
  if (task.claimedBy !== caller)
    throw new ForbiddenError(
      task.claimedBy ? `task ${taskId} is held by another agent` : `claim task ${taskId} first`,
    );
  const outcome = parseOutcome(body, task.queue);
  await checkAgainstCase(deps, task, outcome);
  const { report, notes, ...result } = outcome as TaskOutcome & { report?: string; notes?: string };
  const now = isoUtc(deps.clock.now());
  // The words go to the conversations table (contact key) before the task is done; only their id and
  // hash go on to the execution.
  if (notes !== undefined && task.queue !== 'agent-calls')
    throw new ValidationError(`notes: for a call; a ${task.queue} task takes none`);
  const text = report ?? notes;
  const note = text ? await keepNote(deps.conversations, task, text, now) : {};
  let waiting: Awaited<ReturnType<typeof deps.tasks.complete>>;
  try {
    waiting = await deps.tasks.complete(taskId, caller, now, result.outcome);
  } catch (error) {
    if (error instanceof ConcurrentUpdateError)
      throw new TaskConflictError(`task ${taskId} changed meanwhile`);
    throw error;
  }
  if (task.conversation) await applyConversationOutcome(deps, task, result.outcome, now);
  if (!task.token) return { delivered: false };
  const covers = task.covers?.length ? { covers: task.covers } : {};
  const delivered = await deps.callbacks.succeed(task.token, { ...result, taskId, ...covers, ...note });
  // The borrower's other loans this call or visit covered: their stages record it, COVERED_BY its record.
  await answerCovered(deps.callbacks, task, waiting, result.outcome);
  return delivered;
}

function parseOutcome(body: unknown, queue: HumanTask['queue']): TaskOutcome {
  const allowed = OUTCOMES_BY_QUEUE[queue] ?? [];
  const parsed = TaskOutcomeSchema().safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path.join('.') || 'outcome';
    throw new ValidationError(
      field === 'outcome'
        ? `outcome: one of ${allowed.join(', ')}`
        : `${field}: ${issue?.message ?? 'invalid'}`,
    );
  }
  if (!allowed.includes(parsed.data.outcome))
    throw new ValidationError(`outcome: one of ${allowed.join(', ')} for a ${queue} task`);
  return parsed.data;
}

/** The contact hours (calls and visits), and a promise or plan the policy and the balance allow. */
async function checkAgainstCase(deps: WorkQueueDeps, task: HumanTask, outcome: TaskOutcome): Promise<void> {
  const view = await deps.cases.borrowerView(task.borrowerId);
  const kase = view.cases.find((c) => c.item.loanId === task.loanId && c.item.cycle === task.cycle)?.item;
  const profile = view.profile?.item;
  if (!kase || !profile) throw new TaskConflictError(`task ${task.taskId}: its case is gone`);
  const policy = deps.policies.get(kase.policyId);
  const now = deps.clock.now();
  const contact = task.queue === 'agent-calls' || task.queue === 'field-visits';
  if (contact && !insideWindow(now, profile.timeZone, policy.rules.contactWindow)) {
    const { start, end } = policy.rules.contactWindow;
    throw new TaskConflictError(
      `outside the borrower's contact hours (${start}-${end} ${profile.timeZone}): a contact cannot be recorded now`,
    );
  }
  if (outcome.outcome === 'PROMISE_TO_PAY') {
    const problem = promiseProblem(outcome.promise, kase, policy, now, profile.timeZone);
    if (problem) throw new ValidationError(`promise: ${problem}`);
  }
  if (outcome.outcome === 'PLAN_AGREED') {
    const problem = planProblem(outcome.plan, kase, policy, now, profile.timeZone);
    if (problem) throw new ValidationError(`plan: ${problem}`);
  }
}
