import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SFNClient } from '@aws-sdk/client-sfn';
import { documentClient, requireEnv, stores } from '../adapters/env.js';
import { BusPublisher, SfnCallbacks } from '../adapters/workflow.js';
import { systemClock } from '../domain/clock.js';
import { bundledPolicies } from '../domain/policies.js';
import { buildEventsHandler } from './handler.js';

const s = stores(documentClient());
export const handler = buildEventsHandler({
  cases: s.cases(),
  callbacks: new SfnCallbacks(new SFNClient({})),
  clock: systemClock,
  policies: bundledPolicies(),
  bus: new BusPublisher(new EventBridgeClient({}), requireEnv('EVENT_BUS_NAME')),
  tasks: s.tasks(),
});
