import { LambdaClient } from '@aws-sdk/client-lambda';
import { CLIENT_CONFIG, documentClient, requireEnv, stores } from '../adapters/env.js';
import { LambdaLedgerWriter } from '../adapters/ledger-writer.js';
import { systemClock } from '../domain/clock.js';
import { bundledPolicies } from '../domain/policies.js';
import { createEventsCore } from '../events/core.js';
import { inboundSmsEventsDeps } from './core.js';
import { buildInboundSmsHandler } from './handler.js';

const s = stores(documentClient());
const policies = bundledPolicies();
export const handler = buildInboundSmsHandler({
  contacts: s.contacts(),
  events: createEventsCore(inboundSmsEventsDeps({ cases: s.cases(), clock: systemClock, policies })),
  clock: systemClock,
  replies: {
    cases: s.cases(),
    conversations: s.conversations(),
    tasks: s.tasks(),
    ledger: s.ledger(),
    writer: new LambdaLedgerWriter(new LambdaClient(CLIENT_CONFIG), requireEnv('LEDGER_WRITER_FUNCTION')),
    policies,
    clock: systemClock,
  },
});
