import { documentClient, stores } from '../adapters/env.js';
import { systemClock } from '../domain/clock.js';
import { bundledPolicies } from '../domain/policies.js';
import { createEventsCore } from '../events/core.js';
import { inboundSmsEventsDeps } from './core.js';
import { buildInboundSmsHandler } from './handler.js';

const s = stores(documentClient());
export const handler = buildInboundSmsHandler({
  contacts: s.contacts(),
  events: createEventsCore(
    inboundSmsEventsDeps({ cases: s.cases(), clock: systemClock, policies: bundledPolicies() }),
  ),
  clock: systemClock,
});
