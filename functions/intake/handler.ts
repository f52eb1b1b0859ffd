import type { EventBridgeEvent, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { lambdaHandler } from '../adapters/handler.js';
import { logger } from '../adapters/powertools.js';
import { LadderError } from '../domain/errors.js';
import { createIntakeCore, type IntakeDeps } from './core.js';

type Delinquent = EventBridgeEvent<'LoanDelinquent', unknown>;

/**
 * LoanDelinquent events, from the intake queue (the EventBridge rule's target; see lib/ladder.ts) in
 * batches, or one EventBridge event (the local runtime delivers them so). In a batch, each event that
 * fails is reported back alone: SQS redelivers it after the visibility timeout, and after five
 * receives (bad input included) it goes to the dead-letter queue. The rest of the batch is done.
 */
export function buildIntakeHandler(deps: IntakeDeps) {
  const core = createIntakeCore(deps);
  const one = async (event: Delinquent) => {
    const result = await core(event.detail);
    logger.info('intake', {
      executionName: result.executionName,
      started: result.started,
      newCase: result.newCase,
    });
    return result;
  };
  return lambdaHandler('Intake', async (event: Delinquent | SQSEvent) => {
    if (!('Records' in event)) return one(event);
    const response: SQSBatchResponse = { batchItemFailures: [] };
    for (const record of event.Records) {
      try {
        await one(JSON.parse(record.body) as Delinquent);
      } catch (error) {
        const e = error as Error;
        logger.warn('intake: event not taken', {
          messageId: record.messageId,
          errorName: e.name,
          ...(error instanceof LadderError ? { errorMessage: e.message } : {}),
        });
        response.batchItemFailures.push({ itemIdentifier: record.messageId });
      }
    }
    return response;
  });
}
