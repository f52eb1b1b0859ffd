import type { ContactDetails } from '../adapters/contact-store.js';
import type { LedgerStore } from '../adapters/ledger-store.js';
import { TASK_QUEUES, type TaskQueue } from '../adapters/task-store.js';
import { errorStatus } from '../agent-api/core.js';
import { ForbiddenError, TaskNotFoundError } from '../agent-api/errors.js';
import { OUTCOMES_BY_QUEUE } from '../agent-api/outcome-names.js';
import { claimTask, completeTask, conversationOf, type WorkQueueDeps } from '../agent-api/work-queue.js';
import { owedAt } from '../domain/balance.js';
import { caseKey, disputeOpen, pendingPromise } from '../domain/case.js';
import { jsonBody } from '../domain/request-body.js';

/**
 * The agent desk's API (web/desk): the work queue for a signed-in person rather than an IAM principal.
 * On AWS a Cognito user pool authorises it and the caller's groups are the queues they may work; locally
 * `ladder serve` signs a session token that names the same two things. Routes, under `/api/desk`:
 *   GET  /me                         who is signed in and their queues
 *   GET  /tasks?queue=agent-calls    the open tasks of one of the caller's queues
 *   GET  /tasks/{taskId}             the task, its case's balance and timeline; for its claimer only,
 *                                    the call script, the borrower's contact details and what they wrote
 *   POST /tasks/{taskId}/claim       the work queue's claim (one claimer, heartbeat), then the task
 *   POST /tasks/{taskId}/complete    the work queue's completion (the same outcome schema and checks)
 * Claim and completion are the work queue's own functions (functions/agent-api/work-queue.ts): the
 * desk adds the queue check and the reveal, nothing else.
 */
/** The path prefix of the desk's routes, on CloudFront's origin and on `ladder serve` alike. */
export const DESK_API_PREFIX = '/api/desk';

export interface DeskDeps extends WorkQueueDeps {
  contacts: { get(borrowerId: string): Promise<ContactDetails | undefined> };
  ledger: Pick<LedgerStore, 'list'>;
}

/** The signed-in agent: an id (the Cognito user's `sub`, or the local session's agent) and queues. */
export interface DeskAgent {
  id: string;
  queues: readonly string[];
}

export interface DeskRequest {
  method: string;
  /** The path below `/api/desk` (`/tasks/T-1/claim`). */
  path: string;
  query: Record<string, string | undefined>;
  body: string | null;
  agent?: DeskAgent;
}

/** The queues of the caller that exist; a group that is not a queue (an admin group) grants nothing. */
export const queuesOf = (agent: DeskAgent): TaskQueue[] =>
  TASK_QUEUES.filter((q) => agent.queues.includes(q));

export function createDeskApiCore(deps: DeskDeps) {
  async function taskFor(agent: DeskAgent, taskId: string) {
    const task = await deps.tasks.get(taskId);
    // Not one of the caller's queues: as if there were no such task (its existence is not shown).
    if (!task || !queuesOf(agent).includes(task.queue)) throw new TaskNotFoundError(`no task ${taskId}`);
    return task;
  }

  /** The task as the desk shows it: what is revealed depends on who holds the claim. */
  async function view(agent: DeskAgent, taskId: string) {
    const task = await taskFor(agent, taskId);
    const mine = task.status === 'OPEN' && task.claimedBy === agent.id;
    const { profile, cases } = await deps.cases.borrowerView(task.borrowerId);
    const kase = cases.find((c) => c.item.loanId === task.loanId && c.item.cycle === task.cycle)?.item;
    const timeZone = profile?.item.timeZone ?? 'UTC';
    const records = kase ? await deps.ledger.list(caseKey(kase.loanId, kase.cycle)) : [];
    const contact = mine ? await deps.contacts.get(task.borrowerId) : undefined;
    return {
      task: {
        taskId: task.taskId,
        queue: task.queue,
        loanId: task.loanId,
        cycle: task.cycle,
        stage: task.stage,
        openedAt: task.openedAt,
        status: task.status,
        claimed: task.claimedBy !== undefined,
        mine,
      },
      outcomes: OUTCOMES_BY_QUEUE[task.queue],
      case: kase && {
        status: kase.status,
        currency: kase.currency,
        dueDate: kase.dueDate,
        timeZone,
        owed: owedAt(kase, deps.policies.get(kase.policyId), deps.clock.now(), timeZone),
        promise: pendingPromise(kase) && {
          amountMinor: pendingPromise(kase)?.amountMinor,
          date: pendingPromise(kase)?.date,
        },
        plan: kase.plan?.status,
        disputeOpen: disputeOpen(kase),
        hardshipUntil: kase.hardship?.until,
        timeline: records.map((r) => ({
          seq: r.seq,
          at: r.at,
          type: r.type,
          stage: r.stage,
          detail: r.detail,
        })),
      },
      // Only for the agent who holds the task, while it is open: the existing reveal rule of the work
      // queue (a conversation item's text goes to its claimer alone), applied to contact details too.
      ...(mine && task.script ? { script: task.script } : {}),
      ...(mine && contact
        ? { contact: { name: contact.name, phone: contact.phone, email: contact.email } }
        : {}),
      ...(mine && task.conversation ? { conversation: await conversationOf(deps, task) } : {}),
    };
  }

  async function route(req: DeskRequest, agent: DeskAgent) {
    if (req.method === 'GET' && req.path === '/me') return { agent: agent.id, queues: queuesOf(agent) };
    if (req.method === 'GET' && req.path === '/tasks') {
      const queue = req.query.queue ?? '';
      if (!queuesOf(agent).includes(queue as TaskQueue))
        throw new ForbiddenError(`queue: not one of yours (${queuesOf(agent).join(', ') || 'none'})`);
      const page = await deps.tasks.listOpen(queue as TaskQueue, { limit: 50, after: req.query.after });
      return {
        tasks: page.tasks.map((t) => ({
          taskId: t.taskId,
          queue: t.queue,
          loanId: t.loanId,
          stage: t.stage,
          openedAt: t.openedAt,
          claimed: t.claimedBy !== undefined,
          mine: t.claimedBy === agent.id,
        })),
        ...(page.next ? { next: page.next } : {}),
      };
    }
    const one = /^\/tasks\/([^/]+)(?:\/(claim|complete))?$/.exec(req.path);
    const taskId = one?.[1] && decodeURIComponent(one[1]);
    if (!taskId) return undefined;
    if (req.method === 'GET' && !one?.[2]) return view(agent, taskId);
    if (req.method !== 'POST' || !one?.[2]) return undefined;
    const task = await taskFor(agent, taskId);
    const desk = task.queue === 'specialist' ? 'specialists' : 'agents';
    if (one[2] === 'claim') await claimTask(deps, taskId, agent.id, desk);
    else await completeTask(deps, taskId, agent.id, jsonBody(req.body), desk);
    return view(agent, taskId);
  }

  return async function deskApi(req: DeskRequest): Promise<{ status: number; body: unknown }> {
    try {
      if (!req.agent) throw new ForbiddenError('not signed in');
      const body = await route(req, req.agent);
      return body === undefined ? { status: 404, body: { error: 'no such route' } } : { status: 200, body };
    } catch (error) {
      const status = errorStatus(error);
      if (status) return { status, body: { error: (error as Error).message } };
      throw error;
    }
  };
}
