import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderCharts } from '../../../local/manager-report/charts.js';
import { reportData } from '../../../local/manager-report/data.js';
import { reportHtml } from '../../../local/manager-report/html.js';
import { type OfflineReport, openReportOffline } from '../../../scripts/report-page.js';
import { arm, OBSERVED_UNTIL, PORTFOLIO } from './portfolio.js';

/**
 * The written report in headless Chromium with the network refused: it must ask for nothing, draw
 * every chart (SVG marks present, not an empty frame), and pass axe-core's serious and critical
 * checks. A screenshot goes to artifacts/ (gitignored) for a person to look at.
 */
const ARTIFACTS = resolve(import.meta.dirname, '../../../artifacts');
const loans = [
  ...PORTFOLIO,
  ...arm('champion', 'default', 40, 22),
  ...arm('challenger', 'early-call', 40, 30),
];
const data = reportData(
  'Ladder run: browser test',
  loans,
  {
    ddbRequestsPerLoan: 100,
    lambdaInvocationsPerLoan: 35,
    loans: loans.length,
    loansByPolicy: { default: 46, 'early-call': 40 },
    rulePack: 'CN',
    seed: 1,
    virtualDays: 150,
    finalStatus: { CURED: 55, HANDED_OVER: 28, SETTLED: 1, ACTIVE: 1, CLOSED: 0 },
  },
  OBSERVED_UNTIL,
);
const CHARTS = ['funnel', 'curve', 'bucketCures', 'rolls', 'blocks', 'arms'];
let opened: OfflineReport;

beforeAll(async () => {
  const file = join(mkdtempSync(join(tmpdir(), 'ladder-report-')), 'report.html');
  writeFileSync(file, reportHtml(data, await renderCharts(data)));
  opened = await openReportOffline(file);
});
afterAll(async () => {
  await opened?.close();
});

describe('the manager report in Chromium, offline', () => {
  it('requests nothing from the network', () => {
    expect(opened.attempted).toEqual([]);
  });

  it('draws every chart: an SVG with marks in each', async () => {
    const figures = await opened.page.locator('figure[data-chart]').all();
    const names = await Promise.all(figures.map((f) => f.getAttribute('data-chart')));
    expect(names.sort()).toEqual([...CHARTS].sort());
    for (const chart of CHARTS) {
      const marks = opened.page.locator(`figure[data-chart="${chart}"] svg .role-mark > *`);
      expect(await marks.count(), chart).toBeGreaterThan(0);
    }
    const bars = await opened.page.locator('figure[data-chart="funnel"] svg .mark-rect path').count();
    // Five stages, three bars each (a bar of 0 loans is drawn too, with no height).
    expect(bars).toBe(15);
  });

  it('shows the verdict and saves a screenshot', async () => {
    await expect(opened.page.locator('.verdict').textContent()).resolves.toContain('cures more loans than');
    mkdirSync(ARTIFACTS, { recursive: true });
    const png = join(ARTIFACTS, 'manager-report.png');
    await opened.page.screenshot({ path: png, fullPage: true });
    expect(readFileSync(png).subarray(1, 4).toString()).toBe('PNG');
  });

  it('has no serious or critical accessibility violation (axe-core)', async () => {
    const axe = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
    await opened.page.addScriptTag({ content: axe });
    // A string, run in the page: axe is the script just added to it.
    const result = (await opened.page.evaluate(`axe.run().then((r) => ({
      passes: r.passes.length,
      violations: r.violations
        .filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .map((v) => v.id + ' (' + v.nodes.length + ')'),
    }))`)) as { passes: number; violations: string[] };
    expect(result.passes).toBeGreaterThan(0);
    const violations = result.violations;
    expect(violations).toEqual([]);
  });
});
