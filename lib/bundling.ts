/**
 * How each Lambda entry is bundled: the one place both the CDK construct (NodejsFunction's `bundling`)
 * and the benchmark (esbuild's API, bench/bench.ts) read, so the bundle the benchmark weighs and
 * loads is the bundle that deploys. Plain data: no CDK import, so the benchmark loads none.
 *
 * - Node 24 (the Lambda runtime nodejs24.x, and the Node every npm script runs on), minified, with a
 *   source map beside the bundle that Node does not read at load (LAMBDA_NODE_OPTIONS below).
 * - `@aws-sdk/*` external: the Lambda Node.js 24 runtime ships AWS SDK v3 (every client and
 *   lib-dynamodb). Bundled, the clients and their Smithy core were 365 to 445 KB of each function's
 *   bundle (esbuild's metafile), more than everything else together. The cost: the SDK version is
 *   the runtime's, which AWS updates with the runtime; the code uses long-stable APIs only.
 * - CommonJS, not ESM: the SDK packages are CommonJS, and an ES module importing them makes Node
 *   scan each one for its exports. Measured here (medians of 5 cold loads), the same code loaded in
 *   369 to 486 ms as ESM and 281 to 327 ms as CommonJS; the stage function's SDK packages alone took
 *   164 to 193 ms to require (`npm run bench` reports it per bundle as sdkLoadMs).
 */
export const LAMBDA_ENTRIES = {
  Intake: 'functions/intake/index.ts',
  Stage: 'functions/stage/index.ts',
  HumanTask: 'functions/human-task/index.ts',
  Events: 'functions/events/index.ts',
  AgentApi: 'functions/agent-api/index.ts',
  DeskApi: 'functions/desk-api/index.ts',
  Erasure: 'functions/erasure/index.ts',
  InboundSms: 'functions/inbound-sms/index.ts',
  Audit: 'functions/audit/index.ts',
  LedgerWriter: 'functions/ledger-writer/index.ts',
  Delivery: 'functions/delivery/index.ts',
  BorrowerApi: 'functions/borrower-api/index.ts',
} as const;

export const LAMBDA_BUNDLING = {
  format: 'cjs',
  target: 'node24',
  minify: true,
  sourceMap: true,
  // The map names files and lines, which is what a stack trace needs; without the sources' text it
  // is about a quarter of the size.
  sourcesContent: false,
  // The ESM builds of dependencies, where they have one, tree-shake better; the output is CommonJS.
  mainFields: ['module', 'main'],
  externalModules: ['@aws-sdk/*'],
} as const;

/**
 * The functions' NODE_OPTIONS, which the benchmark loads its bundles with too: none.
 * `--enable-source-maps` maps stack traces to the TypeScript, but Node then records the length of
 * every line of each source-mapped file it loads, character by character, at load: measured here
 * about 55 ns a character (a 60 KB file loaded in 4.4 ms of CPU with its map comment, 1.1 ms without),
 * 17 ms of CPU for a 318 KB bundle, about 0.12 of the bare SDK-import function's load, for every
 * cold start (docs/benchmarks.md, cold start). A trace in the logs is rarely needed: the handlers log
 * an error's name and message (functions/adapters/handler.ts), which is what Step Functions matches.
 * The map still ships in each function's asset: to read a trace mapped, set
 * NODE_OPTIONS=--enable-source-maps on the function while debugging.
 */
export const LAMBDA_NODE_OPTIONS: readonly string[] = [];

/** The same options in esbuild's API form (NodejsFunction adds bundle and platform itself). */
export function esbuildOptions(entry: string, outfile: string) {
  return {
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node' as const,
    format: LAMBDA_BUNDLING.format,
    target: LAMBDA_BUNDLING.target,
    minify: LAMBDA_BUNDLING.minify,
    sourcemap: LAMBDA_BUNDLING.sourceMap,
    sourcesContent: LAMBDA_BUNDLING.sourcesContent,
    mainFields: [...LAMBDA_BUNDLING.mainFields],
    external: [...LAMBDA_BUNDLING.externalModules],
  };
}
