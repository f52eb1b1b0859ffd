import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LedgerStore } from '../../functions/adapters/ledger-store.js';
import { SealStore } from '../../functions/adapters/seal-store.js';
import { LedgerAudit } from '../../functions/domain/audit.js';
import type { BorrowerProfile, CaseRecord } from '../../functions/domain/case.js';
import { chain, type LedgerRecord } from '../../functions/domain/ledger.js';
import { createLedgerWriterCore } from '../../functions/ledger-writer/core.js';
import { readDataDir, withDataDir } from '../../local/compliance.js';
import { localKeys } from '../../local/keys.js';

/**
 * Acceptance of `ladder audit compliance`: the store `ladder start` leaves (the sample portfolio, 300
 * loans, the default ladder) is clean, exit 0; a copy of it with one SENT SMS at 23:30 borrower time,
 * appended through the ledger's own append path (chained on the newest record and sealed by the
 * ledger writer with the store's key), still verifies as a ledger but fails the compliance check,
 * exit 1, naming the loan, the seq and the rule. The commands run as processes: their exit codes and
 * output are the point.
 */
const dir = mkdtempSync(join(tmpdir(), 'ladder-compliance-'));
const store = join(dir, 'store');
const tampered = join(dir, 'tampered');

const NOISE = /NodeVersionSupportWarning|versions published|node >=22|upgrade to node|a\.co\/|trace-warnings/;
const ladder = (...args: string[]) => {
  const run = spawnSync('node', ['cli/ladder.mjs', ...args], { encoding: 'utf8' });
  const lines = (text: string) =>
    text
      .split('\n')
      .filter(
        (l) => l.trim() !== '' && !NOISE.test(l) && !/^To continue receiving|^More information/.test(l),
      );
  return { status: run.status, stdout: lines(run.stdout), stderr: lines(run.stderr) };
};

beforeAll(() => {
  const run = ladder('start', '--data', store, '--out', join(dir, 'out'));
  expect(run.status, run.stderr.join('\n')).toBe(0);
  cpSync(store, tampered, { recursive: true });
}, 180_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * A loan of a Shanghai borrower that is still open at 23:30 local after its newest record, never
 * sent the D+3 reminder, never opted out of SMS nor disputed: one SMS then breaks the hours alone.
 */
function pickLoan(
  records: readonly LedgerRecord[],
  profiles: readonly BorrowerProfile[],
  cases: readonly CaseRecord[],
) {
  const byBorrower = new Map(profiles.map((p) => [p.borrowerId, p]));
  for (const c of [...cases].sort((a, b) => (a.loanId < b.loanId ? -1 : 1))) {
    const p = byBorrower.get(c.borrowerId);
    // The contact chain (its delivery reports are on a chain of their own).
    const chainOf = records
      .filter((r) => r.ledgerId === `${c.loanId}#${c.cycle}`)
      .sort((a, b) => a.seq - b.seq);
    const newest = chainOf.at(-1);
    if (!p || !newest || p.timeZone !== 'Asia/Shanghai' || p.optOuts.SMS || c.dispute) continue;
    if (chainOf.some((r) => r.stage === 'D+3')) continue;
    let night = DateTime.fromISO(newest.at, { zone: 'Asia/Shanghai' }).set({ hour: 23, minute: 30 });
    if (night.toMillis() <= Date.parse(newest.at)) night = night.plus({ days: 1 });
    if (c.closedAt && night.toMillis() < Date.parse(c.closedAt)) return { newest, night };
  }
  throw new Error('no loan fits: the sample portfolio changed');
}

/** The store's ledger and seals, opened for one job. */
const withStore = <T>(dataDir: string, job: (ledger: LedgerStore, seals: SealStore) => Promise<T>) =>
  withDataDir(dataDir, (db) => job(new LedgerStore(db, 'Ledger'), new SealStore(db, 'Seals')));

/** Appends the night SMS as the stage would: chained on the newest record, through the ledger writer. */
async function appendNightSms(dataDir: string): Promise<LedgerRecord> {
  const { records, profiles, cases } = await readDataDir(dataDir);
  const { newest, night } = pickLoan(records, profiles, cases);
  const { seq: _s, prevHash: _p, hash: _h, detail: _d, ...content } = newest;
  const record = chain(newest, {
    ...content,
    type: 'CONTACT',
    at: night.toUTC().toISO() as string,
    stage: 'D+3',
    attempts: [
      {
        channel: 'SMS',
        status: 'SENT',
        providerRef: 'night-sms',
        templateId: 'overdue-reminder',
        templateVersion: 1,
      },
    ],
  });
  await withStore(dataDir, async (ledger, seals) => {
    const key = localKeys(dataDir).seal;
    await createLedgerWriterCore({ ledger, seals, key, clock: { now: () => night.toMillis() } })({ record });
  });
  return record;
}

/** Chains and seals (their MACs under the store's key), as the audit Lambda checks them. */
const sealedAudit = (dataDir: string) =>
  withStore(dataDir, async (ledger, seals) => {
    const audit = new LedgerAudit();
    for await (const page of ledger.scan()) audit.add(page);
    for await (const page of seals.scan()) audit.addSeals(page);
    return audit.report({ key: localKeys(dataDir).seal });
  });

describe('ladder audit compliance', () => {
  it('exits 0 on the store of `ladder start`: no SENT attempt broke a rule', () => {
    const run = ladder('audit', 'compliance', '--data', store);
    expect(run.stderr).toEqual([]);
    expect(run.stdout).toHaveLength(1);
    expect(run.stdout[0]).toMatch(/^compliance: \d+ records, \d+ sent attempts checked: 0 violations$/);
    expect(run.status).toBe(0);
  });

  it('exits 1 naming loan, seq and rule once a 23:30 SMS is appended; the ledger still verifies', async () => {
    const night = await appendNightSms(tampered);
    const verify = ladder('audit', 'verify', '--data', tampered, '--quiet');
    expect(verify.status, verify.stderr.join('\n')).toBe(0);
    expect(verify.stdout.join('\n')).toContain(', 0 broken');
    const sealed = await sealedAudit(tampered);
    expect(sealed.broken).toEqual([]);
    expect(sealed.sealed).toBe(true);

    const run = ladder('audit', 'compliance', '--data', tampered);
    const local = DateTime.fromISO(night.at, { zone: 'Asia/Shanghai' }).toFormat('yyyy-MM-dd');
    expect(run.stderr).toEqual([
      `VIOLATION loan ${night.loanId} cycle 1 seq ${night.seq} CN_CONTACT_HOURS (CN 2026.3): SMS at ${local} 23:30:00 Asia/Shanghai, outside 08:00-22:00`,
    ]);
    expect(run.stdout).toEqual([expect.stringMatching(/: 1 violation \(CN_CONTACT_HOURS 1\)$/)]);
    expect(run.status).toBe(1);

    const json = ladder('audit', 'compliance', '--data', tampered, '--json');
    expect(json.status).toBe(1);
    const parsed = JSON.parse(json.stdout.join('\n')) as {
      violations: unknown[];
      summary: { violations: number };
    };
    expect(parsed.summary.violations).toBe(1);
    expect(parsed.violations).toEqual([
      expect.objectContaining({
        loanId: night.loanId,
        seq: night.seq,
        ruleId: 'CN_CONTACT_HOURS',
        channel: 'SMS',
      }),
    ]);

    // --since/--until: a window that ends before the night SMS checks nothing it holds.
    const before = ladder('audit', 'compliance', '--data', tampered, '--until', night.at);
    expect(before.status).toBe(0);
    const after = ladder('audit', 'compliance', '--data', tampered, '--since', night.at);
    expect(after.status).toBe(1);
    expect(after.stdout[0]).toContain(`from ${night.at}`);
  });

  it('exits 2 with one line on bad usage', () => {
    for (const args of [
      ['--data', join(dir, 'missing')],
      ['--data', join(dir, 'out')],
      [],
      ['--data', store, '--since', 'yesterday'],
      ['--data', store, '--colour'],
    ]) {
      const run = ladder('audit', 'compliance', ...args);
      expect(run.status, args.join(' ')).toBe(2);
      expect(run.stderr, args.join(' ')).toHaveLength(1);
      expect(run.stderr[0]).toMatch(/^ladder: /);
    }
  });
});
