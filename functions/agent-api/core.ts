import * as z from 'zod';
import { TASK_QUEUES } from '../adapters/task-store.js';
import { ConcurrentUpdateError, ValidationError } from '../domain/errors.js';
import { once } from '../domain/once.js';
import { jsonBody } from '../domain/request-body.js';
import { ForbiddenError, TaskConflictError, TaskNotFoundError } from './errors.js';
import { claimTask, completeTask, type Desk, type WorkQueueDeps } from './work-queue.js';

/**
 * The work-queue API for agents and agencies (API Gateway with IAM authorisation on AWS, and the same
 * routes under `ladder serve` locally):
 *   GET  /tasks?queue=agent-calls[&limit=50&after=…]   open tasks of a queue, a page at a time (no tokens)
 *   POST /tasks/{taskId}/claim                        the caller takes the task (held for them alone)
 *   POST /tasks/{taskId}/complete                     what the caller learned: the execution goes on
 *   GET|POST /specialist/tasks…                       the same for the specialist queue, granted apart
 * The caller is the authenticated identity (the IAM principal on AWS).
 */
export type AgentApiDeps = WorkQueueDeps;

export interface ApiRequest {
  method: string;
  path: string;
  query: Record<string, string | undefined>;
  body: string | null;
  /** Who is calling: the IAM principal's ARN on AWS, the x-ladder-agent header locally. */
  caller?: string;
}
export interface ApiResponse {
  status: number;
  body: unknown;
}

export { TASK_QUEUES };

const AgentQueue = once(() =>
  z.enum(
    TASK_QUEUES.filter((q) => q !== 'specialist') as [
      'agent-calls',
      'field-visits',
      'plan-signing',
      'conversations',
    ],
  ),
);

const STATUS: Array<[new (...args: never[]) => Error, number]> = [
  [ValidationError, 400],
  [ForbiddenError, 403],
  [TaskNotFoundError, 404],
  [TaskConflictError, 409],
  [ConcurrentUpdateError, 409],
];

/** The HTTP status of a refusal the work queue names (400, 403, 404, 409); undefined for anything else. */
export const errorStatus = (error: unknown): number | undefined =>
  STATUS.find(([type]) => error instanceof type)?.[1];

export function createAgentApiCore(deps: AgentApiDeps) {
  async function route(req: ApiRequest, caller: string): Promise<ApiResponse> {
    const desk: Desk = req.path.startsWith('/specialist/') ? 'specialists' : 'agents';
    const path = desk === 'specialists' ? req.path.slice('/specialist'.length) : req.path;
    if (req.method === 'GET' && path === '/tasks') {
      const queue = desk === 'specialists' ? 'specialist' : listQueue(req.query.queue);
      const limit = req.query.limit === undefined ? undefined : Number(req.query.limit);
      if (limit !== undefined && !Number.isInteger(limit))
        throw new ValidationError('limit: an integer from 1 to 100');
      return { status: 200, body: await deps.tasks.listOpen(queue, { limit, after: req.query.after }) };
    }
    const action = /^\/tasks\/([^/]+)\/(claim|complete)$/.exec(path);
    if (req.method === 'POST' && action?.[1]) {
      const taskId = decodeURIComponent(action[1]);
      const body =
        action[2] === 'claim'
          ? await claimTask(deps, taskId, caller, desk)
          : await completeTask(deps, taskId, caller, jsonBody(req.body), desk);
      return { status: 200, body };
    }
    return { status: 404, body: { error: 'no such route' } };
  }

  return async function agentApi(req: ApiRequest): Promise<ApiResponse> {
    try {
      if (!req.caller) throw new ForbiddenError('no caller identity');
      return await route(req, req.caller);
    } catch (error) {
      const status = errorStatus(error);
      if (status) return { status, body: { error: (error as Error).message } };
      throw error;
    }
  };
}

function listQueue(queue: string | undefined) {
  if (queue === 'specialist') throw new ForbiddenError('the specialist queue is under /specialist/tasks');
  const parsed = AgentQueue().safeParse(queue ?? 'agent-calls');
  if (!parsed.success) throw new ValidationError(`queue: one of ${AgentQueue().options.join(', ')}`);
  return parsed.data;
}
