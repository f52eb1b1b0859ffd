import base from './vitest.config.js';

/**
 * The tests `npm run mutation` runs against each mutant: the unit tests of the domain and the function
 * cores (the local simulations would take minutes per mutant), and the check that the published JSON
 * Schemas are generated from the event schemas (it is what notices a changed field description).
 * Stryker's vitest runner runs them in worker threads, which refuse the V8 flags the main config
 * passes to its forked workers.
 */
export default {
  ...base,
  test: {
    ...base.test,
    include: ['test/domain/**/*.test.ts', 'test/functions/**/*.test.ts', 'test/schemas.test.ts'],
    execArgv: [],
  },
};
