import { SFNClient } from '@aws-sdk/client-sfn';
import { CLIENT_CONFIG, documentClient, requireEnv, stores } from '../adapters/env.js';
import { SfnCallbacks } from '../adapters/workflow.js';
import { systemClock } from '../domain/clock.js';
import { bundledPolicies } from '../domain/policies.js';
import { buildDeskApiHandler } from './handler.js';

const s = stores(documentClient());
export const handler = buildDeskApiHandler(
  {
    tasks: s.tasks(),
    callbacks: new SfnCallbacks(new SFNClient(CLIENT_CONFIG)),
    cases: s.cases(),
    conversations: s.conversations(),
    contacts: s.contacts(),
    ledger: s.ledger(),
    policies: bundledPolicies(),
    clock: systemClock,
  },
  {
    authorizeUrl: requireEnv('DESK_AUTHORIZE_URL'),
    clientId: requireEnv('DESK_CLIENT_ID'),
    redirectUri: requireEnv('DESK_REDIRECT_URI'),
  },
);
