/**
 * Starts every AWS service the Ladder functions call, locally and in this process: DynamoDB
 * (dynalite), SNS SMS (a sink) and SES v2 (aws-ses-v2-local). `localAwsEnv` gives the environment
 * variables that point the unmodified AWS SDK v3 clients at them, so the functions run on one machine
 * with no AWS and no code path of their own for it.
 */
import { TABLE_ENV, TABLES } from '../../functions/adapters/tables.js';
import { type LocalEmail, startEmail } from './email.js';
import { type SmsSink, startSmsSink } from './sms-sink.js';
import { LOCAL_CREDENTIALS, LOCAL_REGION, type LocalStore, localTableName, startStore } from './store.js';

export type { EmailOptions, LocalEmail, StoredEmail } from './email.js';
export { startEmail } from './email.js';
export type { FailurePlan, OutboxEntry, SmsSink, SmsSinkOptions } from './sms-sink.js';
export { startSmsSink } from './sms-sink.js';
export type { LocalStore, StoreOptions } from './store.js';
export { createTables, LOCAL_CREDENTIALS, LOCAL_REGION, localTableName, startStore } from './store.js';

export interface LocalServicesOptions {
  /** Keep DynamoDB data in this directory across restarts; in memory if unset. */
  dataDir?: string;
  /** Do not print the endpoints to stderr. */
  quiet?: boolean;
  /** Fixed ports on 127.0.0.1 (0 or unset: a free one). */
  ports?: { dynamodb?: number; sms?: number; email?: number };
}

export interface LocalServices {
  dynamodb: LocalStore;
  sms: SmsSink;
  email: LocalEmail;
  endpoints: { dynamodb: string; sns: string; sesv2: string; inbox: string };
  /** Stops all three; safe to call more than once. */
  close(): Promise<void>;
}

/** Starts the store, the SMS sink and the e-mail service; if one fails, the others are stopped again. */
export async function startLocalServices(opts: LocalServicesOptions = {}): Promise<LocalServices> {
  const started: Array<{ close(): Promise<void> }> = [];
  const closeAll = async (): Promise<void> => {
    const results = await Promise.allSettled(started.map((s) => s.close()));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  };
  try {
    const dynamodb = await startStore({ dataDir: opts.dataDir, port: opts.ports?.dynamodb });
    started.push(dynamodb);
    const sms = await startSmsSink({ port: opts.ports?.sms });
    started.push(sms);
    const email = await startEmail({ port: opts.ports?.email });
    started.push(email);

    const endpoints = {
      dynamodb: dynamodb.endpoint,
      sns: sms.endpoint,
      sesv2: email.endpoint,
      inbox: email.inboxUrl,
    };
    if (!opts.quiet) {
      process.stderr.write(
        `local services: DynamoDB ${endpoints.dynamodb} (${opts.dataDir ?? 'in memory'}), ` +
          `SMS ${endpoints.sns}/outbox, e-mail inbox ${endpoints.inbox}\n`,
      );
    }
    let closed: Promise<void> | undefined;
    return {
      dynamodb,
      sms,
      email,
      endpoints,
      close: () => {
        closed ??= closeAll();
        return closed;
      },
    };
  } catch (error) {
    await closeAll().catch(() => undefined);
    throw error;
  }
}

/**
 * Environment variables that send the AWS SDK v3 to the local services without code changes. The SDK
 * reads `AWS_ENDPOINT_URL_<serviceId>` (serviceId upper-cased, spaces as underscores): DynamoDB, SNS
 * and SESv2 (client-sesv2's serviceId is "SESv2"). Also the dummy credentials, the region, and the
 * table-name variables of functions/adapters/tables.ts (`CASES_TABLE`, ...).
 */
export function localAwsEnv(services: Pick<LocalServices, 'endpoints'>): Record<string, string> {
  const env: Record<string, string> = {
    AWS_ENDPOINT_URL_DYNAMODB: services.endpoints.dynamodb,
    AWS_ENDPOINT_URL_SNS: services.endpoints.sns,
    AWS_ENDPOINT_URL_SESV2: services.endpoints.sesv2,
    AWS_REGION: LOCAL_REGION,
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
  };
  for (const [key, envName] of Object.entries(TABLE_ENV) as Array<[keyof typeof TABLES, string]>) {
    env[envName] = localTableName(TABLES[key]);
  }
  return env;
}
