/**
 * The fast mode's DynamoDB (`ladder simulate --fast`): the tables of functions/adapters/tables.ts held
 * as plain objects in this process, answering the document client's commands (Get, Put, Update,
 * Delete, Query, Scan) that the stores in functions/adapters send, with DynamoDB's semantics for
 * what those stores rely on: conditional writes failing with ConditionalCheckFailedException, Query in
 * sort-key order (either direction) with Limit and LastEvaluatedKey, sparse and keys-only global
 * indexes, projections, key types and the item size limit checked (ValidationException).
 *
 * The stores run unchanged on it: the same code, the same commands, and the same adapter contract
 * tests as on the embedded DynamoDB (test/local/store-contract.test.ts). What it skips is the wire:
 * no marshalling into AttributeValues, no HTTP or in-process request parsing, no LevelDB.
 * Scan returns items in insertion order (DynamoDB promises no order for Scan).
 */
import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  ScanCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { type KeyDef, TABLES, type TableDef } from '../../functions/adapters/tables.js';
import { dynamoError } from './in-process.js';
import { copyItem, readCopy } from './memory-copy.js';
import {
  applyUpdate,
  type Condition,
  compareValues,
  ExpressionError,
  holds,
  type Item,
  type Placeholders,
  parseCondition,
  parseUpdate,
  projectionOf,
} from './memory-expressions.js';
import { localTableName } from './store.js';

const MAX_ITEM_BYTES = 400 * 1024;

/** The document client commands the stores send, by the DynamoDB operation each one is. */
export const OPERATIONS = new Map<unknown, string>([
  [GetCommand, 'GetItem'],
  [PutCommand, 'PutItem'],
  [UpdateCommand, 'UpdateItem'],
  [DeleteCommand, 'DeleteItem'],
  [QueryCommand, 'Query'],
  [ScanCommand, 'Scan'],
]);

type Input = Record<string, unknown> & { TableName?: string };
interface Index {
  name: string;
  hash: KeyDef;
  range?: KeyDef;
  keysOnly: boolean;
}
interface Table {
  def: TableDef;
  /** Items by partition key value, then by sort key value ('' without a sort key). */
  partitions: Map<unknown, Map<unknown, Item>>;
  indexes: Index[];
  /** Per index: its items by index partition key value, then by the item's table key. */
  entries: Map<string, Map<unknown, Map<string, Item>>>;
}

const invalid = (message: string) =>
  dynamoError({
    statusCode: 400,
    body: { __type: 'com.amazonaws.dynamodb.v20120810#ValidationException', message },
  });
const conditionFailed = () =>
  dynamoError({
    statusCode: 400,
    body: {
      __type: 'com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException',
      message: 'The conditional request failed',
    },
  });

function checkKey(item: Item, key: KeyDef | undefined, what: string): void {
  if (!key) return;
  const v = item[key.name];
  if (v === undefined)
    throw invalid(`One or more parameter values were invalid: Missing the key ${key.name} in the ${what}`);
  if (
    (key.type === 'S' && (typeof v !== 'string' || v === '')) ||
    (key.type === 'N' && typeof v !== 'number')
  )
    throw invalid(
      `One or more parameter values were invalid: Type mismatch for key ${key.name} expected: ${key.type}`,
    );
}

const placeholders = (input: Input): Placeholders => ({
  names: input.ExpressionAttributeNames as Record<string, string> | undefined,
  values: input.ExpressionAttributeValues as Record<string, unknown> | undefined,
});

/** The key attributes of an item (table keys, then the index's when one is given). */
function keyOf(table: Table, item: Item, index?: Index): Item {
  const key: Item = {};
  for (const k of [table.def.partitionKey, table.def.sortKey, index?.hash, index?.range])
    if (k) key[k.name] = item[k.name];
  return key;
}

function project(item: Item, table: Table, input: Input, index?: Index): Item {
  const p = placeholders(input);
  const names =
    typeof input.ProjectionExpression === 'string'
      ? projectionOf(input.ProjectionExpression, p)
      : index?.keysOnly
        ? Object.keys(keyOf(table, item, index))
        : undefined;
  if (!names) return readCopy(item);
  const out: Item = {};
  for (const n of names) if (item[n] !== undefined) out[n] = item[n];
  return readCopy(out);
}

/** The hash equality and the optional sort key condition of a KeyConditionExpression. */
function keyCondition(c: Condition, p: Placeholders, hash: KeyDef) {
  const parts = c.op === 'and' ? [c.left, c.right] : [c];
  let hashValue: unknown;
  let range: Condition | undefined;
  for (const part of parts) {
    if (part.op === '=' && 'path' in part.left && 'value' in part.right) {
      const name = p.names?.[part.left.path] ?? part.left.path;
      if (name === hash.name) {
        hashValue = p.values?.[part.right.value];
        continue;
      }
    }
    if (range) throw invalid('Query key condition not supported');
    range = part;
  }
  if (hashValue === undefined) throw invalid(`Query condition missed key schema element: ${hash.name}`);
  return { hashValue, range };
}

export class MemoryTables {
  private readonly tables = new Map<string, Table>();

  constructor(defs: TableDef[] = Object.values(TABLES)) {
    for (const def of defs) {
      const indexes = def.indexes.map((i) => ({
        name: i.name,
        hash: i.partitionKey,
        ...(i.sortKey ? { range: i.sortKey } : {}),
        keysOnly: i.projection === 'KEYS_ONLY',
      }));
      const entries = new Map(indexes.map((i) => [i.name, new Map()]));
      this.tables.set(localTableName(def), { def, partitions: new Map(), indexes, entries });
    }
  }

  /** Answers one document client command as DynamoDB would, with the SDK's own error classes. */
  async send(command: { input: object; constructor: unknown }): Promise<Item> {
    const operation = OPERATIONS.get(command.constructor);
    if (!operation) throw invalid(`the in-memory store does not support ${String(command.constructor)}`);
    try {
      return this.answer(operation, command.input as Input);
    } catch (error) {
      // A bad expression is DynamoDB's ValidationException; a value marshall refuses is the SDK's Error.
      if (error instanceof ExpressionError) throw invalid(error.message);
      throw error;
    }
  }

  private answer(operation: string, input: Input): Item {
    const table = this.table(input.TableName);
    switch (operation) {
      case 'GetItem': {
        const item = this.stored(table, input.Key as Item);
        return { Item: item ? project(item, table, input) : undefined, $metadata: {} };
      }
      case 'PutItem':
        this.write(table, input.Item as Item, input, () => (input.Item as Item) ?? {});
        return { $metadata: {} };
      case 'UpdateItem': {
        const update = parseUpdate(String(input.UpdateExpression ?? ''));
        const key = input.Key as Item;
        this.write(table, key, input, (old) => applyUpdate(update, old ?? { ...key }, placeholders(input)));
        return { $metadata: {} };
      }
      case 'DeleteItem':
        this.write(table, input.Key as Item, input, () => undefined);
        return { $metadata: {} };
      case 'Query':
        return this.query(table, input);
      default:
        return this.scan(table, input);
    }
  }

  private table(name: unknown): Table {
    const table = this.tables.get(String(name));
    if (!table)
      throw dynamoError({
        statusCode: 400,
        body: { __type: '#ResourceNotFoundException', message: 'Requested resource not found' },
      });
    return table;
  }

  private stored(table: Table, key: Item): Item | undefined {
    checkKey(key, table.def.partitionKey, 'key');
    checkKey(key, table.def.sortKey, 'key');
    const range = table.def.sortKey ? key[table.def.sortKey.name] : '';
    return table.partitions.get(key[table.def.partitionKey.name])?.get(range);
  }

  /** A conditional write: `next` gives the new item from the stored one (undefined: delete). */
  private write(table: Table, key: Item, input: Input, next: (old: Item | undefined) => Item | undefined) {
    const old = this.stored(table, key);
    if (typeof input.ConditionExpression === 'string') {
      if (!holds(parseCondition(input.ConditionExpression), old, placeholders(input)))
        throw conditionFailed();
    }
    const hashValue = key[table.def.partitionKey.name];
    const rangeValue = table.def.sortKey ? key[table.def.sortKey.name] : '';
    const wanted = next(old);
    let partition = table.partitions.get(hashValue);
    const tableKey = `${String(hashValue)}\u0000${String(rangeValue)}`;
    if (old) indexed(table, old, tableKey, 'remove');
    if (wanted === undefined) {
      partition?.delete(rangeValue);
      if (partition?.size === 0) table.partitions.delete(hashValue);
      return;
    }
    const { item, bytes } = copyItem(wanted, MAX_ITEM_BYTES);
    if (bytes > MAX_ITEM_BYTES) throw invalid('Item size has exceeded the maximum allowed size');
    for (const index of table.indexes) {
      // An index key present must have its declared type; absent, the item is not in the index.
      if (item[index.hash.name] !== undefined) checkKey(item, index.hash, 'item');
      if (index.range && item[index.range.name] !== undefined) checkKey(item, index.range, 'item');
    }
    if (!partition) {
      partition = new Map();
      table.partitions.set(hashValue, partition);
    }
    partition.set(rangeValue, item);
    indexed(table, item, tableKey, 'add');
  }

  private query(table: Table, input: Input): Item {
    const index =
      input.IndexName === undefined ? undefined : table.indexes.find((i) => i.name === input.IndexName);
    if (input.IndexName !== undefined && !index)
      throw invalid(`The table does not have the specified index: ${String(input.IndexName)}`);
    const hash = index?.hash ?? table.def.partitionKey;
    const range = index ? index.range : table.def.sortKey;
    const p = placeholders(input);
    const condition = keyCondition(parseCondition(String(input.KeyConditionExpression ?? '')), p, hash);
    let items: Item[];
    if (index) items = [...(table.entries.get(index.name)?.get(condition.hashValue)?.values() ?? [])];
    else items = [...(table.partitions.get(condition.hashValue)?.values() ?? [])];
    if (condition.range) items = items.filter((item) => holds(condition.range as Condition, item, p));
    const order = (a: Item, b: Item) =>
      (range ? compareValues(a[range.name], b[range.name]) : 0) ||
      compareValues(a[table.def.partitionKey.name], b[table.def.partitionKey.name]) ||
      (table.def.sortKey ? compareValues(a[table.def.sortKey.name], b[table.def.sortKey.name]) : 0);
    items.sort(input.ScanIndexForward === false ? (a, b) => order(b, a) : order);
    return this.page(table, items, input, index, order);
  }

  private scan(table: Table, input: Input): Item {
    const segments = Number(input.TotalSegments ?? 1);
    const segment = Number(input.Segment ?? 0);
    const items: Item[] = [];
    for (const [hashValue, partition] of table.partitions) {
      if (segments > 1 && segmentOf(String(hashValue), segments) !== segment) continue;
      items.push(...partition.values());
    }
    return this.page(table, items, input, undefined);
  }

  /** From after ExclusiveStartKey, at most Limit items; LastEvaluatedKey when Limit stopped the page. */
  private page(
    table: Table,
    items: Item[],
    input: Input,
    index?: Index,
    order?: (a: Item, b: Item) => number,
  ) {
    let from = 0;
    const start = input.ExclusiveStartKey as Item | undefined;
    if (start) {
      const forward = input.ScanIndexForward !== false;
      const after = (item: Item) => {
        if (!order) return false;
        const o = order(item, start);
        return forward ? o > 0 : o < 0;
      };
      from = order
        ? items.findIndex(after)
        : items.findIndex((i) => sameKey(keyOf(table, i), keyOf(table, start))) + 1;
      if (from < 0) from = items.length;
    }
    const limit = typeof input.Limit === 'number' ? input.Limit : Number.POSITIVE_INFINITY;
    const page = items.slice(from, from + limit);
    const last = page.length === limit ? page[page.length - 1] : undefined;
    return {
      Items: page.map((item) => project(item, table, input, index)),
      Count: page.length,
      ScannedCount: page.length,
      ...(last ? { LastEvaluatedKey: keyOf(table, last, index) } : {}),
      $metadata: {},
    };
  }
}

/** Adds the item to, or removes it from, each index whose keys it carries (sparse indexes). */
function indexed(table: Table, item: Item, tableKey: string, change: 'add' | 'remove'): void {
  for (const index of table.indexes) {
    const hashValue = item[index.hash.name];
    if (hashValue === undefined || (index.range && item[index.range.name] === undefined)) continue;
    const byHash = table.entries.get(index.name);
    let entries = byHash?.get(hashValue);
    if (change === 'remove') {
      entries?.delete(tableKey);
      if (entries?.size === 0) byHash?.delete(hashValue);
      continue;
    }
    if (!entries) {
      entries = new Map();
      byHash?.set(hashValue, entries);
    }
    entries.set(tableKey, item);
  }
}

const sameKey = (a: Item, b: Item) => Object.keys(a).every((k) => a[k] === b[k]);

/** A partition's scan segment: a stable hash of its key, so a whole chain falls in one segment. */
function segmentOf(key: string, segments: number): number {
  let h = 2166136261;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 16777619);
  return (h >>> 0) % segments;
}
