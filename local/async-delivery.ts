import type { LocalLadder } from './runtime.js';

/** Lambda retries a failed asynchronous (EventBridge) invocation twice: after about 1, then 2 minutes. */
const ASYNC_RETRIES_MS = [60_000, 120_000];

export type Deliver = (type: string, detail: Record<string, unknown>) => Promise<void>;

/**
 * Delivers an event as EventBridge and Lambda's asynchronous invocation do: a failed delivery is
 * retried on the virtual clock, then dead-lettered. Resolves after the first try.
 */
export function asyncDelivery(ladder: () => LocalLadder) {
  let deadLetters = 0;
  const deliver = (type: string, detail: Record<string, unknown>, retry = 0): Promise<void> => {
    const l = ladder();
    return l.clock.track(async () => {
      try {
        await l.send(type, detail);
      } catch {
        const wait = ASYNC_RETRIES_MS[retry];
        if (wait === undefined) deadLetters += 1;
        else l.clock.setTimeout(() => void deliver(type, detail, retry + 1), wait);
      }
    });
  };
  /** Any asynchronous invocation (an SNS-delivered reply), retried the same way. */
  const invoke = (attempt: (l: LocalLadder) => Promise<unknown>, retry = 0): Promise<void> => {
    const l = ladder();
    return l.clock.track(async () => {
      try {
        await attempt(l);
      } catch {
        const wait = ASYNC_RETRIES_MS[retry];
        if (wait === undefined) deadLetters += 1;
        else l.clock.setTimeout(() => void invoke(attempt, retry + 1), wait);
      }
    });
  };
  return { deliver, invoke, deadLetters: () => deadLetters };
}
