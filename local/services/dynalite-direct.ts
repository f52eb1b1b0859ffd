/**
 * The default local runtime's DynamoDB calls, answered by dynalite's own validations and actions in
 * this process without its HTTP layer. Over dynalite's request handler each call paid, on top of the
 * work that decides the answer: the request serialised to JSON and parsed back, `url.parse` of the
 * request line, the Authorization header split into its parts, a random 52-character request id, the
 * answer serialised with a CRC32 of it and parsed back again (about a fifth of the store's time in a
 * profile of a run's requests replayed alone; docs/benchmarks.md). What decides the answer is
 * unchanged: the same type checks (`checkTypes`), the same validations (expressions, key schema, item
 * size), the same actions on the same LevelDB, and the same error bodies, with the HTTP status
 * dynalite would have sent. The HTTP endpoint keeps serving the same store.
 *
 * dynalite does not export the store its server was built on; it hands it to every validation.
 * `captureStore` sends one ListTables through the server's request handler with `checkValidations`
 * wrapped, synchronously (dynalite validates before its first asynchronous step), and unwraps it.
 */
import { EventEmitter } from 'node:events';
import type { Server } from 'node:http';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** dynalite's thrown and returned errors carry the HTTP status and the wire body. */
interface DynaliteError {
  statusCode?: number;
  body?: Record<string, unknown>;
}
type Callback = (error: (Error & DynaliteError) | null, data?: Record<string, unknown>) => void;
type Action = (store: unknown, data: Record<string, unknown>, done: Callback) => void;
interface Validation {
  types: Record<string, unknown>;
  custom?: unknown;
}
interface Validations {
  checkTypes(data: unknown, types: Record<string, unknown>): Record<string, unknown>;
  checkValidations(data: unknown, types: Record<string, unknown>, custom: unknown, store: unknown): void;
}

const validations = require('dynalite/validations') as Validations;

/** The operations dynalite serves (its `validOperations`), each to its action and validation. */
const OPERATIONS = [
  'BatchGetItem',
  'BatchWriteItem',
  'CreateTable',
  'DeleteItem',
  'DeleteTable',
  'DescribeTable',
  'DescribeTimeToLive',
  'GetItem',
  'ListTables',
  'PutItem',
  'Query',
  'Scan',
  'TagResource',
  'UntagResource',
  'ListTagsOfResource',
  'UpdateItem',
  'UpdateTable',
] as const;

const handlers = new Map(
  OPERATIONS.map((operation) => {
    const file = operation.charAt(0).toLowerCase() + operation.slice(1);
    return [
      operation as string,
      {
        action: require(`dynalite/actions/${file}`) as Action,
        validation: require(`dynalite/validations/${file}`) as Validation,
      },
    ];
  }),
);

export interface DirectAnswer {
  statusCode: number;
  body: Record<string, unknown>;
}

const UNSIGNED = {
  authorization:
    'AWS4-HMAC-SHA256 Credential=local/20260101/local/dynamodb/aws4_request, SignedHeaders=host, Signature=0',
  'x-amz-date': '20260101T000000Z',
  'content-type': 'application/x-amz-json-1.0',
  'x-amz-target': 'DynamoDB_20120810.ListTables',
};

/** The store behind `server`, from the arguments of the validation of one ListTables sent through it. */
export function captureStore(server: Server): unknown {
  const handler = server.listeners('request')[0] as ((req: unknown, res: unknown) => void) | undefined;
  if (!handler) throw new Error('dynalite: no request handler on the server');
  const original = validations.checkValidations;
  let store: unknown;
  validations.checkValidations = (data, types, custom, given) => {
    store = given;
    return original(data, types, custom, given);
  };
  try {
    const req = Object.assign(new EventEmitter(), { method: 'POST', url: '/', headers: UNSIGNED });
    handler(req, { setHeader: () => undefined, end: () => undefined });
    req.emit('data', Buffer.from('{}'));
    req.emit('end');
  } finally {
    validations.checkValidations = original;
  }
  if (!store) throw new Error('dynalite: its store was not seen in the validation of a request');
  return store;
}

/** The answer with what JSON would drop dropped (keys whose value is undefined), as the wire gives it. */
function defined(data: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(data)) if (value !== undefined) out[key] = value;
  return out;
}

/**
 * One call, as dynalite's request handler would answer it after its HTTP checks: the input in its
 * wire JSON form (copied through JSON, as a request body is), type-checked and validated, then run.
 */
export function directDispatch(store: unknown) {
  return (operation: string, input: unknown): Promise<DirectAnswer> =>
    new Promise<DirectAnswer>((resolve, reject) => {
      const handler = handlers.get(operation);
      if (!handler) {
        resolve({ statusCode: 400, body: { __type: 'com.amazon.coral.service#UnknownOperationException' } });
        return;
      }
      let data: Record<string, unknown>;
      try {
        data = validations.checkTypes(JSON.parse(JSON.stringify(input ?? {})), handler.validation.types);
        validations.checkValidations(data, handler.validation.types, handler.validation.custom, store);
      } catch (error) {
        const e = error as DynaliteError;
        if (e.statusCode && e.body) resolve({ statusCode: e.statusCode, body: e.body });
        else reject(error);
        return;
      }
      handler.action(store, data, (error, answer) => {
        if (error?.statusCode && error.body) resolve({ statusCode: error.statusCode, body: error.body });
        else if (error) reject(error);
        else resolve({ statusCode: 200, body: defined(answer ?? {}) });
      });
    });
}
