/**
 * Short-circuits the local runtime's SDK clients to the local services in this process.
 *
 * Over HTTP each DynamoDB call costs the SDK's serialisation, endpoint resolution, SigV4 signing,
 * retry bookkeeping and deserialisation, a socket round trip and dynalite's HTTP parsing: measured
 * here (2 busy cores), about 400 Query+PutItem calls a second over HTTP, against about 2,500 for
 * dynalite's own work called directly. The middleware below
 * sits right after lib-dynamodb's marshalling (so the stores' commands, expressions and marshalled
 * items are exactly what they send to AWS) and hands the call to dynalite's request handler in
 * process; the answer is unmarshalled and errors become the SDK's own exception classes, so
 * `translateAwsError` sees what it would see from AWS. Skipped on this path: the SDK's own retries
 * (an injected or real throttle reaches the handler at once, and the state machine's Retry takes it).
 */
import * as dynamodb from '@aws-sdk/client-dynamodb';
import type { LocalStore, StoreAnswer } from './store.js';

type Wire = Record<string, unknown>;

/** A DynamoDB AttributeValue (wire JSON) to the plain value lib-dynamodb would give. */
function fromAttribute(value: Wire): unknown {
  if ('S' in value) return value.S;
  if ('N' in value) return Number(value.N);
  if ('BOOL' in value) return value.BOOL;
  if ('NULL' in value) return null;
  if ('M' in value) return fromItem(value.M as Record<string, Wire>);
  if ('L' in value) return (value.L as Wire[]).map(fromAttribute);
  if ('SS' in value) return new Set(value.SS as string[]);
  if ('NS' in value) return new Set((value.NS as string[]).map(Number));
  if ('B' in value) return Buffer.from(value.B as string, 'base64');
  if ('BS' in value) return new Set((value.BS as string[]).map((b) => Buffer.from(b, 'base64')));
  throw new Error(`unsupported attribute value: ${Object.keys(value).join(',')}`);
}

function fromItem(item: Record<string, Wire>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(item)) out[key] = fromAttribute(value);
  return out;
}

const ITEM_FIELDS = ['Item', 'Attributes', 'LastEvaluatedKey'] as const;

function unmarshallOutput(body: Wire): Wire {
  const out: Wire = { ...body };
  for (const field of ITEM_FIELDS) {
    if (out[field]) out[field] = fromItem(out[field] as Record<string, Wire>);
  }
  if (Array.isArray(out.Items)) out.Items = (out.Items as Array<Record<string, Wire>>).map(fromItem);
  return out;
}

/** dynalite's error body as the SDK's exception class of that name (DynamoDBServiceException if none). */
export function dynamoError(answer: StoreAnswer): Error {
  const type = String(answer.body.__type ?? 'InternalServerError');
  const name = type.slice(type.lastIndexOf('#') + 1);
  const message = String(answer.body.message ?? answer.body.Message ?? name);
  const $metadata = { httpStatusCode: answer.statusCode };
  const Modeled = (dynamodb as unknown as Record<string, unknown>)[name];
  if (typeof Modeled === 'function' && Modeled.prototype instanceof dynamodb.DynamoDBServiceException) {
    return new (Modeled as new (o: object) => Error)({ message, $metadata });
  }
  return new dynamodb.DynamoDBServiceException({
    name,
    $fault: answer.statusCode >= 500 ? 'server' : 'client',
    message,
    $metadata,
  });
}

/**
 * Sends every lib-dynamodb command of `client` to `store` in process. Commands sent without the
 * document client (CreateTable, ...) are not supported on this client: the store creates its tables.
 */
export function useInProcessStore(
  client: dynamodb.DynamoDBClient,
  store: Pick<LocalStore, 'dispatch'>,
): void {
  const middleware =
    (_next: unknown, context: { commandName?: string }) => async (args: { input: object }) => {
      const operation = String(context.commandName).replace(/Command$/, '');
      const answer = await store.dispatch(operation, args.input);
      if (answer.statusCode !== 200) throw dynamoError(answer);
      return { output: { ...unmarshallOutput(answer.body), $metadata: { httpStatusCode: 200 } } };
    };
  client.middlewareStack.addRelativeTo(middleware as never, {
    name: 'localInProcessStore',
    relation: 'after',
    toMiddleware: 'DocumentMarshall',
  });
  // The steps after this one never run on this path; the SDK still copies and sorts the client's
  // middleware into a new stack on every send, so they are taken out. The serializer and deserializer
  // stay: lib-dynamodb checks that the client has a serializer and wraps it in another client if not.
  for (const name of UNREACHED) client.middlewareStack.remove(name);
}

/** The client's build and finalize steps (sent requests only): headers, user agent, retries, signing. */
const UNREACHED = [
  'contentLengthMiddleware',
  'getUserAgentMiddleware',
  'hostHeaderMiddleware',
  'recursionDetectionMiddleware',
  'retryMiddleware',
  'httpSigningMiddleware',
];
