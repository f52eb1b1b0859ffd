import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { openReportOffline } from './report-page.js';

/**
 * `npm run screenshots:report`: regenerates docs/img/report.png, the README's picture of the
 * manager's report. It runs samples/champion-challenger.json (40 loans, two arms) with
 * `ladder simulate --report`, then screenshots the written page, offline, in headless Chromium.
 */
const ROOT = resolve(import.meta.dirname, '..');
// Not out/: `npm start` replaces that directory and refuses one it did not write.
const OUT = join(ROOT, 'artifacts/screenshots');
const report = join(OUT, 'champion-challenger.html');
mkdirSync(OUT, { recursive: true });
const run = spawnSync(
  process.execPath,
  [
    join(ROOT, 'cli/ladder.mjs'),
    'simulate',
    '--scenario',
    join(ROOT, 'samples/champion-challenger.json'),
    '--out',
    join(OUT, 'champion-challenger.json'),
    '--report',
    report,
  ],
  { cwd: ROOT, stdio: 'inherit' },
);
if (run.status !== 0) throw new Error(`ladder simulate exited with ${run.status}`);
const opened = await openReportOffline(report);
try {
  const png = join(ROOT, 'docs/img/report.png');
  mkdirSync(join(png, '..'), { recursive: true });
  await opened.page.screenshot({ path: png, fullPage: true });
  if (opened.attempted.length > 0) throw new Error(`the report requested ${opened.attempted.join(', ')}`);
  console.log(`wrote ${png}`);
} finally {
  await opened.close();
}
