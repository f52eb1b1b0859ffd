import { AsyncLocalStorage } from 'node:async_hooks';
import type { Clock } from '../functions/domain/clock.js';

/**
 * One virtual time for every execution of a local run.
 *
 * The interpreter's Wait states, retry intervals and task timeouts are timers on this clock (the
 * interpreter module is loaded with this clock's setTimeout and Date: see interpreter.ts); handlers
 * read it through the Clock interface. Nothing else is faked: the AWS SDK's own timers and sockets
 * keep real time.
 *
 * Simulated mode: time jumps to the next timer as soon as the run is quiescent (no handler, event or
 * state transition in flight), so a 90-day ladder plays out in seconds. Timers carry the "lane" they
 * were set in (the borrower): at one instant, at most one timer per lane fires per round, and each
 * round runs to quiescence before the next. Loans of one borrower therefore act one after another
 * in true time order (a cap across two loans sees both), while different borrowers, who share no
 * state, run concurrently. The order inside a lane is the order timers were set, so a run is
 * deterministic for the same input.
 *
 * Paced mode (`ladder serve`): virtual time runs with real time, times a speed factor, while nothing
 * is in flight; while a handler runs it runs at real speed, so a handler's latency is not multiplied
 * into minutes of virtual time (and a Task's TimeoutSeconds keeps its meaning).
 */
interface Timer {
  id: number;
  at: number;
  lane: string;
  fn: () => void;
}

const before = (a: Timer, b: Timer): boolean => a.at < b.at || (a.at === b.at && a.id < b.id);

/**
 * A binary min-heap of timers by (time, creation order). A local run of 10,000 loans holds tens of
 * thousands of timers across thousands of instants: sorting all of them every round made a run
 * quadratic in its size; with a heap a round costs only the timers it fires.
 */
class TimerHeap {
  private readonly items: Timer[] = [];

  get size(): number {
    return this.items.length;
  }

  peek(): Timer | undefined {
    return this.items[0];
  }

  push(t: Timer): void {
    const a = this.items;
    a.push(t);
    let i = a.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(t, a[parent] as Timer)) break;
      a[i] = a[parent] as Timer;
      i = parent;
    }
    a[i] = t;
  }

  pop(): Timer | undefined {
    const a = this.items;
    const top = a[0];
    const last = a.pop();
    if (top === undefined || last === undefined || a.length === 0) return top;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= a.length) break;
      const r = l + 1;
      const c = r < a.length && before(a[r] as Timer, a[l] as Timer) ? r : l;
      if (!before(a[c] as Timer, last)) break;
      a[i] = a[c] as Timer;
      i = c;
    }
    a[i] = last;
    return top;
  }
}

const lanes = new AsyncLocalStorage<string>();

/** Runs `fn` (and everything it starts) in a lane: timers it sets fire in that lane's order. */
export const inLane = <T>(lane: string, fn: () => T): T => lanes.run(lane, fn);

export class VirtualClock implements Clock {
  private current: number;
  /** Live timers by id; the heap may still hold cleared ones, skipped when they surface. */
  private readonly live = new Map<number, Timer>();
  private readonly heap = new TimerHeap();
  private nextId = 1;
  private busy = 0;
  private readonly idleWaiters: Array<() => void> = [];
  private paced?: {
    speed: number;
    rate: number;
    realStart: number;
    virtualStart: number;
    handle?: NodeJS.Timeout;
  };

  constructor(start: number) {
    this.current = start;
  }

  now(): number {
    if (this.paced) return this.paced.virtualStart + (Date.now() - this.paced.realStart) * this.paced.rate;
    return this.current;
  }

  setTimeout(fn: () => void, ms = 0): number {
    const id = this.nextId++;
    const timer: Timer = { id, at: this.now() + Math.max(0, ms), lane: lanes.getStore() ?? '', fn };
    this.live.set(id, timer);
    this.heap.push(timer);
    if (this.paced) this.schedulePaced();
    return id;
  }

  clearTimeout(id: number | undefined): void {
    if (id !== undefined) this.live.delete(id);
  }

  /** A Date class whose "now" is this clock, for the interpreter's module scope. */
  dateClass(): DateConstructor {
    const clock = this;
    class VirtualDate extends Date {
      constructor(...args: unknown[]) {
        if (args.length === 0) super(clock.now());
        else super(...(args as [string]));
      }
      static override now(): number {
        return clock.now();
      }
    }
    return VirtualDate as unknown as DateConstructor;
  }

  /** Marks work in flight: the clock does not jump while any is. */
  async track<T>(work: () => Promise<T>): Promise<T> {
    this.busy += 1;
    if (this.busy === 1) this.repace();
    try {
      return await work();
    } finally {
      this.busy -= 1;
      if (this.busy === 0) {
        this.repace();
        this.notifyIdle();
      }
    }
  }

  /** Paced mode: real speed while work is in flight, `speed` times faster while idle. */
  private repace(): void {
    const paced = this.paced;
    if (!paced) return;
    const now = this.now();
    paced.virtualStart = now;
    paced.realStart = Date.now();
    paced.rate = this.busy > 0 ? 1 : paced.speed;
    this.schedulePaced();
  }

  get pendingTimers(): number {
    return this.live.size;
  }

  /** Resolves when nothing is in flight, after pending microtasks and I/O callbacks have run. */
  async quiescent(): Promise<void> {
    for (;;) {
      if (this.busy > 0) await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
      await new Promise<void>((resolve) => setImmediate(resolve));
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (this.busy === 0) return;
    }
  }

  private notifyIdle(): void {
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }

  /**
   * Simulated mode: advance through timers until none is left or the next one is after `until`.
   * `onAdvance` sees each new instant (for progress bars).
   */
  async runUntilIdle(options: { until?: number; onAdvance?: (now: number) => void } = {}): Promise<void> {
    for (;;) {
      await this.quiescent();
      const due = this.earliest();
      if (!due || (options.until !== undefined && due.at > options.until)) return;
      if (due.at > this.current) {
        this.current = due.at;
        options.onAdvance?.(this.current);
      }
      // One timer per lane at this instant, in (time, creation) order; the rest wait for the next round.
      const round: Timer[] = [];
      const later: Timer[] = [];
      const fired = new Set<string>();
      for (let t = this.earliest(); t && t.at <= this.current; t = this.earliest()) {
        this.heap.pop();
        if (fired.has(t.lane)) later.push(t);
        else {
          fired.add(t.lane);
          round.push(t);
        }
      }
      for (const t of later) this.heap.push(t);
      for (const t of round) {
        this.live.delete(t.id);
        this.busy += 1;
        try {
          lanes.run(t.lane, t.fn);
        } finally {
          // Held until the callback's synchronous and microtask work has started its own tracking.
          setImmediate(() => {
            this.busy -= 1;
            if (this.busy === 0) this.notifyIdle();
          });
        }
      }
    }
  }

  /** Paced mode: virtual time follows real time times `speed`; timers fire on real timers. */
  startPaced(speed: number): void {
    this.paced = { speed, rate: speed, realStart: Date.now(), virtualStart: this.current };
    this.repace();
  }

  stopPaced(): void {
    if (this.paced?.handle) clearTimeout(this.paced.handle);
    if (this.paced) this.current = this.now();
    this.paced = undefined;
  }

  private schedulePaced(): void {
    const paced = this.paced;
    if (!paced) return;
    if (paced.handle) clearTimeout(paced.handle);
    const due = this.earliest();
    if (!due) return;
    const delay = Math.max(0, Math.min((due.at - this.now()) / paced.rate, 2 ** 31 - 1));
    paced.handle = setTimeout(() => {
      const now = this.now();
      const due: Timer[] = [];
      for (let t = this.earliest(); t && t.at <= now; t = this.earliest()) due.push(this.heap.pop() as Timer);
      for (const t of due) {
        this.live.delete(t.id);
        lanes.run(t.lane, t.fn);
      }
      this.schedulePaced();
    }, delay);
  }

  /** The next live timer (cleared ones are dropped from the heap as they surface). */
  private earliest(): Timer | undefined {
    for (let t = this.heap.peek(); t; t = this.heap.peek()) {
      if (this.live.has(t.id)) return t;
      this.heap.pop();
    }
    return undefined;
  }
}
