import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { documentClient } from '../../functions/adapters/env.js';
import { checkCompliance } from '../../functions/compliance/check.js';
import type { Violation } from '../../functions/compliance/types.js';
import { readStore } from '../../local/compliance.js';
import type { LocalLadder } from '../../local/runtime.js';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../local/services/store.js';

/**
 * A simulation's `onFinish` that runs the independent compliance check over the run's store, as
 * `ladder audit compliance` reads it, and hands the violations to `found`.
 */
export const checkComplianceAfterRun =
  (found: (violations: Violation[]) => void) =>
  async (l: LocalLadder): Promise<void> => {
    const client = new DynamoDBClient({
      endpoint: l.services.endpoints.dynamodb,
      region: LOCAL_REGION,
      credentials: LOCAL_CREDENTIALS,
    });
    found(checkCompliance(await readStore(documentClient(client)), { policies: l.policies }));
    client.destroy();
  };
