import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { documentClient, stores } from '../../functions/adapters/env.js';
import { TABLE_ENV, TABLES } from '../../functions/adapters/tables.js';
import type { HumanTask } from '../../functions/adapters/task-store.js';
import type { BorrowerProfile, CaseRecord } from '../../functions/domain/case.js';
import { ConcurrentUpdateError } from '../../functions/domain/errors.js';
import type { LedgerRecord } from '../../functions/domain/ledger.js';
import { useInProcessStore } from '../../local/services/in-process.js';
import { MemoryTables } from '../../local/services/memory-store.js';
import {
  LOCAL_CREDENTIALS,
  LOCAL_REGION,
  type LocalStore,
  localTableName,
  startStore,
} from '../../local/services/store.js';

/**
 * The adapter contract: every store of functions/adapters, run against the embedded DynamoDB (the
 * real SDK over HTTP to dynalite, as on AWS; and in process, as the default local runtime calls it)
 * and against the fast mode's in-memory tables, with the same expectations. A behaviour the fast mode got wrong (an ignored
 * condition, a string-ordered number key, an index that keeps stale entries) fails on one side only.
 */
const env = Object.fromEntries(
  (Object.keys(TABLE_ENV) as Array<keyof typeof TABLE_ENV>).map((t) => [
    TABLE_ENV[t],
    localTableName(TABLES[t]),
  ]),
);

interface Backend {
  name: string;
  start(): Promise<{ db: DynamoDBDocumentClient; close(): Promise<void> }>;
}

const BACKENDS: Backend[] = [
  {
    name: 'DynamoDB (dynalite, over HTTP)',
    async start() {
      const store: LocalStore = await startStore();
      const client = new DynamoDBClient({
        endpoint: store.endpoint,
        region: LOCAL_REGION,
        credentials: LOCAL_CREDENTIALS,
        maxAttempts: 1,
      });
      return {
        db: documentClient(client),
        close: async () => {
          client.destroy();
          await store.close();
        },
      };
    },
  },
  {
    // The default local runtime's path: lib-dynamodb's marshalling, then dynalite's validations and
    // actions called in process (services/in-process.ts, services/dynalite-direct.ts).
    name: 'DynamoDB (dynalite, in process)',
    async start() {
      const store: LocalStore = await startStore();
      const client = new DynamoDBClient({
        region: LOCAL_REGION,
        credentials: LOCAL_CREDENTIALS,
        maxAttempts: 1,
      });
      useInProcessStore(client, store);
      return {
        db: documentClient(client),
        close: async () => {
          client.destroy();
          await store.close();
        },
      };
    },
  },
  {
    name: 'in-memory tables (the fast mode)',
    async start() {
      const tables = new MemoryTables();
      const db = { send: (command: never) => tables.send(command) } as unknown as DynamoDBDocumentClient;
      return { db, close: async () => undefined };
    },
  },
];

const profile = (borrowerId: string, note: string) => ({ borrowerId, note }) as unknown as BorrowerProfile;
const kase = (borrowerId: string, loanId: string, extra: Record<string, unknown> = {}) =>
  ({ borrowerId, loanId, cycle: 1, status: 'ACTIVE', ...extra }) as unknown as CaseRecord;
const record = (ledgerId: string, seq: number, detail: unknown = {}) =>
  ({ ledgerId, seq, prevHash: 'p', hash: `h${seq}`, detail }) as unknown as LedgerRecord;
const task = (taskId: string, openedAt: string): HumanTask => ({
  taskId,
  queue: 'agent-calls',
  loanId: `L-${taskId}`,
  cycle: 1,
  borrowerId: `B-${taskId}`,
  stage: 'D+7',
  openedAt,
  status: 'OPEN',
  token: `token-${taskId}`,
});

describe.each(BACKENDS)('adapter contract on $name', (backend) => {
  let s: ReturnType<typeof stores>;
  let close: () => Promise<void>;

  beforeAll(async () => {
    const started = await backend.start();
    s = stores(started.db, env);
    close = started.close;
  });
  afterAll(async () => close?.());

  it('cases: optimistic revisions, one Query per borrower in sort-key order, the byLoan index', async () => {
    const cases = s.cases();
    expect(await cases.saveProfile(profile('B1', 'first'), undefined)).toBe(1);
    await expect(cases.saveProfile(profile('B1', 'again'), undefined)).rejects.toBeInstanceOf(
      ConcurrentUpdateError,
    );
    expect(await cases.saveProfile(profile('B1', 'second'), 1)).toBe(2);
    await expect(cases.saveProfile(profile('B1', 'stale'), 1)).rejects.toBeInstanceOf(ConcurrentUpdateError);
    await cases.saveCase(kase('B1', 'L-b'), undefined);
    await cases.saveCase(kase('B1', 'L-a', { note: undefined, tags: ['x', undefined, 'y'] }), undefined);
    await cases.saveCase(kase('B2', 'L-c'), undefined);
    const view = await cases.borrowerView('B1');
    expect(view.profile).toEqual({ item: profile('B1', 'second'), rev: 2 });
    // Sort-key order (CASE#L-a before CASE#L-b), undefined values dropped from maps and lists.
    expect(view.cases.map((c) => c.item.loanId)).toEqual(['L-a', 'L-b']);
    expect(view.cases[0]?.item).not.toHaveProperty('note');
    expect(view.cases[0]?.item).toMatchObject({ tags: ['x', 'y'] });
    expect(await cases.borrowerOfLoan('L-c')).toBe('B2');
    expect(await cases.borrowerOfLoan('L-none')).toBeUndefined();
  });

  it('cases: what a reader changes is not what is stored', async () => {
    const cases = s.cases();
    await cases.saveProfile(profile('B3', 'kept'), undefined);
    const read = await cases.borrowerView('B3');
    (read.profile?.item as unknown as { note: string }).note = 'changed by the reader';
    expect((await cases.borrowerView('B3')).profile?.item).toEqual(profile('B3', 'kept'));
  });

  it('cases: message references, receipts and phone lines', async () => {
    const cases = s.cases();
    const ref = {
      ref: 'msg-1',
      borrowerId: 'B4',
      loanId: 'L-4',
      cycle: 1,
      stage: 'D+1',
      channel: 'SMS',
      seq: 3,
    };
    await cases.saveMessageRef(ref as never);
    await cases.saveMessageRef(ref as never);
    expect(await cases.messageRef('msg-1')).toEqual(ref);
    expect(await cases.messageRef('msg-2')).toBeUndefined();
    await cases.saveReceipt('B4', { loanId: 'L-4', cycle: 1, seq: 2 } as never);
    expect((await cases.borrowerView('B4')).receipts).toEqual([{ loanId: 'L-4', cycle: 1, seq: 2 }]);
    expect(await cases.saveLineCalls({ lineId: 'line-1', calls: [] }, undefined)).toBe(1);
    await expect(cases.saveLineCalls({ lineId: 'line-1', calls: [] }, 7)).rejects.toBeInstanceOf(
      ConcurrentUpdateError,
    );
    expect(await cases.lineCalls('line-1')).toEqual({ item: { lineId: 'line-1', calls: [] }, rev: 1 });
  });

  it('contacts: keys-only phone and e-mail indexes that follow updates and erasure', async () => {
    const contacts = s.contacts();
    const one = { borrowerId: 'C1', name: 'N1', phone: '+8613800000001', email: 'a@example.com' };
    await contacts.put(one);
    await contacts.put({ borrowerId: 'C2', name: 'N2', phone: one.phone, email: 'b@example.com' });
    expect(await contacts.put(one, true)).toEqual({ samePoints: true });
    expect(await contacts.put({ ...one, email: 'new@example.com' }, true)).toEqual({ samePoints: false });
    expect(await contacts.get('C1')).toEqual({ ...one, email: 'new@example.com' });
    expect((await contacts.borrowersByPhone(one.phone)).sort()).toEqual(['C1', 'C2']);
    expect(await contacts.borrowersByEmail('a@example.com')).toEqual([]);
    expect(await contacts.borrowersByEmail('new@example.com')).toEqual(['C1']);
    await contacts.erase('C1');
    expect(await contacts.get('C1')).toBeUndefined();
    expect(await contacts.borrowersByPhone(one.phone)).toEqual(['C2']);
  });

  it('conversations: stored once per item, erased per borrower', async () => {
    const conversations = s.conversations();
    const entry = {
      borrowerId: 'V1',
      itemId: 'i1',
      channel: 'SMS' as const,
      text: 'paid',
      receivedAt: 'now',
    };
    expect(await conversations.put(entry)).toEqual({ created: true });
    expect(await conversations.put({ ...entry, text: 'other' })).toEqual({ created: false });
    await conversations.put({ ...entry, itemId: 'i2' });
    expect(await conversations.get('V1', 'i1')).toEqual(entry);
    expect(await conversations.erase('V1')).toBe(2);
    expect(await conversations.get('V1', 'i2')).toBeUndefined();
  });

  it('ledger and seals: append-only, numeric sequence order, newest first, scanned whole', async () => {
    const ledger = s.ledger();
    for (const seq of [1, 2, 10]) await ledger.append(record('L-9#1', seq));
    await ledger.append(record('L-8#1', 1));
    await expect(ledger.append(record('L-9#1', 2, { again: true }))).rejects.toBeInstanceOf(
      ConcurrentUpdateError,
    );
    expect((await ledger.list('L-9#1')).map((r) => r.seq)).toEqual([1, 2, 10]);
    expect((await ledger.latest('L-9#1'))?.seq).toBe(10);
    expect(await ledger.get('L-9#1', 2)).toEqual(record('L-9#1', 2));
    const scanned: LedgerRecord[] = [];
    for await (const page of ledger.scan()) scanned.push(...page);
    expect(scanned.map((r) => `${r.ledgerId}/${r.seq}`).sort()).toEqual([
      'L-8#1/1',
      'L-9#1/1',
      'L-9#1/10',
      'L-9#1/2',
    ]);
    const seals = s.seals();
    const seal = { ledgerId: 'L-9#1', seq: 1, hash: 'h1', mac: 'm', keyId: 'k', sealedAt: 'now' };
    expect(await seals.put(seal)).toBe(true);
    expect(await seals.put({ ...seal, mac: 'other' })).toBe(false);
    expect(await seals.list('L-9#1')).toEqual([seal]);
  });

  it('ledger: an item over 400 KB is refused as DynamoDB refuses it', async () => {
    const big = record('L-7#1', 1, { text: 'x'.repeat(410 * 1024) });
    await expect(s.ledger().append(big)).rejects.toMatchObject({ name: 'ValidationException' });
    expect(await s.ledger().list('L-7#1')).toEqual([]);
  });

  it('ledger: a value marshall refuses (a class instance) fails the append, nothing written', async () => {
    await expect(s.ledger().append(record('L-6#1', 1, { at: new Date(0) }))).rejects.toThrow(
      /Unsupported type passed/,
    );
    expect(await s.ledger().list('L-6#1')).toEqual([]);
  });

  it('tasks: conditional claims and completion, a sparse queue index listed oldest first in pages', async () => {
    const tasks = s.tasks();
    expect(await tasks.open(task('t2', '2026-01-02T00:00:00Z'))).toEqual({ created: true });
    expect(await tasks.open(task('t2', '2026-01-02T00:00:00Z'))).toEqual({ created: false });
    await tasks.open(task('t1', '2026-01-01T00:00:00Z'));
    await tasks.open(task('t3', '2026-01-03T00:00:00Z'));
    await tasks.claim('t1', 'agent-a', '2026-01-04T00:00:00Z');
    await expect(tasks.claim('t1', 'agent-b', '2026-01-04T00:00:00Z')).rejects.toBeInstanceOf(
      ConcurrentUpdateError,
    );
    await tasks.complete('t1', 'agent-a', '2026-01-04T01:00:00Z', 'PROMISE_TO_PAY');
    await expect(
      tasks.complete('t1', 'agent-a', '2026-01-04T02:00:00Z', 'PROMISE_TO_PAY'),
    ).rejects.toBeInstanceOf(ConcurrentUpdateError);
    expect(await tasks.get('t1')).toMatchObject({
      status: 'DONE',
      completedBy: 'agent-a',
      // The outcome's name only: a visit's report and an agent's notes are kept under the contact key
      // (conversations), never on the task.
      outcome: 'PROMISE_TO_PAY',
    });
    expect(await tasks.withdraw('t3', 'CASE_CLOSED', '2026-01-05T00:00:00Z')).toEqual({
      withdrawn: true,
      waiting: [],
    });
    expect(await tasks.withdraw('t3', 'CASE_CLOSED', '2026-01-05T00:00:00Z')).toEqual({ withdrawn: false });
    await tasks.open(task('t4', '2026-01-01T12:00:00Z'));
    const first = await tasks.listOpen('agent-calls', { limit: 1 });
    expect(first.tasks.map((t) => t.taskId)).toEqual(['t4']);
    expect(first.tasks[0]).not.toHaveProperty('token');
    const second = await tasks.listOpen('agent-calls', { limit: 1, after: first.next ?? '' });
    expect(second.tasks.map((t) => t.taskId)).toEqual(['t2']);
    const rest = await tasks.listOpen('agent-calls', { after: second.next ?? '' });
    expect(rest).toEqual({ tasks: [] });
  });
});

describe('the in-memory tables outside the contract', () => {
  const tables = new MemoryTables();
  const db = { send: (command: never) => tables.send(command) } as unknown as DynamoDBDocumentClient;

  it('refuse an expression outside the subset the stores write, as DynamoDB refuses a bad one', async () => {
    const { UpdateCommand } = await import('@aws-sdk/lib-dynamodb');
    const add = new UpdateCommand({
      TableName: 'Tasks',
      Key: { taskId: 't' },
      UpdateExpression: 'SET n = n + :one',
      ExpressionAttributeValues: { ':one': 1 },
    });
    await expect(db.send(add)).rejects.toMatchObject({ name: 'ValidationException' });
    const unnamed = new UpdateCommand({
      TableName: 'Tasks',
      Key: { taskId: 't' },
      UpdateExpression: 'SET #s = :v',
    });
    await expect(db.send(unnamed)).rejects.toMatchObject({ name: 'ValidationException' });
  });
});
