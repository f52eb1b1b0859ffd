import base from './vitest.config.js';

/**
 * The tests `npm run mutation` runs against each mutant: the unit tests of the domain and the function
 * cores (the local simulations would take minutes per mutant). Stryker's vitest runner runs them in
 * worker threads, which refuse the V8 flags the main config passes to its forked workers.
 */
export default {
  ...base,
  test: { ...base.test, include: ['test/domain/**/*.test.ts', 'test/functions/**/*.test.ts'], execArgv: [] },
};
