/**
 * The embedded DynamoDB of the local runtime. Ladder must run on one machine with no AWS account, so
 * the same tables the CDK stack declares (functions/adapters/tables.ts) are created here in dynalite,
 * running in this process, and the real `@aws-sdk/client-dynamodb` talks to it over HTTP. Nothing in
 * the functions changes: only the endpoint does (see index.ts, `localAwsEnv`).
 *
 * dynalite lacks TransactWriteItems, TTL, PartiQL and Streams (see /work/shared/TOOLCHAIN.md).
 */
import { mkdir } from 'node:fs/promises';
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import {
  type AttributeDefinition,
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  type KeySchemaElement,
  ListTablesCommand,
  ResourceInUseException,
} from '@aws-sdk/client-dynamodb';
import { type KeyDef, TABLES, type TableDef } from '../../functions/adapters/tables.js';
import { captureStore, directDispatch } from './dynalite-direct.js';

/** Credentials and region every local client uses; the local services accept any. */
export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' } as const;
export const LOCAL_REGION = 'local';

interface DynaliteOptions {
  path?: string;
  createTableMs?: number;
  deleteTableMs?: number;
  updateTableMs?: number;
}
type Dynalite = (options: DynaliteOptions) => Server;

// dynalite is CommonJS without type definitions; loading it with require keeps the typing local to
// this file instead of declaring a global module.
const dynalite = createRequire(import.meta.url)('dynalite') as Dynalite;

export interface StoreOptions {
  /** Keep the data in this directory (created if missing) so it survives restarts. In memory if unset. */
  dataDir?: string;
  /** TCP port on 127.0.0.1; 0 (the default) picks a free one. */
  port?: number;
}

/** What the store answered to one API call: the HTTP status and the parsed JSON body. */
export interface StoreAnswer {
  statusCode: number;
  body: Record<string, unknown>;
}

export interface LocalStore {
  /** `http://127.0.0.1:<port>` */
  endpoint: string;
  /**
   * One DynamoDB API call (`operation` as in the X-Amz-Target header, `input` in the wire's JSON
   * form), answered by dynalite's own validations and actions on the same data as the endpoint,
   * without a socket or its HTTP layer (dynalite-direct.ts).
   */
  dispatch(operation: string, input: unknown): Promise<StoreAnswer>;
  close(): Promise<void>;
}

/** The table name used locally: the logical id ("Cases", "Ledger", ...). */
export function localTableName(def: TableDef): string {
  return def.id;
}

function keySchema(partitionKey: KeyDef, sortKey?: KeyDef): KeySchemaElement[] {
  const schema: KeySchemaElement[] = [{ AttributeName: partitionKey.name, KeyType: 'HASH' }];
  if (sortKey) schema.push({ AttributeName: sortKey.name, KeyType: 'RANGE' });
  return schema;
}

function attributeDefinitions(def: TableDef): AttributeDefinition[] {
  const keys = [def.partitionKey, def.sortKey, ...def.indexes.flatMap((i) => [i.partitionKey, i.sortKey])];
  const byName = new Map<string, AttributeDefinition>();
  for (const key of keys) {
    if (!key) continue;
    const seen = byName.get(key.name);
    if (seen && seen.AttributeType !== key.type) {
      throw new Error(
        `Table ${def.id}: attribute ${key.name} is declared both ${seen.AttributeType} and ${key.type}`,
      );
    }
    byName.set(key.name, { AttributeName: key.name, AttributeType: key.type });
  }
  return [...byName.values()];
}

async function listAllTables(client: DynamoDBClient): Promise<Set<string>> {
  const names = new Set<string>();
  let start: string | undefined;
  do {
    const page = await client.send(new ListTablesCommand({ ExclusiveStartTableName: start }));
    for (const name of page.TableNames ?? []) names.add(name);
    start = page.LastEvaluatedTableName;
  } while (start);
  return names;
}

async function waitUntilActive(client: DynamoDBClient, tableName: string, deadlineMs = 5000): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    const indexesActive = (Table?.GlobalSecondaryIndexes ?? []).every((i) => i.IndexStatus === 'ACTIVE');
    if (Table?.TableStatus === 'ACTIVE' && indexesActive) return;
    if (Date.now() > deadline) throw new Error(`Table ${tableName} not ACTIVE after ${deadlineMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/**
 * Creates every table of `tables` (all of TABLES by default) that does not exist yet, with the same keys
 * and GSIs (and their projections) as the stack, on-demand billing, and waits until they are ACTIVE.
 * Returns the names of the tables it created; existing tables are left as they are.
 */
export async function createTables(
  client: DynamoDBClient,
  tables: readonly TableDef[] = Object.values(TABLES),
): Promise<string[]> {
  const existing = await listAllTables(client);
  const created: string[] = [];
  for (const def of tables) {
    const name = localTableName(def);
    if (existing.has(name)) continue;
    try {
      await client.send(
        new CreateTableCommand({
          TableName: name,
          BillingMode: 'PAY_PER_REQUEST',
          AttributeDefinitions: attributeDefinitions(def),
          KeySchema: keySchema(def.partitionKey, def.sortKey),
          GlobalSecondaryIndexes:
            def.indexes.length === 0
              ? undefined
              : def.indexes.map((index) => ({
                  IndexName: index.name,
                  KeySchema: keySchema(index.partitionKey, index.sortKey),
                  Projection: { ProjectionType: index.projection ?? 'ALL' },
                })),
        }),
      );
      created.push(name);
    } catch (error) {
      // Another process created it between ListTables and CreateTable: fine.
      if (!(error instanceof ResourceInUseException)) throw error;
    }
    await waitUntilActive(client, name);
  }
  return created;
}

function listen(server: Server, port: number): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve(server.address() as AddressInfo);
    });
  });
}

/** Starts dynalite on 127.0.0.1 and makes sure every Ladder table exists in it. */
export async function startStore(opts: StoreOptions = {}): Promise<LocalStore> {
  if (opts.dataDir) await mkdir(opts.dataDir, { recursive: true });
  const server = dynalite({
    ...(opts.dataDir ? { path: opts.dataDir } : {}),
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
  });
  const { port } = await listen(server, opts.port ?? 0);
  const endpoint = `http://127.0.0.1:${port}`;
  const dispatch = directDispatch(captureStore(server));

  let closed: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closed ??= new Promise<void>((resolve, reject) => {
      // dynalite's close() waits for the HTTP server, then closes LevelDB (releasing the on-disk lock).
      server.close((err?: Error) => (err ? reject(err) : resolve()));
      // Keep-alive sockets of SDK clients would otherwise hold the server open.
      server.closeAllConnections();
    });
    return closed;
  };

  const client = new DynamoDBClient({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
  try {
    await createTables(client);
  } catch (error) {
    await close().catch(() => undefined);
    throw error;
  } finally {
    client.destroy();
  }
  return { endpoint, dispatch, close };
}
