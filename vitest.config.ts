import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 180_000,
    pool: 'forks',
    // The simulations allocate quickly: a 64 MB young generation, as `npm start` runs with (README).
    execArgv: ['--max-semi-space-size=64'],
    setupFiles: ['test/setup.ts'],
    env: {
      POWERTOOLS_LOG_LEVEL: 'SILENT',

      POWERTOOLS_TRACE_ENABLED: 'false',
      POWERTOOLS_DEV: 'true',
    },
  },
});
