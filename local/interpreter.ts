import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { runInThisContext } from 'node:vm';
import type * as Asl from 'aws-local-stepfunctions';
import type { VirtualClock } from './clock.js';

/**
 * Loads aws-local-stepfunctions with its timers and Date bound to a virtual clock.
 *
 * The interpreter's Wait states compute `target - Date.now()` and sleep on `setTimeout`; its retry
 * intervals and task timeouts use `setTimeout` too. Instead of faking the process's global timers
 * (which would also freeze the AWS SDK's own retry timers and sockets), the interpreter's CommonJS
 * module is evaluated with `setTimeout`, `clearTimeout` and `Date` as module-scope bindings of the
 * virtual clock. The state machine definition is untouched.
 *
 * Node 20 lacks Promise.withResolvers, which the interpreter uses for every Task (TOOLCHAIN.md).
 * Math is bound too, with a seeded random (seededMath), and one more binding is swapped for speed: see
 * withDirectJsonPath.
 */
if (typeof (Promise as { withResolvers?: unknown }).withResolvers !== 'function') {
  Object.assign(Promise, {
    withResolvers<T>() {
      let resolve!: (value: T | PromiseLike<T>) => void;
      let reject!: (reason?: unknown) => void;
      const promise = new Promise<T>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      return { promise, resolve, reject };
    },
  });
}

const require = createRequire(import.meta.url);

export type Interpreter = typeof Asl;

type JsonPathModule = { JSONPath: new (opts: object) => { evaluate(args: object): unknown } };

/**
 * jsonpath-plus, as the interpreter calls it: `JSONPath({ path, json, wrap: false })`, a function
 * call. jsonpath-plus answers a function call by constructing itself and, to return a scalar from
 * the constructor, throwing an Error that carries the value: a stack trace captured on every path
 * lookup, which was a fifth of the CPU of a run with no-op handlers. This constructs it without
 * autostart and evaluates the same options directly: the same values, nothing thrown.
 */
function withDirectJsonPath(mod: JsonPathModule): JsonPathModule {
  const { JSONPath } = mod;
  const direct = (opts: { path: unknown; json: unknown }) =>
    new JSONPath({ ...opts, autostart: false }).evaluate({ path: opts.path, json: opts.json });
  return { ...mod, JSONPath: direct as unknown as JsonPathModule['JSONPath'] };
}

export function loadInterpreter(clock: VirtualClock): Interpreter {
  const file = require.resolve('aws-local-stepfunctions');
  const source = readFileSync(file, 'utf8');
  const wrapper = runInThisContext(
    `(function (exports, require, module, __filename, __dirname, setTimeout, clearTimeout, Date, Math) {${source}\n})`,
    { filename: file },
  ) as (...args: unknown[]) => void;
  const mod = { exports: {} as Interpreter };
  const moduleRequire = createRequire(file);
  const interpreterRequire = Object.assign(
    (id: string) =>
      id === 'jsonpath-plus' ? withDirectJsonPath(moduleRequire(id) as JsonPathModule) : moduleRequire(id),
    moduleRequire,
  );
  wrapper(
    mod.exports,
    interpreterRequire,
    mod,
    file,
    dirname(file),
    (fn: () => void, ms?: number) => clock.setTimeout(fn, ms),
    (id: number) => clock.clearTimeout(id),
    clock.dateClass(),
    seededMath(clock.now()),
  );
  return mod.exports;
}

/**
 * Math with a seeded `random` for the interpreter: a Retry's FULL jitter draws from it, so the same run
 * retries after the same delays, and a run stays deterministic when retries happen (two borrowers who
 * share a phone line writing its call log at once). mulberry32, seeded from the run's start.
 */
function seededMath(seed: number): Math {
  let state = seed >>> 0;
  const random = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return Object.assign(Object.create(Math) as Math, { random });
}
