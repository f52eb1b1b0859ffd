import { documentClient, stores } from '../adapters/env.js';
import { systemClock } from '../domain/clock.js';
import { LadderError } from '../domain/errors.js';
import { bundledPolicies } from '../domain/policies.js';
import { createEventsCore } from '../events/core.js';
import { buildInboundSmsHandler } from './handler.js';

const s = stores(documentClient());
export const handler = buildInboundSmsHandler({
  contacts: s.contacts(),
  events: createEventsCore({
    cases: s.cases(),
    // An opt-out changes the profile only; it never ends a wait, so this function has no Step Functions
    // permission. Should that change, this fails loudly instead of silently not waking an execution.
    callbacks: {
      succeed: () => Promise.reject(new LadderError('the inbound SMS function cannot call back tasks')),
    },
    clock: systemClock,
    policies: bundledPolicies(),
  }),
  clock: systemClock,
});
