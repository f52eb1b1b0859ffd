import { defineConfig } from 'vitest/config';

// vitest 5 reports failures with Map.groupBy, which Node 20 lacks (Lambda's Node 22 has it): without
// this polyfill a failing test crashes the reporter and hides the failure.
if (typeof (Map as { groupBy?: unknown }).groupBy !== 'function') {
  Object.assign(Map, {
    groupBy<K, V>(items: Iterable<V>, key: (item: V, index: number) => K): Map<K, V[]> {
      const map = new Map<K, V[]>();
      let i = 0;
      for (const item of items) {
        const k = key(item, i++);
        map.set(k, [...(map.get(k) ?? []), item]);
      }
      return map;
    },
  });
}

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
