import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { expect, it } from 'vitest';
import type { LocalLadder } from '../../local/runtime.js';
import { samplePortfolio } from '../../local/sample.js';
import { simulate } from '../../local/simulate.js';

/**
 * A simulation's result outlives its local stack (a portfolio worker holds one batch's result while
 * the next batch runs): it must not keep the closed stack, and with it every table of the batch, alive.
 * The garbage collector is reached at run time (V8's expose-gc flag, then `gc` of a new context).
 */
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

it('a result does not keep its closed local stack alive', async () => {
  let stack: WeakRef<LocalLadder> | undefined;
  const result = await simulate(
    { seed: 3, loans: samplePortfolio(4, 3) },
    {
      fast: true,
      onFinish: (ladder) => {
        stack = new WeakRef(ladder);
      },
    },
  );
  // Let the closed stack's last callbacks run, then collect.
  await new Promise((settle) => setTimeout(settle, 10));
  gc();
  expect(stack).toBeDefined();
  expect(stack?.deref()).toBeUndefined();
  // The result itself is still held (and used) here.
  expect(result.loans).toHaveLength(4);
  expect(typeof result.saveSealKey).toBe('function');
});
