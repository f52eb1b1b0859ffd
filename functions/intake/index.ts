import { KMSClient } from '@aws-sdk/client-kms';
import { SFNClient } from '@aws-sdk/client-sfn';
import { CLIENT_CONFIG, documentClient, requireEnv, stores } from '../adapters/env.js';
import { KmsMacKey } from '../adapters/mac-key.js';
import { SfnStarter } from '../adapters/workflow.js';
import { systemClock } from '../domain/clock.js';
import { once } from '../domain/once.js';
import { bundledPolicies } from '../domain/policies.js';
import { bundledSegments } from '../domain/segments.js';
import { buildIntakeHandler } from './handler.js';

const db = documentClient();
const s = stores(db);
export const handler = buildIntakeHandler({
  cases: s.cases(),
  contacts: s.contacts(),
  starter: new SfnStarter(
    new SFNClient(CLIENT_CONFIG),
    JSON.parse(requireEnv('STATE_MACHINE_ARNS')) as Record<string, string>,
  ),
  clock: systemClock,
  policies: bundledPolicies(),
  segments: once(() => bundledSegments(bundledPolicies())),
  lines: new KmsMacKey(new KMSClient(CLIENT_CONFIG), requireEnv('LINE_KEY')),
});
