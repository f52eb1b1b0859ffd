import { SFNClient } from '@aws-sdk/client-sfn';
import { CLIENT_CONFIG, documentClient, stores } from '../adapters/env.js';
import { SfnCallbacks } from '../adapters/workflow.js';
import { systemClock } from '../domain/clock.js';
import { bundledPolicies } from '../domain/policies.js';
import { buildErasureHandler } from './handler.js';

const s = stores(documentClient());
export const handler = buildErasureHandler({
  cases: s.cases(),
  contacts: s.contacts(),
  conversations: s.conversations(),
  tasks: s.tasks(),
  callbacks: new SfnCallbacks(new SFNClient(CLIENT_CONFIG)),
  clock: systemClock,
  policies: bundledPolicies(),
});
