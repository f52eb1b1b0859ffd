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

export function loadInterpreter(clock: VirtualClock): Interpreter {
  const file = require.resolve('aws-local-stepfunctions');
  const source = readFileSync(file, 'utf8');
  const wrapper = runInThisContext(
    `(function (exports, require, module, __filename, __dirname, setTimeout, clearTimeout, Date) {${source}\n})`,
    { filename: file },
  ) as (...args: unknown[]) => void;
  const mod = { exports: {} as Interpreter };
  wrapper(
    mod.exports,
    createRequire(file),
    mod,
    file,
    dirname(file),
    (fn: () => void, ms?: number) => clock.setTimeout(fn, ms),
    (id: number) => clock.clearTimeout(id),
    clock.dateClass(),
  );
  return mod.exports;
}
