import { AsyncLocalStorage } from 'node:async_hooks';
import {
  DynamoDBClient,
  InternalServerError,
  ProvisionedThroughputExceededException,
} from '@aws-sdk/client-dynamodb';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SNSClient } from '@aws-sdk/client-sns';
import type * as Env from '../functions/adapters/env.js';
import type * as Messaging from '../functions/adapters/messaging.js';
import { useInProcessStore } from './services/in-process.js';
import type { LocalServices } from './services/index.js';

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
   * marshalled call to dynalite's request handler directly; 'http' goes through the endpoint with
   * the whole SDK stack (signing, retries), several times slower.
   */
  dynamodb?: 'in-process' | 'http';
  fault?: DynamoDbFault;
}

const invocation = new AsyncLocalStorage<{ ddb: number }>();

/** Runs one invocation's handler: the DynamoDB requests it makes are counted in `perCall` too. */
export const countingRequests = <T>(perCall: { ddb: number }, fn: () => T): T => invocation.run(perCall, fn);

/**
 * The counter of the invocation in progress, if any: a function invoked by another (the ledger
 * writer, by the stage) counts its requests towards the invocation that asked for them.
 */
export const currentRequestCounter = (): { ddb: number } | undefined => invocation.getStore();

/** The DynamoDB client: every request counted (in total and per invocation), then its fault if any. */
function dynamoDbClient(services: LocalServices, counters: { ddbRequests: number }, options: SdkOptions) {
  const dynamo = new DynamoDBClient({});
  dynamo.middlewareStack.add(
    (next, context) => async (args) => {
      counters.ddbRequests += 1;
      const current = invocation.getStore();
      if (current) current.ddb += 1;
      const fault = options.fault?.({
        operation: String(context.commandName).replace(/Command$/, ''),
        table: String((args.input as { TableName?: string }).TableName),
        input: args.input as Record<string, unknown>,
      });
      const $metadata = {};
      if (fault === 'throttle')
        throw new ProvisionedThroughputExceededException({ message: 'injected throttle', $metadata });
      if (fault === 'unavailable') throw new InternalServerError({ message: 'injected outage', $metadata });
      return next(args);
    },
    { step: 'initialize', name: 'countRequests' },
  );
  if ((options.dynamodb ?? 'in-process') === 'in-process') useInProcessStore(dynamo, services.dynamodb);
  return dynamo;
}

/** Tells `sent` the message id of every SMS and e-mail the provider accepted (their delivery reports follow). */
function reportingSends<C extends SNSClient | SESv2Client>(client: C, sent: (messageId: string) => void): C {
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

/** The stores over DynamoDB, and the messaging over SNS and SES, as the functions construct them. */
export function localSdk(
  modules: { env: typeof Env; messaging: typeof Messaging },
  services: LocalServices,
  counters: { ddbRequests: number },
  options: SdkOptions & { sent?: { sms(id: string): void; email(id: string): void } },
) {
  const { documentClient, stores } = modules.env;
  const sent = options.sent;
  return {
    stores: stores(documentClient(dynamoDbClient(services, counters, options))),
    messaging: new modules.messaging.AwsMessaging(
      sent ? reportingSends(new SNSClient({}), sent.sms) : new SNSClient({}),
      sent ? reportingSends(new SESv2Client({}), sent.email) : new SESv2Client({}),
      'collections@example.com',
    ),
  };
}

export type LocalStores = ReturnType<typeof Env.stores>;
