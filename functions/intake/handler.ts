import type { EventBridgeEvent } from 'aws-lambda';
import { lambdaHandler } from '../adapters/handler.js';
import { logger } from '../adapters/powertools.js';
import { createIntakeCore, type IntakeDeps } from './core.js';

/** EventBridge rule `LoanDelinquent` -> this function. */
export function buildIntakeHandler(deps: IntakeDeps) {
  const core = createIntakeCore(deps);
  return lambdaHandler('Intake', async (event: EventBridgeEvent<'LoanDelinquent', unknown>) => {
    const result = await core(event.detail);
    logger.info('intake', {
      executionName: result.executionName,
      started: result.started,
      newCase: result.newCase,
    });
    return result;
  });
}
