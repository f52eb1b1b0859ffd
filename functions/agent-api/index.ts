import { SFNClient } from '@aws-sdk/client-sfn';
import { CLIENT_CONFIG, documentClient, stores } from '../adapters/env.js';
import { SfnCallbacks } from '../adapters/workflow.js';
import { systemClock } from '../domain/clock.js';
import { bundledPolicies } from '../domain/policies.js';
import { buildAgentApiHandler } from './handler.js';

const s = stores(documentClient());
export const handler = buildAgentApiHandler({
  tasks: s.tasks(),
  callbacks: new SfnCallbacks(new SFNClient(CLIENT_CONFIG)),
  cases: s.cases(),
  conversations: s.conversations(),
  policies: bundledPolicies(),
  clock: systemClock,
});
