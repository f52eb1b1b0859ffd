import { lambdaHandler } from '../adapters/handler.js';
import { ValidationError } from '../domain/errors.js';
import { createDeliveryCore, type DeliveryDeps } from './core.js';
import { type DeliveryReport, emailReports, letterReports, smsReports } from './reports.js';

/**
 * Three sources invoke it: the CloudWatch Logs subscription on SNS's SMS delivery-status log groups
 * (`awslogs`), SES's events through EventBridge (source aws.ses), and LetterDispatched from the bus.
 */
export function reportsOf(event: unknown): DeliveryReport[] {
  const e = event as {
    awslogs?: { data: string };
    source?: string;
    'detail-type'?: string;
    detail?: unknown;
  };
  if (e.awslogs) return smsReports(e.awslogs);
  if (e.source === 'aws.ses') return emailReports(e.detail);
  if (e['detail-type'] === 'LetterDispatched') return letterReports(e.detail);
  throw new ValidationError('delivery: not a delivery report (SMS log, SES event or LetterDispatched)');
}

export function buildDeliveryHandler(deps: DeliveryDeps) {
  const core = createDeliveryCore(deps);
  return lambdaHandler('Delivery', (event: unknown) => core(reportsOf(event)));
}
