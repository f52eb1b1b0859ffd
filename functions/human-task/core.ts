import * as z from 'zod';
import type { CaseStore } from '../adapters/case-store.js';
import type { HumanTask, TaskStore } from '../adapters/task-store.js';
import type { TaskCallbacks } from '../adapters/workflow.js';
import { caseKey, disputeOpen } from '../domain/case.js';
import { type Clock, isoUtc } from '../domain/clock.js';
import { decideContacts, gate, noticeGate } from '../domain/decide.js';
import { CaseNotFoundError, ValidationError } from '../domain/errors.js';
import type { PolicyRegistry } from '../domain/policies.js';
import { stageById } from '../domain/policy.js';

/**
 * Callback tasks (`.waitForTaskToken`): opening a human task in the work queue, and the dispute hold.
 * The execution waits until someone calls back with the token. When there is nothing to wait for
 * (the case was cured, a rule blocks the call, the dispute was already resolved) this function calls
 * back at once, so an execution never waits on a task nobody can see.
 */
export interface HumanTaskDeps {
  cases: CaseStore;
  tasks: TaskStore;
  callbacks: TaskCallbacks;
  clock: Clock;
  policies: PolicyRegistry;
}

export const HumanTaskRequestSchema = z.object({
  action: z.enum(['OPEN', 'OPEN_SIGNING', 'HOLD']),
  taskToken: z.string().min(1),
  loanId: z.string().min(1),
  borrowerId: z.string().min(1),
  cycle: z.number().int().min(1),
  policyId: z.string().min(1),
  stage: z.string().optional(),
  /** The ledger head's seq when the task state was entered: one task per entry, however often retried. */
  seq: z.number().int().min(0).optional(),
});

export function createHumanTaskCore(deps: HumanTaskDeps) {
  const { cases, tasks, callbacks, clock, policies } = deps;

  return async function humanTaskCore(
    input: unknown,
  ): Promise<{ taskId?: string; queue?: HumanTask['queue']; opened: boolean }> {
    const parsed = HumanTaskRequestSchema.safeParse(input);
    if (!parsed.success)
      throw new ValidationError(`bad task request: ${parsed.error.issues[0]?.path.join('.')}`);
    const req = parsed.data;
    const policy = policies.get(req.policyId);
    const view = await cases.borrowerView(req.borrowerId);
    const kase = view.cases.find((c) => c.item.loanId === req.loanId && c.item.cycle === req.cycle);
    if (!kase || !view.profile) throw new CaseNotFoundError(`no case ${caseKey(req.loanId, req.cycle)}`);
    const now = clock.now();

    if (req.action === 'HOLD') {
      if (!disputeOpen(kase.item)) {
        await callbacks.succeed(req.taskToken, { outcome: 'RESOLVED' });
        return { opened: false };
      }
      // Conditional on the revision read: a resolution written meanwhile makes this fail and retry.
      await cases.saveCase({ ...kase.item, waitToken: req.taskToken }, kase.rev);
      return { opened: true };
    }

    /** Opens a work item whose completion the execution waits for. */
    const open = async (queue: HumanTask['queue'], stageId: string) => {
      const task: HumanTask = {
        // One task per entry into the task state: a retried opening finds (and keeps) the same task.
        taskId: `${caseKey(req.loanId, req.cycle)}#${stageId}#${req.seq ?? now}`,
        queue,
        loanId: req.loanId,
        cycle: req.cycle,
        borrowerId: req.borrowerId,
        stage: stageId,
        openedAt: isoUtc(now),
        status: 'OPEN',
        token: req.taskToken,
      };
      // A retried opening (the function crashed or timed out after opening) finds its task open: the
      // agent keeps one task, now answering to this attempt's token.
      const { created } = await tasks.open(task);
      if (!created) await tasks.retoken(task.taskId, req.taskToken);
      await cases.saveCase({ ...kase.item, waitToken: req.taskToken }, kase.rev);
      return { taskId: task.taskId, queue: task.queue, opened: true };
    };
    const notOpened = async (decision?: { status: string; reason: string; until?: number }) => {
      await callbacks.succeed(req.taskToken, { outcome: 'NOT_OPENED', ...(decision ? { decision } : {}) });
      return { opened: false };
    };

    if (req.action === 'OPEN_SIGNING') {
      // The plan agreement goes to the borrower to sign (self-service or in branch) before it expires.
      return kase.item.plan?.status === 'PROPOSED' ? open('plan-signing', 'PLAN') : notOpened();
    }

    const stage = stageById(policy, req.stage ?? '');
    if (gate(policy, kase.item, view.profile.item)) return notOpened();
    const [decision] = decideContacts(
      policy.rules,
      stage.channels,
      'ALL',
      view.profile.item,
      req.loanId,
      now,
      policy,
    );
    if (decision && decision.status !== 'SEND') {
      return notOpened({
        status: decision.status,
        reason: decision.reason ?? 'RULE',
        ...(decision.until ? { until: decision.until } : {}),
      });
    }
    if (stage.kind === 'FIELD_VISIT') {
      // Nobody visits without the advance notice, and not before its days have passed.
      const held = noticeGate('FIELD_VISIT', kase.item, policy.fieldVisit.noticeDays, now);
      if (held) return notOpened(held);
      return open('field-visits', stage.id);
    }
    return open('agent-calls', stage.id);
  };
}
/** What an agent or agency records when a task is done. */
export const TaskOutcomeSchema = z.discriminatedUnion('outcome', [
  z.object({
    outcome: z.enum([
      'REACHED',
      'HARDSHIP',
      'DISPUTE',
      'REFUSED',
      'NO_ANSWER',
      'WRONG_NUMBER',
      'SIGNED',
      'DECLINED',
      'REVIEWED',
    ]),
  }),
  z.object({
    outcome: z.literal('PROMISE_TO_PAY'),
    promise: z.object({
      amount: z.string().regex(/^\d+(\.\d{1,3})?$/),
      date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
    }),
  }),
  z.object({
    outcome: z.literal('PLAN_AGREED'),
    plan: z.object({
      instalments: z
        .array(
          z.object({
            amount: z.string().regex(/^\d+(\.\d{1,3})?$/),
            date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
          }),
        )
        .min(1)
        .max(36),
    }),
  }),
  z.object({ outcome: z.literal('VISIT_REPORTED'), report: z.string().max(500) }),
]);
export type TaskOutcome = z.infer<typeof TaskOutcomeSchema>;

/**
 * Completes a human task: the outcome goes back to the waiting execution with the stored token. A
 * visit report stays on the task (free text could hold anything: it never enters the execution).
 */
export async function completeTask(
  deps: Pick<HumanTaskDeps, 'tasks' | 'callbacks'>,
  taskId: string,
  outcome: unknown,
): Promise<{ delivered: boolean }> {
  const parsed = TaskOutcomeSchema.safeParse(outcome);
  if (!parsed.success) {
    throw new ValidationError(`bad task outcome: ${parsed.error.issues[0]?.path.join('.') || 'outcome'}`);
  }
  const task = await openTask(deps, taskId);
  const { report, ...result } = parsed.data as TaskOutcome & { report?: string };
  await deps.tasks.complete(taskId, report);
  if (!task.token) return { delivered: false };
  return deps.callbacks.succeed(task.token, { ...result, taskId });
}

/** An agent takes a task: the heartbeat tells the execution someone is on it (HeartbeatSeconds). */
export async function claimTask(deps: Pick<HumanTaskDeps, 'tasks' | 'callbacks'>, taskId: string) {
  const task = await openTask(deps, taskId);
  return task.token ? deps.callbacks.heartbeat(task.token) : { delivered: false };
}

async function openTask(deps: Pick<HumanTaskDeps, 'tasks'>, taskId: string) {
  const task = await deps.tasks.get(taskId);
  if (!task) throw new ValidationError(`no task ${taskId}`);
  if (task.status !== 'OPEN') throw new ValidationError(`task ${taskId} is already done`);
  return task;
}
