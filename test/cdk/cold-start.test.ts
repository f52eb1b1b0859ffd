import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { loadOnce } from '../../bench/cold-start.js';
import { esbuildOptions, LAMBDA_ENTRIES } from '../../lib/bundling.js';

/**
 * What a cold start loads (no timings here: those are `npm run bench:cold`'s). The stage function
 * creates its S3, EventBridge and Step Functions clients on first use, so loading its bundle loads
 * none of those SDK packages; the clients it uses on every run are loaded (KMS too: every message's
 * link is signed).
 */
const ROOT = resolve(import.meta.dirname, '../..');

async function built(name: keyof typeof LAMBDA_ENTRIES): Promise<string> {
  const file = join(ROOT, 'artifacts/test-bundles', name, 'index.js');
  mkdirSync(join(file, '..'), { recursive: true });
  writeFileSync(join(file, '..', 'package.json'), '{ "type": "commonjs" }\n');
  await build(esbuildOptions(join(ROOT, LAMBDA_ENTRIES[name]), file));
  return file;
}

describe('cold start', () => {
  it("the stage bundle loads the SDK packages of every run, and not S3's, EventBridge's or Step Functions'", async () => {
    const { sdk } = loadOnce(await built('Stage'));
    expect(sdk).toEqual(
      expect.arrayContaining([
        '@aws-sdk/client-dynamodb',
        '@aws-sdk/lib-dynamodb',
        '@aws-sdk/client-lambda',
        '@aws-sdk/client-sns',
        '@aws-sdk/client-sesv2',
        '@aws-sdk/client-kms',
      ]),
    );
    for (const rare of ['@aws-sdk/client-s3', '@aws-sdk/client-eventbridge', '@aws-sdk/client-sfn'])
      expect(sdk).not.toContain(rare);
  });

  it('a function that uses Step Functions on every call still loads it at init', async () => {
    const { sdk } = loadOnce(await built('HumanTask'));
    expect(sdk).toContain('@aws-sdk/client-sfn');
  });

  // The bench loads every bundle with ENV (bench/cold-start.ts); a handler that reads a new variable
  // at load (the borrower API's EVIDENCE_KEY for dispute documents) must be given it there, or
  // `npm run bench` stops at that bundle, as it once did.
  it('every bundle loads with the environment the benchmark gives it', async () => {
    for (const name of Object.keys(LAMBDA_ENTRIES) as (keyof typeof LAMBDA_ENTRIES)[]) {
      const file = await built(name);
      expect(() => loadOnce(file), name).not.toThrow();
    }
  }, 120_000);
});
