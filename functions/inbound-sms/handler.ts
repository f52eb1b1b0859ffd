import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { SNSEvent } from 'aws-lambda';
import { lambdaHandler } from '../adapters/handler.js';
import { logger, metrics } from '../adapters/powertools.js';
import { type LadderError, ValidationError } from '../domain/errors.js';
import { createInboundSmsCore, type InboundSmsDeps } from './core.js';
import { parseInbound } from './messages.js';

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
    let items = 0;
    for (const record of event.Records ?? []) {
      try {
        const inbound = await parseInbound(record.Sns.Message, record.Sns.MessageId);
        const result =
          inbound.channel === 'SMS' ? await core.sms(inbound.input) : await core.email(inbound.input);
        if (result.optOut) optOuts += result.borrowers;
        if (result.optIn) optIns += result.borrowers;
        items += result.items;
        // The intent and counts only: never the borrower's words or number.
        logger.info('inbound reply', {
          channel: inbound.channel,
          optOut: result.optOut,
          optIn: result.optIn,
          keyword: result.keyword,
          borrowers: result.borrowers,
          intent: result.intent,
          items: result.items,
        });
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error;
        logger.warn('inbound sms rejected', { errorMessage: (error as LadderError).message });
        metrics.addMetric('InboundSmsRejected', MetricUnit.Count, 1);
      }
    }
    metrics.addMetric('SmsOptOuts', MetricUnit.Count, optOuts);
    metrics.addMetric('SmsOptIns', MetricUnit.Count, optIns);
    metrics.addMetric('ConversationItems', MetricUnit.Count, items);
    return { optOuts, optIns, items };
  });
}

export { inboundSmsEventsDeps } from './core.js';
