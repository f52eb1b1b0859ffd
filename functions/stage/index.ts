import { KMSClient } from '@aws-sdk/client-kms';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SNSClient } from '@aws-sdk/client-sns';
import { CLIENT_CONFIG, documentClient, requireEnv, stores } from '../adapters/env.js';
import { lazily } from '../adapters/lazy.js';
import { LambdaLedgerWriter } from '../adapters/ledger-writer.js';
import { KmsMacKey } from '../adapters/mac-key.js';
import { AwsMessaging } from '../adapters/messaging.js';
import { systemClock } from '../domain/clock.js';
import { linkIssuer, newLinkId } from '../domain/links.js';
import { bundledPolicies } from '../domain/policies.js';
import { buildStageHandler } from './handler.js';

const s = stores(documentClient());
// Checked at load; their clients are created on first use: most stage runs publish no event, store
// no evidence pack and continue no ladder, so a cold start does not load those SDK packages
// (S3, EventBridge, Step Functions; docs/benchmarks.md, cold start).
const busName = requireEnv('EVENT_BUS_NAME');
const evidenceBucket = requireEnv('EVIDENCE_BUCKET');
const pagesUrl = requireEnv('PAGES_URL');
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
  bus: lazily(() => import('../adapters/workflow.js').then((m) => m.busPublisher(busName))),
  clock: systemClock,
  policies: bundledPolicies(),
  evidence: lazily(() =>
    import('../adapters/evidence-store.js').then((m) => m.s3EvidenceStore(evidenceBucket)),
  ),
  continuer: lazily(() => import('../adapters/workflow.js').then((m) => m.sfnContinuer())),
  // Every message's {link} is signed: KMS is used on every run that sends, so its client is made at load.
  links: linkIssuer(
    new KmsMacKey(new KMSClient(CLIENT_CONFIG), requireEnv('LINK_KEY')),
    () => pagesUrl,
    newLinkId,
  ),
});
