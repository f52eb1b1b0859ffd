import { LambdaClient } from '@aws-sdk/client-lambda';
import { CLIENT_CONFIG, documentClient, requireEnv, stores } from '../adapters/env.js';
import { LambdaLedgerWriter } from '../adapters/ledger-writer.js';
import { systemClock } from '../domain/clock.js';
import { bundledPolicies } from '../domain/policies.js';
import { buildDeliveryHandler } from './handler.js';

const s = stores(documentClient());
export const handler = buildDeliveryHandler({
  cases: s.cases(),
  ledger: s.ledger(),
  writer: new LambdaLedgerWriter(new LambdaClient(CLIENT_CONFIG), requireEnv('LEDGER_WRITER_FUNCTION')),
  policies: bundledPolicies(),
  clock: systemClock,
});
