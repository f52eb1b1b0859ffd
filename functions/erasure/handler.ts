import type { EventBridgeEvent } from 'aws-lambda';
import { lambdaHandler } from '../adapters/handler.js';
import { logger } from '../adapters/powertools.js';
import { createErasureCore, type ErasureDeps } from './core.js';

/** EventBridge rule `BorrowerErasureRequested` -> this function. */
export function buildErasureHandler(deps: ErasureDeps) {
  const core = createErasureCore(deps);
  return lambdaHandler('Erasure', async (event: EventBridgeEvent<string, unknown>) => {
    const result = await core(event['detail-type'], event.detail);
    const borrowerId = (event.detail as { borrowerId?: unknown })?.borrowerId;
    logger.info('erasure', { borrowerId, applied: result.applied, note: result.note });
    return { applied: result.applied, ...(result.note ? { note: result.note } : {}) };
  });
}
