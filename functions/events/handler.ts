import type { EventBridgeEvent } from 'aws-lambda';
import { lambdaHandler } from '../adapters/handler.js';
import { logger } from '../adapters/powertools.js';
import { createEventsCore, type EventsDeps } from './core.js';

/** EventBridge rules for PaymentReceived and the borrower events -> this function. */
export function buildEventsHandler(deps: EventsDeps) {
  const core = createEventsCore(deps);
  return lambdaHandler('Events', async (event: EventBridgeEvent<string, unknown>) => {
    const result = await core(event['detail-type'], event.detail);
    logger.info('event', { type: event['detail-type'], applied: result.applied, note: result.note });
    return result;
  });
}
