import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';

/**
 * One logger and metrics for every function. Contact details must never reach a log line:
 * the logger's JSON replacer masks anything shaped like a phone number or an e-mail address, in any
 * field, as a last line of defence (handlers log identifiers only). A name has no shape to mask, so
 * the fields that carry contact details or a borrower's own words are redacted by name wherever they
 * appear: that covers the invocation event, which Powertools logs whole when
 * POWERTOOLS_LOGGER_LOG_EVENT=true (a LoanDelinquent's `borrower`, an inbound SMS's `Message`).
 */
const PHONE = /\+?\d[\d\s().-]{7,}\d/g;
const EMAIL = /[^\s@"'<>]+@[^\s@"'<>]+\.[A-Za-z]{2,}/g;
const CONTACT_FIELDS = new Set([
  'borrower',
  'phone',
  'email',
  'PhoneNumber',
  'originationNumber',
  'destinationNumber',
  'messageBody',
  'Message',
]);

export const maskContactDetails = (text: string): string =>
  text.replace(EMAIL, '[email]').replace(PHONE, '[phone]');

export const logger = new Logger({
  serviceName: 'ladder',
  jsonReplacerFn: (key: string, value: unknown) =>
    CONTACT_FIELDS.has(key) && value !== undefined
      ? '[redacted]'
      : typeof value === 'string'
        ? maskContactDetails(value)
        : value,
});
// Metrics' own warnings go through the same structured logger (and its level) as everything else.
export const metrics = new Metrics({ namespace: 'Ladder', serviceName: 'ladder', logger });
// No Powertools tracer. It loads aws-xray-sdk-core (with semver, about 126 KB of each bundle by
// esbuild's metafile), and cls-hooked, which turns on async_hooks destroy tracking for every promise
// in the process (about 12% more CPU in a local run of 100 loans). What it added over Lambda's active
// tracing was a handler subsegment and a ColdStart annotation: the SDK clients were never captured.
// Lambda (tracing: ACTIVE) and the state machine (tracingEnabled) still trace every call.
