import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalStore, startStore } from '../../local/services/store.js';

/**
 * The in-process dispatch (local/services/dynalite-direct.ts) answers as dynalite's HTTP endpoint
 * does: each request is sent both ways, to two stores given the same requests in the same order, and
 * the status and body must be the same, errors included (validation, conditions, key schema, item
 * size, unknown tables and operations). The endpoint is the oracle: it is dynalite's own handler.
 */
const HEADERS = {
  authorization:
    'AWS4-HMAC-SHA256 Credential=local/20260101/local/dynamodb/aws4_request, SignedHeaders=host, Signature=0',
  'x-amz-date': '20260101T000000Z',
  'content-type': 'application/x-amz-json-1.0',
};

async function overHttp(store: LocalStore, operation: string, input: unknown) {
  const response = await fetch(store.endpoint, {
    method: 'POST',
    headers: { ...HEADERS, 'x-amz-target': `DynamoDB_20120810.${operation}` },
    body: JSON.stringify(input),
  });
  return { statusCode: response.status, body: (await response.json()) as Record<string, unknown> };
}

const caseItem = (pk: string, rev: number, extra: Record<string, unknown> = {}) => ({
  pk: { S: pk },
  sk: { S: 'PROFILE' },
  rev: { N: String(rev) },
  ...extra,
});

const REQUESTS: Array<[string, string, unknown]> = [
  ['a first write', 'PutItem', { TableName: 'Cases', Item: caseItem('B#1', 1) }],
  [
    'a conditional write that holds',
    'PutItem',
    {
      TableName: 'Cases',
      Item: caseItem('B#1', 2),
      ConditionExpression: 'rev = :rev',
      ExpressionAttributeValues: { ':rev': { N: '1' } },
      ReturnValues: 'ALL_OLD',
    },
  ],
  [
    'a conditional write that fails',
    'PutItem',
    {
      TableName: 'Cases',
      Item: caseItem('B#1', 3),
      ConditionExpression: 'rev = :rev',
      ExpressionAttributeValues: { ':rev': { N: '1' } },
    },
  ],
  ['a read', 'GetItem', { TableName: 'Cases', Key: { pk: { S: 'B#1' }, sk: { S: 'PROFILE' } } }],
  [
    'a query',
    'Query',
    {
      TableName: 'Cases',
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': { S: 'B#1' } },
    },
  ],
  [
    'an expression that does not parse',
    'Query',
    {
      TableName: 'Cases',
      KeyConditionExpression: 'pk = = :pk',
      ExpressionAttributeValues: { ':pk': { S: 'B#1' } },
    },
  ],
  [
    'a key of the wrong type',
    'GetItem',
    { TableName: 'Cases', Key: { pk: { N: '1' }, sk: { S: 'PROFILE' } } },
  ],
  ['a key that misses its sort key', 'GetItem', { TableName: 'Cases', Key: { pk: { S: 'B#1' } } }],
  [
    'an item over 400 KB',
    'PutItem',
    { TableName: 'Cases', Item: caseItem('B#2', 1, { doc: { S: 'x'.repeat(410_000) } }) },
  ],
  ['a table that does not exist', 'GetItem', { TableName: 'Nope', Key: { pk: { S: 'B#1' } } }],
  ['a field of the wrong type', 'GetItem', { TableName: 'Cases', Key: 'B#1' }],
  ['an operation dynalite does not serve', 'TransactWriteItems', { TransactItems: [] }],
];

describe('dynalite called in process', () => {
  let direct: LocalStore;
  let http: LocalStore;
  beforeAll(async () => {
    [direct, http] = await Promise.all([startStore(), startStore()]);
  });
  afterAll(async () => {
    await Promise.all([direct.close(), http.close()]);
  });

  it('answers every request with the status and body of its HTTP endpoint, successes and errors', async () => {
    const statuses: number[] = [];
    for (const [what, operation, input] of REQUESTS) {
      const expected = await overHttp(http, operation, input);
      const answer = await direct.dispatch(operation, input);
      expect({ what, ...answer }).toEqual({ what, ...expected });
      statuses.push(answer.statusCode);
    }
    // The list exercises both: four that succeed, every other one an error.
    expect(statuses.filter((s) => s === 200)).toHaveLength(4);
    expect(statuses.filter((s) => s === 400)).toHaveLength(REQUESTS.length - 4);
  });
});
