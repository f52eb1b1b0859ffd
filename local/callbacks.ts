import type { TaskCallbacks } from '../functions/adapters/workflow.js';
import type { VirtualClock } from './clock.js';

/**
 * The `.waitForTaskToken` bridge the interpreter lacks: a registry of open task tokens, answered
 * through TaskCallbacks (SendTaskSuccess, SendTaskHeartbeat), with HeartbeatSeconds enforced on the
 * virtual clock.
 */
interface PendingTask {
  resolve: (output: unknown) => void;
  reject: (error: Error) => void;
  /** (Re)arms the HeartbeatSeconds timer: at the start, and on each heartbeat. */
  arm: () => void;
  timer?: number;
}

export type TaskTokens = ReturnType<typeof createTaskTokens>;

export function createTaskTokens(clock: VirtualClock) {
  const pending = new Map<string, PendingTask>();

  const callbacks: TaskCallbacks = {
    async succeed(token, output) {
      const task = pending.get(token);
      if (!task) return { delivered: false };
      pending.delete(token);
      clock.clearTimeout(task.timer);
      task.resolve(output);
      return { delivered: true };
    },
    async heartbeat(token) {
      const task = pending.get(token);
      if (!task) return { delivered: false };
      task.arm();
      return { delivered: true };
    },
  };

  /**
   * Opens a token: resolves with the output its task succeeds with, or fails with
   * States.HeartbeatTimeout when `heartbeatSeconds` pass without a heartbeat.
   */
  function open(token: string, heartbeatSeconds: number | undefined): Promise<unknown> {
    return new Promise<unknown>((resolve, reject) => {
      const task: PendingTask = {
        resolve,
        reject,
        arm: () => {
          if (!heartbeatSeconds) return;
          clock.clearTimeout(task.timer);
          task.timer = clock.setTimeout(() => {
            pending.delete(token);
            reject(Object.assign(new Error('no heartbeat'), { name: 'States.HeartbeatTimeout' }));
          }, heartbeatSeconds * 1000);
        },
      };
      task.arm();
      pending.set(token, task);
    });
  }

  /** Closes a token that will not be answered: its attempt failed. */
  function drop(token: string): void {
    const task = pending.get(token);
    pending.delete(token);
    clock.clearTimeout(task?.timer);
  }

  return { callbacks, open, drop };
}
