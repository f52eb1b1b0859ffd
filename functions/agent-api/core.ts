import * as z from 'zod';
import type { TaskStore } from '../adapters/task-store.js';
import type { TaskCallbacks } from '../adapters/workflow.js';
import { ConcurrentUpdateError, ValidationError } from '../domain/errors.js';
import { claimTask, completeTask } from '../human-task/core.js';

/**
 * The work-queue API for agents and agencies (API Gateway with IAM authorisation on AWS, and the same
 * routes under `ladder serve` locally):
 *   GET  /tasks?queue=agent-calls        open tasks of a queue (never their callback tokens)
 *   POST /tasks/{taskId}/claim           an agent takes a task (a heartbeat to the waiting execution)
 *   POST /tasks/{taskId}/complete        what the agent learned: the execution goes on with it
 */
export interface AgentApiDeps {
  tasks: TaskStore;
  callbacks: TaskCallbacks;
}

export interface ApiRequest {
  method: string;
  path: string;
  query: Record<string, string | undefined>;
  body: string | null;
}
export interface ApiResponse {
  status: number;
  body: unknown;
}

export const TASK_QUEUES = ['agent-calls', 'field-visits', 'plan-signing', 'specialist'] as const;
const Queue = z.enum(TASK_QUEUES);

function json(body: string | null): unknown {
  try {
    return JSON.parse(body || '{}');
  } catch {
    throw new ValidationError('body is not JSON');
  }
}

export function createAgentApiCore(deps: AgentApiDeps) {
  return async function agentApi(req: ApiRequest): Promise<ApiResponse> {
    try {
      if (req.method === 'GET' && req.path === '/tasks') {
        const queue = Queue.safeParse(req.query.queue ?? 'agent-calls');
        if (!queue.success) throw new ValidationError(`queue: one of ${TASK_QUEUES.join(', ')}`);
        return { status: 200, body: await deps.tasks.listOpen(queue.data) };
      }
      const action = /^\/tasks\/([^/]+)\/(claim|complete)$/.exec(req.path);
      if (req.method === 'POST' && action?.[1]) {
        const taskId = decodeURIComponent(action[1]);
        const result =
          action[2] === 'claim'
            ? await claimTask(deps, taskId)
            : await completeTask(deps, taskId, json(req.body));
        return { status: 200, body: result };
      }
      return { status: 404, body: { error: 'no such route' } };
    } catch (error) {
      if (error instanceof ValidationError) return { status: 400, body: { error: error.message } };
      if (error instanceof ConcurrentUpdateError)
        return { status: 409, body: { error: 'the task was completed by someone else' } };
      throw error;
    }
  };
}
