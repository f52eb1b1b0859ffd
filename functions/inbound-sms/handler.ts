import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { SNSEvent } from 'aws-lambda';
import { lambdaHandler } from '../adapters/handler.js';
import { logger, metrics } from '../adapters/powertools.js';
import { type LadderError, ValidationError } from '../domain/errors.js';
import { createInboundSmsCore, type InboundSmsDeps } from './core.js';

/**
 * SNS topic of two-way SMS (AWS End User Messaging SMS publishes each inbound message as JSON with
 * originationNumber and messageBody) -> this function. A message that can never be understood is
 * logged (by field name only) and counted, not retried; a throttled store is retried by Lambda.
 */
export function buildInboundSmsHandler(deps: InboundSmsDeps) {
  const core = createInboundSmsCore(deps);
  return lambdaHandler('InboundSms', async (event: SNSEvent) => {
    let optOuts = 0;
    let optIns = 0;
    for (const record of event.Records ?? []) {
      try {
        const message = parseMessage(record.Sns.Message);
        const result = await core(message);
        if (result.optOut) optOuts += result.borrowers;
        if (result.optIn) optIns += result.borrowers;
        logger.info('inbound sms', {
          optOut: result.optOut,
          optIn: result.optIn,
          keyword: result.keyword,
          borrowers: result.borrowers,
        });
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error;
        logger.warn('inbound sms rejected', { errorMessage: (error as LadderError).message });
        metrics.addMetric('InboundSmsRejected', MetricUnit.Count, 1);
      }
    }
    metrics.addMetric('SmsOptOuts', MetricUnit.Count, optOuts);
    metrics.addMetric('SmsOptIns', MetricUnit.Count, optIns);
    return { optOuts, optIns };
  });
}

function parseMessage(text: string): { from: unknown; body: unknown } {
  let message: { originationNumber?: unknown; messageBody?: unknown };
  try {
    message = JSON.parse(text) as typeof message;
  } catch {
    throw new ValidationError('inbound SMS: the SNS message is not JSON');
  }
  return { from: message?.originationNumber, body: message?.messageBody };
}

export { inboundSmsEventsDeps } from './core.js';
