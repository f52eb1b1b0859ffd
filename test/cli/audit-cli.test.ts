import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  DynamoDBDocumentClient,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeBroken } from '../../functions/domain/audit.js';
import { chain, hashRecord, type LedgerRecord } from '../../functions/domain/ledger.js';
import type { LedgerSeal } from '../../functions/domain/seal.js';
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
  const run = spawnSync('node', ['cli/ladder.mjs', ...args], { encoding: 'utf8' });
  const noise =
    /NodeVersionSupportWarning|versions published|node >=22|upgrade to node|a\.co\/|trace-warnings/;
  const stderr = run.stderr
    .split('\n')
    .filter((l) => l.trim() !== '' && !noise.test(l) && !/^To continue receiving|^More information/.test(l));
  return { status: run.status, stdout: run.stdout, stderr };
};

let records: LedgerRecord[] = [];
let seals: LedgerSeal[] = [];
const writeVariant = (name: string, lines: LedgerRecord[]) => {
  const file = join(dir, `${name}.jsonl`);
  writeFileSync(file, `${[...lines, ...seals].map((r) => JSON.stringify(r)).join('\n')}\n`);
  return file;
};
const KEY = () => ['--key', `${ledgerFile}.key`];
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
  const lines = readFileSync(ledgerFile, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as LedgerRecord & { mac?: string });
  records = lines.filter((l) => l.mac === undefined);
  seals = lines.filter((l) => l.mac !== undefined) as unknown as LedgerSeal[];
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('ladder audit verify', () => {
  it('passes the clean ledger of a simulate run (file and store): exit 0, one OK line per loan with its count', () => {
    const loans = (JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8')) as { loans: unknown[] }).loans;
    expect(seals).toHaveLength(records.length);
    for (const source of [
      ['--ledger', ledgerFile, ...KEY()],
      ['--data', dataDir],
    ]) {
      const run = ladder('audit', 'verify', ...source);
      expect(run.status, run.stderr.join('\n')).toBe(0);
      expect(run.stderr).toEqual([]);
      // A contact chain per loan, and a chain of its delivery reports.
      const chains = new Set(records.map((r) => r.ledgerId)).size;
      expect(chains).toBe(2 * loans.length);
      const ok = run.stdout.split('\n').filter((l) => l.startsWith('OK'));
      expect(ok).toHaveLength(chains);
      const disputeCount = records.filter((r) => r.ledgerId === 'dispute#1').length;
      expect(ok).toContain(`OK     dispute#1  ${disputeCount} records`);
      expect(run.stdout).toContain(
        `ledger: ${chains} chains, ${records.length} records: ${chains} OK, 0 broken; seals checked`,
      );
    }
    // A file without its key: the hash chains are checked, and the output says the seals were not.
    expect(ladder('audit', 'verify', '--ledger', ledgerFile).stdout).toContain('seals NOT checked');
  });

  it('fails on one edited field, naming the loan and the record', () => {
    const i = middleOf('dispute#1');
    const edited = [...records];
    edited[i] = { ...(records[i] as LedgerRecord), at: '2026-01-01T00:00:00.000Z' };
    const run = ladder('audit', 'verify', '--ledger', writeVariant('edited', edited), ...KEY());
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

  /** A copy of the store, changed by `tamper` as someone with write access to the tables could. */
  async function tampered(name: string, tamper: (db: DynamoDBDocumentClient) => Promise<void>) {
    const copy = join(dir, name);
    cpSync(dataDir, copy, { recursive: true });
    const store = await startStore({ dataDir: copy });
    const client = new DynamoDBClient({
      endpoint: store.endpoint,
      region: LOCAL_REGION,
      credentials: LOCAL_CREDENTIALS,
    });
    try {
      await tamper(DynamoDBDocumentClient.from(client));
    } finally {
      client.destroy();
      await store.close();
    }
    return ladder('audit', 'verify', '--quiet', '--data', copy);
  }
  const chainOf = async (db: DynamoDBDocumentClient, ledgerId: string) =>
    ((
      await db.send(
        new QueryCommand({
          TableName: 'Ledger',
          KeyConditionExpression: 'ledgerId = :id',
          ExpressionAttributeValues: { ':id': ledgerId },
        }),
      )
    ).Items ?? []) as LedgerRecord[];
  const contentOf = ({ seq: _s, prevHash: _p, hash: _h, ...content }: LedgerRecord) => content;

  it('fails on an edit with the chain re-hashed after it: the record no longer matches its seal', async () => {
    const run = await tampered('rehashed', async (db) => {
      const chainRecords = await chainOf(db, 'never-pays#1');
      let head = chainRecords[0] as LedgerRecord;
      for (const r of chainRecords.slice(1)) {
        const next = chain(head, r.seq === 2 ? { ...contentOf(r), stage: 'D+99' } : contentOf(r));
        await db.send(new PutCommand({ TableName: 'Ledger', Item: next }));
        head = next;
      }
    });
    expect([run.status, run.stderr]).toEqual([
      1,
      [
        'BROKEN loan never-pays (ledger never-pays#1) record seq 2: does not match its seal: the chain was rewritten',
      ],
    ]);
  });

  it('fails on a record appended at the end by someone other than the ledger writer', async () => {
    let seq = 0;
    const run = await tampered('appended', async (db) => {
      const last = (await chainOf(db, 'never-pays#1')).at(-1) as LedgerRecord;
      const forged = chain(last, { ...contentOf(last), stage: 'D+99', at: '2027-01-01T00:00:00.000Z' });
      seq = forged.seq;
      await db.send(new PutCommand({ TableName: 'Ledger', Item: forged }));
    });
    expect([run.status, run.stderr]).toEqual([
      1,
      [
        `BROKEN loan never-pays (ledger never-pays#1) record seq ${seq}: not sealed by the ledger writer: appended by someone else`,
      ],
    ]);
  });

  it('fails on the newest records cut off, and on a whole chain deleted', async () => {
    const count = records.filter((r) => r.ledgerId === 'never-pays#1').length;
    const cut = await tampered('truncated', async (db) => {
      await db.send(
        new DeleteCommand({ TableName: 'Ledger', Key: { ledgerId: 'never-pays#1', seq: count } }),
      );
    });
    expect([cut.status, cut.stderr]).toEqual([
      1,
      [
        `BROKEN loan never-pays (ledger never-pays#1) record seq ${count}: records were removed: the chain was sealed up to record ${count}`,
      ],
    ]);
    const gone = await tampered('deleted', async (db) => {
      for (const r of await chainOf(db, 'never-pays#1'))
        await db.send(new DeleteCommand({ TableName: 'Ledger', Key: { ledgerId: r.ledgerId, seq: r.seq } }));
    });
    expect([gone.status, gone.stderr]).toEqual([
      1,
      [
        `BROKEN loan never-pays (ledger never-pays#1) record seq ${count}: every record is gone: the chain was sealed up to record ${count}`,
      ],
    ]);
  });

  it('bad usage (both sources) exits 2 with one line; a missing file is bad input', async () => {
    const run = ladder('audit', 'verify', '--ledger', ledgerFile, '--data', dataDir);
    expect(run.status).toBe(2);
    expect(run.stderr).toEqual([
      'ladder: audit verify: give exactly one of --ledger <file> and --data <dir>',
    ]);
    await expect(auditLedgerFile(join(dir, 'nope.jsonl'))).rejects.toThrow(
      expect.objectContaining({
        name: 'UsageError',
        message: `--ledger ${join(dir, 'nope.jsonl')}: no such file`,
      }),
    );
  });
});
