import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { SFNClient } from '@aws-sdk/client-sfn';
import { CLIENT_CONFIG, documentClient, requireEnv, stores } from '../adapters/env.js';
import { LambdaLedgerWriter } from '../adapters/ledger-writer.js';
import { BusPublisher, SfnCallbacks } from '../adapters/workflow.js';
import { systemClock } from '../domain/clock.js';
import { bundledPolicies } from '../domain/policies.js';
import { buildEventsHandler } from './handler.js';

const s = stores(documentClient());
const policies = bundledPolicies();
export const handler = buildEventsHandler({
  cases: s.cases(),
  callbacks: new SfnCallbacks(new SFNClient(CLIENT_CONFIG)),
  clock: systemClock,
  policies,
  bus: new BusPublisher(new EventBridgeClient(CLIENT_CONFIG), requireEnv('EVENT_BUS_NAME')),
  tasks: s.tasks(),
  profileLedger: {
    ledger: s.ledger(),
    writer: new LambdaLedgerWriter(new LambdaClient(CLIENT_CONFIG), requireEnv('LEDGER_WRITER_FUNCTION')),
    policies,
  },
});
