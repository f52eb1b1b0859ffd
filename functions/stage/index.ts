import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { S3Client } from '@aws-sdk/client-s3';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SNSClient } from '@aws-sdk/client-sns';
import { CLIENT_CONFIG, documentClient, requireEnv, stores } from '../adapters/env.js';
import { S3EvidenceStore } from '../adapters/evidence-store.js';
import { LambdaLedgerWriter } from '../adapters/ledger-writer.js';
import { AwsMessaging } from '../adapters/messaging.js';
import { BusPublisher, SfnContinuer } from '../adapters/workflow.js';
import { systemClock } from '../domain/clock.js';
import { bundledPolicies } from '../domain/policies.js';
import { buildStageHandler } from './handler.js';

const s = stores(documentClient());
export const handler = buildStageHandler({
  cases: s.cases(),
  contacts: s.contacts(),
  conversations: s.conversations(),
  ledger: s.ledger(),
  writer: new LambdaLedgerWriter(new LambdaClient(CLIENT_CONFIG), requireEnv('LEDGER_WRITER_FUNCTION')),
  messaging: new AwsMessaging(
    new SNSClient(CLIENT_CONFIG),
    new SESv2Client(CLIENT_CONFIG),
    requireEnv('SENDER_EMAIL'),
    process.env.SES_CONFIGURATION_SET,
  ),
  bus: new BusPublisher(new EventBridgeClient(CLIENT_CONFIG), requireEnv('EVENT_BUS_NAME')),
  clock: systemClock,
  policies: bundledPolicies(),
  evidence: new S3EvidenceStore(new S3Client(CLIENT_CONFIG), requireEnv('EVIDENCE_BUCKET')),
  continuer: new SfnContinuer(new SFNClient(CLIENT_CONFIG)),
});
