/**
 * How each Lambda entry is bundled: the one place both the CDK construct (NodejsFunction's `bundling`)
 * and the benchmark (esbuild's API, bench/bench.ts) read, so the bundle the benchmark weighs and
 * loads is the bundle that deploys. Plain data: no CDK import, so the benchmark loads none.
 *
 * - ESM for Node 22, minified, with a source map (NODE_OPTIONS=--enable-source-maps on the function).
 * - `@aws-sdk/*` external: the Lambda Node.js 22 runtime ships AWS SDK v3 (every client and
 *   lib-dynamodb). Bundled, the clients and their Smithy core were 365 to 445 KB of each function's
 *   bundle (esbuild's metafile), more than everything else together. The cost: the SDK version is
 *   the runtime's, which AWS updates with the runtime; the code uses long-stable APIs only.
 * - The banner gives the ESM bundle a `require` for the CommonJS dependencies inside it.
 */
export const LAMBDA_ENTRIES = {
  Intake: 'functions/intake/index.ts',
  Stage: 'functions/stage/index.ts',
  HumanTask: 'functions/human-task/index.ts',
  Events: 'functions/events/index.ts',
} as const;

export const LAMBDA_BUNDLING = {
  target: 'node22',
  minify: true,
  sourceMap: true,
  mainFields: ['module', 'main'],
  banner: "import { createRequire } from 'module';const require = createRequire(import.meta.url);",
  externalModules: ['@aws-sdk/*'],
} as const;

/** The same options in esbuild's API form (NodejsFunction adds bundle, platform and format itself). */
export function esbuildOptions(entry: string, outfile: string) {
  return {
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node' as const,
    format: 'esm' as const,
    target: LAMBDA_BUNDLING.target,
    minify: LAMBDA_BUNDLING.minify,
    sourcemap: LAMBDA_BUNDLING.sourceMap,
    mainFields: [...LAMBDA_BUNDLING.mainFields],
    banner: { js: LAMBDA_BUNDLING.banner },
    external: [...LAMBDA_BUNDLING.externalModules],
  };
}
