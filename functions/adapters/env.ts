import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ValidationError } from '../domain/errors.js';
import { CaseStore } from './case-store.js';
import { ContactStore } from './contact-store.js';
import { ConversationStore } from './conversation-store.js';
import { LedgerStore } from './ledger-store.js';
import { SealStore } from './seal-store.js';
import { TABLE_ENV } from './tables.js';
import { TaskStore } from './task-store.js';

/**
 * Each entry point creates only the SDK clients it uses, so each bundle carries only those.
 * Configuration read once at cold start: a missing variable fails the start-up, not the first
 * borrower. The same constructors serve the local runtime, whose environment points the real SDK
 * clients at the embedded store and the local sinks (AWS_ENDPOINT_URL_*).
 */
export function requireEnv(name: string, env: NodeJS.ProcessEnv = process.env): string {
  const value = env[name];
  if (!value) throw new ValidationError(`environment variable ${name} is not set`);
  return value;
}

/**
 * Every AWS SDK client of the functions: a call that hangs fails after 5 s (the SDK retries it, at
 * most three attempts) instead of running into the function's 30 s timeout. A stage that sent and
 * then waits on a hung ledger write thus fails inside the invocation and keeps its send receipt (see
 * functions/stage/record.ts); a timeout would kill it before it could.
 */
export const CLIENT_CONFIG = {
  maxAttempts: 3,
  requestHandler: { connectionTimeout: 2_000, requestTimeout: 5_000 },
} as const;

export const documentClient = (client = new DynamoDBClient(CLIENT_CONFIG)): DynamoDBDocumentClient =>
  DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });

export const stores = (db: DynamoDBDocumentClient, env: NodeJS.ProcessEnv = process.env) => ({
  cases: () => new CaseStore(db, requireEnv(TABLE_ENV.cases, env)),
  contacts: () => new ContactStore(db, requireEnv(TABLE_ENV.contacts, env)),
  conversations: () => new ConversationStore(db, requireEnv(TABLE_ENV.conversations, env)),
  ledger: () => new LedgerStore(db, requireEnv(TABLE_ENV.ledger, env)),
  seals: () => new SealStore(db, requireEnv(TABLE_ENV.seals, env)),
  tasks: () => new TaskStore(db, requireEnv(TABLE_ENV.tasks, env)),
});
