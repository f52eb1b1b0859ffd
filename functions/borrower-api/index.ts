import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { KMSClient } from '@aws-sdk/client-kms';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { SFNClient } from '@aws-sdk/client-sfn';
import { CLIENT_CONFIG, documentClient, requireEnv, stores } from '../adapters/env.js';
import { s3EvidenceStore } from '../adapters/evidence-store.js';
import { LambdaLedgerWriter } from '../adapters/ledger-writer.js';
import { KmsMacKey } from '../adapters/mac-key.js';
import { BusPublisher, SfnCallbacks } from '../adapters/workflow.js';
import { systemClock } from '../domain/clock.js';
import { bundledPolicies } from '../domain/policies.js';
import { createEventsCore } from '../events/core.js';
import { buildBorrowerApiHandler } from './handler.js';

const s = stores(documentClient());
const evidence = s3EvidenceStore(requireEnv('EVIDENCE_BUCKET'), requireEnv('EVIDENCE_KEY'));
const callbacks = new SfnCallbacks(new SFNClient(CLIENT_CONFIG));
const policies = bundledPolicies();
export const handler = buildBorrowerApiHandler({
  cases: s.cases(),
  tasks: s.tasks(),
  callbacks,
  clock: systemClock,
  policies,
  evidence,
  ledger: s.ledger(),
  writer: new LambdaLedgerWriter(new LambdaClient(CLIENT_CONFIG), requireEnv('LEDGER_WRITER_FUNCTION')),
  links: new KmsMacKey(new KMSClient(CLIENT_CONFIG), requireEnv('LINK_KEY')),
  events: createEventsCore({
    cases: s.cases(),
    callbacks,
    clock: systemClock,
    policies,
    bus: new BusPublisher(new EventBridgeClient(CLIENT_CONFIG), requireEnv('EVENT_BUS_NAME')),
    tasks: s.tasks(),
  }),
});
