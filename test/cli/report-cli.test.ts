import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * `ladder simulate --report`: the manager's report of a real run, with no contact detail of any
 * borrower in it (identifiers and counts only), and nothing it would load from elsewhere.
 */
const scenarioFile = 'samples/first-loans.json';
const scenario = JSON.parse(readFileSync(scenarioFile, 'utf8')) as {
  loans: Array<{ loanId: string; borrower: Record<string, string> }>;
};

describe('ladder simulate --report', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ladder-report-cli-'));
  const report = join(dir, 'nested', 'report.html');
  const run = spawnSync(
    'node',
    [
      'cli/ladder.mjs',
      'simulate',
      '--scenario',
      scenarioFile,
      '--out',
      join(dir, 'out.json'),
      '--report',
      report,
    ],
    { encoding: 'utf8' },
  );
  const html = run.status === 0 ? readFileSync(report, 'utf8') : '';

  it('writes one HTML page and says where', () => {
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^wrote .*report\.html: the manager's report \(built in \d+ ms\)$/m);
    expect(html.startsWith('<!doctype html>')).toBe(true);
    // The run's own counts: 3 loans, 2 cured (README, Simulate your own loans).
    expect(html).toContain('3 loans (policies: default 3)');
    expect(html).toContain('CURED 2');
  });

  it('has every chart inline and nothing to fetch: no script, no external stylesheet, image or font', () => {
    expect(html.match(/<svg/g)?.length).toBeGreaterThanOrEqual(4);
    expect(html).not.toMatch(/<script|<link|<img|<iframe|@import|url\(/i);
    expect(html).not.toMatch(/(src|href)=["']?https?:/i);
  });

  it("carries no borrower's name, phone number or e-mail address", () => {
    const details = scenario.loans.flatMap((l) => [l.borrower.name, l.borrower.phone, l.borrower.email]);
    expect(details).toHaveLength(9);
    for (const detail of details) expect(html, detail).not.toContain(detail ?? '');
    // Nor a phone in another spelling (digits only) or any e-mail address at all.
    for (const l of scenario.loans) expect(html).not.toContain(l.borrower.phone?.slice(1) ?? '');
    expect(html).not.toMatch(/[\w.+-]+@[\w-]+\.[\w.]+/);
  });
});
