import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeBroken } from '../../functions/domain/audit.js';
import { hashRecord, type LedgerRecord } from '../../functions/domain/ledger.js';
import { auditLedgerFile } from '../../local/audit.js';
import { LOCAL_CREDENTIALS, LOCAL_REGION, startStore } from '../../local/services/store.js';

/**
 * `ladder audit verify` on the ledger of a real `ladder simulate` run (samples/scenario.json), as a
 * JSON-lines file and as the embedded store on disk; then on copies with one record edited, removed
 * or inserted. The command runs as a process where its exit code and output are the point; the
 * removed and inserted cases call the module it runs (each process start costs seconds).
 */
const dir = mkdtempSync(join(tmpdir(), 'ladder-audit-'));
const ledgerFile = join(dir, 'ledger.jsonl');
const dataDir = join(dir, 'data');

const ladder = (...args: string[]) => {
  const run = spawnSync('node', ['bin/ladder-cli.mjs', ...args], { encoding: 'utf8' });
  const noise =
    /NodeVersionSupportWarning|versions published|node >=22|upgrade to node|a\.co\/|trace-warnings/;
  const stderr = run.stderr
    .split('\n')
    .filter((l) => l.trim() !== '' && !noise.test(l) && !/^To continue receiving|^More information/.test(l));
  return { status: run.status, stdout: run.stdout, stderr };
};

let records: LedgerRecord[] = [];
const writeVariant = (name: string, lines: LedgerRecord[]) => {
  const file = join(dir, `${name}.jsonl`);
  writeFileSync(file, `${lines.map((r) => JSON.stringify(r)).join('\n')}\n`);
  return file;
};
/** The index of a record in the middle of the dispute loan's chain. */
const middleOf = (ledgerId: string) => {
  const i = records.findIndex((r) => r.ledgerId === ledgerId && r.seq === 4);
  if (i < 0) throw new Error(`no record 4 of ${ledgerId}`);
  return i;
};

beforeAll(() => {
  const run = ladder(
    'simulate',
    '--scenario',
    'samples/scenario.json',
    '--out',
    join(dir, 'out.json'),
    '--ledger-out',
    ledgerFile,
    '--data',
    dataDir,
  );
  expect(run.status, run.stderr.join('\n')).toBe(0);
  records = readFileSync(ledgerFile, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as LedgerRecord);
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('ladder audit verify', () => {
  it('passes the clean ledger of a simulate run (file and store): exit 0, one OK line per loan with its count', () => {
    const loans = (JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8')) as { loans: unknown[] }).loans;
    for (const source of [
      ['--ledger', ledgerFile],
      ['--data', dataDir],
    ]) {
      const run = ladder('audit', 'verify', ...source);
      expect(run.status, run.stderr.join('\n')).toBe(0);
      expect(run.stderr).toEqual([]);
      const ok = run.stdout.split('\n').filter((l) => l.startsWith('OK'));
      expect(ok).toHaveLength(loans.length);
      const disputeCount = records.filter((r) => r.ledgerId === 'dispute#1').length;
      expect(ok).toContain(`OK     dispute#1  ${disputeCount} records`);
      expect(run.stdout).toContain(
        `ledger: ${loans.length} chains, ${records.length} records: ${loans.length} OK, 0 broken`,
      );
    }
  });

  it('fails on one edited field, naming the loan and the record', () => {
    const i = middleOf('dispute#1');
    const edited = [...records];
    edited[i] = { ...(records[i] as LedgerRecord), at: '2026-01-01T00:00:00.000Z' };
    const run = ladder('audit', 'verify', '--ledger', writeVariant('edited', edited));
    expect(run.status).toBe(1);
    expect(run.stderr).toEqual(['BROKEN loan dispute (ledger dispute#1) record seq 4: content was edited']);
    expect(run.stdout).toContain('1 broken');
  });

  it('fails on a removed record', async () => {
    const i = middleOf('dispute#1');
    const report = await auditLedgerFile(
      writeVariant('removed', [...records.slice(0, i), ...records.slice(i + 1)]),
    );
    expect(report.broken.map(describeBroken)).toEqual([
      'BROKEN loan dispute (ledger dispute#1) record seq 5: expected record 4: a record was removed or inserted',
    ]);
  });

  it('fails on an inserted record, even one whose own hash was computed correctly', async () => {
    const i = middleOf('dispute#1');
    const previous = records[i - 1] as LedgerRecord;
    const { seq: _s, prevHash: _p, hash: _h, ...content } = previous;
    const forged = { ...content, stage: 'D+1', attempts: [] };
    const inserted: LedgerRecord = {
      ...forged,
      seq: previous.seq + 1,
      prevHash: previous.hash,
      hash: hashRecord(forged, previous.seq + 1, previous.hash),
    };
    const report = await auditLedgerFile(
      writeVariant('inserted', [...records.slice(0, i), inserted, ...records.slice(i)]),
    );
    expect(report.broken.map(describeBroken)).toEqual([
      expect.stringMatching(/^BROKEN loan dispute \(ledger dispute#1\) record seq 4: /),
    ]);
  });

  it('fails on a record edited in the embedded store, naming the loan and the record', async () => {
    const copy = join(dir, 'tampered-data');
    cpSync(dataDir, copy, { recursive: true });
    const store = await startStore({ dataDir: copy });
    const client = new DynamoDBClient({
      endpoint: store.endpoint,
      region: LOCAL_REGION,
      credentials: LOCAL_CREDENTIALS,
    });
    try {
      await DynamoDBDocumentClient.from(client).send(
        new UpdateCommand({
          TableName: 'Ledger',
          Key: { ledgerId: 'never-pays#1', seq: 2 },
          UpdateExpression: 'SET stage = :s',
          ExpressionAttributeValues: { ':s': 'D+99' },
        }),
      );
    } finally {
      client.destroy();
      await store.close();
    }
    const run = ladder('audit', 'verify', '--quiet', '--data', copy);
    expect(run.status).toBe(1);
    expect(run.stderr).toEqual([
      'BROKEN loan never-pays (ledger never-pays#1) record seq 2: content was edited',
    ]);
    expect(run.stdout.split('\n').filter((l) => l.startsWith('OK'))).toEqual([]);
  });

  it('bad usage (both sources) exits 2 with one line; a missing file is bad input', async () => {
    const run = ladder('audit', 'verify', '--ledger', ledgerFile, '--data', dataDir);
    expect(run.status).toBe(2);
    expect(run.stderr).toEqual([
      'ladder: audit verify: give exactly one of --ledger <file> and --data <dir>',
    ]);
    await expect(auditLedgerFile(join(dir, 'nope.jsonl'))).rejects.toThrow(
      expect.objectContaining({ name: 'ValidationError' }),
    );
  });
});
