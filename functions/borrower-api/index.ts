import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { KMSClient } from '@aws-sdk/client-kms';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SNSClient } from '@aws-sdk/client-sns';
import { CLIENT_CONFIG, documentClient, requireEnv, stores } from '../adapters/env.js';
import { LambdaLedgerWriter } from '../adapters/ledger-writer.js';
import { KmsMacKey } from '../adapters/mac-key.js';
import { AwsMessaging } from '../adapters/messaging.js';
import { BusPublisher, SfnCallbacks } from '../adapters/workflow.js';
import { systemClock } from '../domain/clock.js';
import { bundledPolicies } from '../domain/policies.js';
import { createEventsCore } from '../events/core.js';
import { buildBorrowerApiHandler } from './handler.js';

const s = stores(documentClient());
const callbacks = new SfnCallbacks(new SFNClient(CLIENT_CONFIG));
const policies = bundledPolicies();
const kms = new KMSClient(CLIENT_CONFIG);
// The PROFILE records of preferences and contact corrections: through the ledger writer, as the stage's.
const profileLedger = {
  ledger: s.ledger(),
  writer: new LambdaLedgerWriter(new LambdaClient(CLIENT_CONFIG), requireEnv('LEDGER_WRITER_FUNCTION')),
  policies,
};
export const handler = buildBorrowerApiHandler({
  cases: s.cases(),
  tasks: s.tasks(),
  callbacks,
  clock: systemClock,
  policies,
  links: new KmsMacKey(kms, requireEnv('LINK_KEY')),
  correction: {
    contacts: s.contacts(),
    // One-time codes to a new phone number or address, as the stage sends (SNS, SES).
    messaging: new AwsMessaging(
      new SNSClient(CLIENT_CONFIG),
      new SESv2Client(CLIENT_CONFIG),
      requireEnv('SENDER_EMAIL'),
      process.env.SES_CONFIGURATION_SET,
    ),
    cases: s.cases(),
    clock: systemClock,
    profileLedger,
    lines: new KmsMacKey(kms, requireEnv('LINE_KEY')),
  },
  events: createEventsCore({
    cases: s.cases(),
    callbacks,
    clock: systemClock,
    policies,
    bus: new BusPublisher(new EventBridgeClient(CLIENT_CONFIG), requireEnv('EVENT_BUS_NAME')),
    tasks: s.tasks(),
    profileLedger,
  }),
});
