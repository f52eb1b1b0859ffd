import { AsyncLocalStorage } from 'node:async_hooks';
import {
  DynamoDBClient,
  InternalServerError,
  ProvisionedThroughputExceededException,
} from '@aws-sdk/client-dynamodb';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SNSClient } from '@aws-sdk/client-sns';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type * as Env from '../functions/adapters/env.js';
import type * as Messaging from '../functions/adapters/messaging.js';
import type { Access } from './access.js';
import { useInProcessStore } from './services/in-process.js';
import { inProcessMessagingClients } from './services/in-process-messaging.js';
import type { LocalServices } from './services/index.js';
import { MemoryTables, OPERATIONS } from './services/memory-store.js';

/**
 * The real AWS SDK clients the handlers get locally: DynamoDB on the embedded store (each request
 * counted, and failed when a fault hook says so), SNS and SES on the local sinks.
 */

/**
 * A DynamoDB call fails as it would once the SDK's own retries gave up: throttled
 * (ProvisionedThroughputExceededException) or the service unavailable (InternalServerError).
 */
export type DynamoDbFault = (call: {
  operation: string;
  table: string;
  input: Record<string, unknown>;
}) => 'throttle' | 'unavailable' | undefined;

export interface SdkOptions {
  /**
   * How the DynamoDB client reaches the embedded store: 'in-process' (the default) hands each
   * marshalled call to dynalite's validations and actions directly (services/dynalite-direct.ts); 'http' goes through the endpoint with
   * the whole SDK stack (signing, retries), several times slower; 'memory' (the fast mode) gives the
   * stores a document client over in-memory tables (services/memory-store.ts), with no SDK at all.
   */
  dynamodb?: 'in-process' | 'http' | 'memory';
  /**
   * How the SNS and SES clients reach the sinks: 'http' (the default) through their endpoints;
   * 'in-process' (every simulation, both modes) with a request handler that calls the sinks directly.
   */
  messaging?: 'http' | 'in-process';
  fault?: DynamoDbFault;
}

/** The invocation in progress: which function runs (its role checks the calls) and its request counter. */
interface Invocation {
  readonly fn: string;
  readonly counter: { ddb: number };
}
const invocation = new AsyncLocalStorage<Invocation>();

/**
 * Runs one invocation's handler as the function `fn`: the SDK calls it makes are checked against that
 * function's role (local/access.ts), and the DynamoDB requests it makes are counted in `counter` too.
 */
export const runAs = <T>(fn: string, counter: { ddb: number }, work: () => T): T =>
  invocation.run({ fn, counter }, work);

/**
 * Runs `work` outside any invocation: what a function starts elsewhere (an execution, in Step
 * Functions) is not part of its invocation, and must not be checked or counted as it.
 */
export const outsideInvocations = <T>(work: () => T): T => invocation.exit(work);

/** The function whose invocation is in progress, if any. */
export const currentFunction = (): string | undefined => invocation.getStore()?.fn;

/**
 * The counter of the invocation in progress, if any: a function invoked by another (the ledger
 * writer, by the stage) counts its requests towards the invocation that asked for them.
 */
export const currentRequestCounter = (): { ddb: number } | undefined => invocation.getStore()?.counter;

/** Adds the IAM check (if any) to a client: it runs first, before any fault, marshalling or retry. */
function checked<C extends { middlewareStack: { use(p: never): void } }>(client: C, access: Access): C {
  const plugin = access.middleware();
  if (plugin) client.middlewareStack.use(plugin as never);
  return client;
}

/** Counts a DynamoDB request (in total and towards the invocation in progress), then fails it if a fault says so. */
function countAndFault(
  counters: { ddbRequests: number },
  fault: DynamoDbFault | undefined,
  operation: string,
  input: Record<string, unknown>,
): void {
  counters.ddbRequests += 1;
  const current = invocation.getStore();
  if (current) current.counter.ddb += 1;
  const injected = fault?.({ operation, table: String(input.TableName), input });
  const $metadata = {};
  if (injected === 'throttle')
    throw new ProvisionedThroughputExceededException({ message: 'injected throttle', $metadata });
  if (injected === 'unavailable') throw new InternalServerError({ message: 'injected outage', $metadata });
}

/**
 * The fast mode's document client: each command checked against the calling function's role (as the
 * SDK middleware checks it), counted, failed if a fault says so, then answered by the in-memory tables.
 * The stores only `send` commands, so this is all of the client they see.
 */
function memoryDocumentClient(
  tables: MemoryTables,
  counters: { ddbRequests: number },
  options: SdkOptions,
  access: Access,
): DynamoDBDocumentClient {
  const send = async (command: { input: object; constructor: unknown }) => {
    const operation = OPERATIONS.get(command.constructor) ?? 'Unknown';
    access.check('DynamoDBClient', operation, command.input);
    countAndFault(counters, options.fault, operation, command.input as Record<string, unknown>);
    return tables.send(command);
  };
  return { send } as unknown as DynamoDBDocumentClient;
}

/** The DynamoDB client: every request counted (in total and per invocation), then its fault if any. */
function dynamoDbClient(
  services: LocalServices,
  counters: { ddbRequests: number },
  options: SdkOptions,
  access: Access,
) {
  const dynamo = checked(new DynamoDBClient({}), access);
  dynamo.middlewareStack.add(
    (next, context) => async (args) => {
      const operation = String(context.commandName).replace(/Command$/, '');
      countAndFault(counters, options.fault, operation, args.input as Record<string, unknown>);
      return next(args);
    },
    { step: 'initialize', name: 'countRequests' },
  );
  if ((options.dynamodb ?? 'in-process') === 'in-process') useInProcessStore(dynamo, services.dynamodb);
  return dynamo;
}

/** Tells `sent` the message id of every SMS and e-mail the provider accepted (their delivery reports follow). */
function withReports<C extends SNSClient | SESv2Client>(client: C, sent?: (messageId: string) => void): C {
  if (!sent) return client;
  client.middlewareStack.add(
    (next) => async (args) => {
      const result = await next(args);
      const id = (result.output as { MessageId?: string }).MessageId;
      if (id) sent(id);
      return result;
    },
    { step: 'initialize', name: 'reportDelivery' },
  );
  return client;
}

/**
 * The stores over DynamoDB, and the messaging over SNS and SES, as the functions construct them; each
 * client checks its calls against the calling function's role (`access`).
 */
export function localSdk(
  modules: { env: typeof Env; messaging: typeof Messaging },
  services: LocalServices,
  counters: { ddbRequests: number },
  options: SdkOptions & { sent?: { sms(id: string): void; email(id: string): void } },
  access: Access,
) {
  const { documentClient, stores } = modules.env;
  const sent = options.sent;
  const db =
    options.dynamodb === 'memory'
      ? memoryDocumentClient(new MemoryTables(), counters, options, access)
      : documentClient(dynamoDbClient(services, counters, options, access));
  // Simulations hand SNS and SES requests to the sinks in process (services/in-process-messaging.ts).
  const fast = options.messaging === 'in-process';
  const { sns, ses } = fast
    ? inProcessMessagingClients(services)
    : { sns: new SNSClient({}), ses: new SESv2Client({}) };
  return {
    stores: stores(db),
    messaging: new modules.messaging.AwsMessaging(
      withReports(checked(sns, access), sent?.sms),
      withReports(checked(ses, access), sent?.email),
      'collections@example.com',
    ),
  };
}

export type LocalStores = ReturnType<typeof Env.stores>;
