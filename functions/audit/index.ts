import { KMSClient } from '@aws-sdk/client-kms';
import { CLIENT_CONFIG, documentClient, requireEnv, stores } from '../adapters/env.js';
import { KmsMacKey } from '../adapters/mac-key.js';
import { systemClock } from '../domain/clock.js';
import { bundledPolicies } from '../domain/policies.js';
import { buildAuditHandler } from './handler.js';

const s = stores(documentClient());
export const handler = buildAuditHandler({
  ledger: s.ledger(),
  seals: s.seals(),
  key: new KmsMacKey(new KMSClient(CLIENT_CONFIG), requireEnv('LEDGER_SEAL_KEY')),
  clock: systemClock,
  cases: s.cases(),
  policies: bundledPolicies(),
});
