// `npm run mutation`: Stryker mutates the domain and the stage and events cores and runs the unit tests
// against each mutant (vitest.mutation.config.ts). The report goes to reports/mutation/ (HTML and JSON);
// scripts/mutation-score.ts prints the score per folder and fails below the domain's floor.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  plugins: ['@stryker-mutator/vitest-runner'],
  mutate: [
    'functions/domain/**/*.ts',
    'functions/stage/**/*.ts',
    'functions/events/**/*.ts',
    '!functions/**/handler.ts',
    '!functions/**/index.ts',
  ],
  vitest: { configFile: 'vitest.mutation.config.ts', related: true },
  coverageAnalysis: 'perTest',
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/index.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  concurrency: 2,
  timeoutMS: 20_000,
  tempDirName: '.stryker-tmp',
  // Stryker rewrites tsconfig.json's paths with the TypeScript API, which TypeScript 7 (the native
  // compiler) no longer has; this tsconfig has no `extends` or `references` to rewrite, so the step is
  // pointed at a file that does not exist and skipped.
  tsconfigFile: 'tsconfig.stryker-skip.json',
};
