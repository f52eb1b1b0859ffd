import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { documentClient } from '../functions/adapters/env.js';
import { ValidationError } from '../functions/domain/errors.js';
import { LOCAL_CREDENTIALS, LOCAL_REGION, startStore } from './services/store.js';

/**
 * A directory that holds the embedded store: dynalite keeps LevelDB files there (CURRENT names the
 * manifest). Checked first because opening any other directory would create an empty store in it.
 */
export function requireStoreDir(dir: string): void {
  if (!existsSync(dir) || !statSync(dir).isDirectory())
    throw new ValidationError(`${dir}: no such directory`);
  try {
    readdirSync(dir);
  } catch (error) {
    throw new ValidationError(`${dir}: cannot read it (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  if (!existsSync(join(dir, 'CURRENT')))
    throw new ValidationError(`${dir}: not a Ladder data directory (no embedded store in it)`);
}

/**
 * Runs `job` with a document client on the embedded store of `dir`, then closes the store (it must
 * not be open in another process: LevelDB locks it).
 */
export async function withDataDir<T>(
  dir: string,
  job: (db: DynamoDBDocumentClient) => Promise<T>,
): Promise<T> {
  requireStoreDir(dir);
  const store = await startStore({ dataDir: dir }).catch((error: Error) => {
    throw new ValidationError(
      `${dir}: cannot open the store (is \`ladder serve\` using it?): ${error.message.split('\n')[0]}`,
    );
  });
  const client = new DynamoDBClient({
    endpoint: store.endpoint,
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
  });
  try {
    return await job(documentClient(client));
  } finally {
    client.destroy();
    await store.close();
  }
}
