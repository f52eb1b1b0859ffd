/**
 * An example consumer of Ladder's outbound events: the print vendor's adapter for LetterRequested.
 * It runs as a Lambda function on the SQS queue the LetterRequested rule targets (examples/consumers.ts
 * wires both). For each request it looks the borrower's postal address up in the lender's customer
 * system (Ladder's events never carry one), orders the letter from the vendor, keyed by the request's
 * idempotencyKey so a repeated event orders nothing twice; when the vendor reports the letter posted,
 * `reportDispatch` publishes LetterDispatched back to Ladder's bus, and the notice counts from then.
 *
 * Configuration, from the environment (one line names everything missing):
 *   PRINT_VENDOR_URL  the vendor's order endpoint (HTTPS)
 *   CUSTOMER_API_URL  the lender's customer system: GET <url>/<borrowerId>/postal-address
 *   LADDER_BUS        Ladder's bus (the stack output EventBusName), for LetterDispatched
 *   LETTER_SOURCE     the EventBridge source LetterDispatched is sent with: one the deployment accepts
 *                     for it (LadderProps.eventSources), and the only one this function may use (IAM)
 *
 *   npx tsx examples/print-vendor.ts    checks the configuration and exits 1 with that line if incomplete
 */
import { type EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { describeZodError, LetterDispatchedSchema } from '../functions/domain/events.js';
import { OUTBOUND_SCHEMAS, type OutboundDetail } from '../functions/domain/outbound.js';

export interface PrintVendorConfig {
  vendorUrl: string;
  customerApiUrl: string;
  busName: string;
  source: string;
}

const REQUIRED = {
  PRINT_VENDOR_URL: 'vendorUrl',
  CUSTOMER_API_URL: 'customerApiUrl',
  LADDER_BUS: 'busName',
  LETTER_SOURCE: 'source',
} as const;

/** The configuration, or one line naming every variable that is missing. */
export function configFrom(env: Readonly<Record<string, string | undefined>>): PrintVendorConfig {
  const missing = Object.keys(REQUIRED).filter((name) => !env[name]);
  if (missing.length > 0)
    throw new Error(`print-vendor: set ${missing.join(', ')} (see the top of examples/print-vendor.ts)`);
  const config = Object.fromEntries(Object.entries(REQUIRED).map(([name, key]) => [key, env[name]]));
  return config as unknown as PrintVendorConfig;
}

export interface PostalAddress {
  name: string;
  lines: string[];
  country: string;
}

/** What the adapter needs from outside: the lender's customer system and the vendor's API. */
export interface PrintVendorDeps {
  address(borrowerId: string): Promise<PostalAddress>;
  order(order: {
    orderId: string;
    templateId: string;
    templateVersion: number;
    locale: string;
    reference: string;
    address: PostalAddress;
  }): Promise<void>;
}

/**
 * One LetterRequested, as the SQS queue delivers it (the EventBridge event as the body): checked
 * against the contract Ladder publishes it under, then ordered.
 */
export async function onLetterRequested(body: string, deps: PrintVendorDeps): Promise<string> {
  const event = JSON.parse(body) as { source?: string; 'detail-type'?: string; detail?: unknown };
  if (event.source !== 'ladder' || event['detail-type'] !== 'LetterRequested')
    throw new Error(`print-vendor: not a LetterRequested from Ladder: ${event['detail-type']}`);
  const parsed = OUTBOUND_SCHEMAS.LetterRequested().safeParse(event.detail);
  if (!parsed.success) throw new Error(`print-vendor: LetterRequested v1: ${describeZodError(parsed.error)}`);
  const letter: OutboundDetail<'LetterRequested'> = parsed.data;
  await deps.order({
    orderId: letter.idempotencyKey,
    templateId: letter.templateId,
    templateVersion: letter.templateVersion,
    locale: letter.locale,
    reference: `${letter.loanId}/${letter.cycle}`,
    address: await deps.address(letter.borrowerId),
  });
  return letter.idempotencyKey;
}

/** The vendor posted the letter: LetterDispatched back to Ladder, keyed by the order id (the letter key). */
export async function reportDispatch(
  events: EventBridgeClient,
  config: Pick<PrintVendorConfig, 'busName' | 'source'>,
  report: { orderId: string; postedAt: string },
): Promise<void> {
  const detail = LetterDispatchedSchema().parse({ letterKey: report.orderId, dispatchedAt: report.postedAt });
  const out = await events.send(
    new PutEventsCommand({
      Entries: [
        {
          EventBusName: config.busName,
          Source: config.source,
          DetailType: 'LetterDispatched',
          Detail: JSON.stringify(detail),
        },
      ],
    }),
  );
  if ((out.FailedEntryCount ?? 0) > 0)
    throw new Error(`print-vendor: EventBridge refused LetterDispatched: ${out.Entries?.[0]?.ErrorCode}`);
}

async function call(url: string, init?: RequestInit): Promise<Response> {
  const response = await fetch(url, init);
  if (!response.ok)
    throw new Error(`print-vendor: ${init?.method ?? 'GET'} ${new URL(url).host}: ${response.status}`);
  return response;
}

/** The deps over HTTP: the customer system's address lookup and the vendor's order endpoint. */
export const httpDeps = (config: PrintVendorConfig): PrintVendorDeps => ({
  async address(borrowerId) {
    const url = `${config.customerApiUrl}/${encodeURIComponent(borrowerId)}/postal-address`;
    return (await (await call(url)).json()) as PostalAddress;
  },
  async order(order) {
    await call(config.vendorUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': order.orderId },
      body: JSON.stringify(order),
    });
  },
});

/** The Lambda handler on the SQS queue: a failed message is retried alone (ReportBatchItemFailures). */
export async function handler(event: SQSEvent): Promise<SQSBatchResponse> {
  const deps = httpDeps(configFrom(process.env));
  const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
  for (const record of event.Records) {
    try {
      await onLetterRequested(record.body, deps);
    } catch (error) {
      // The error names the field or the status, never the address.
      console.error((error as Error).message);
      batchItemFailures.push({ itemIdentifier: record.messageId });
    }
  }
  return { batchItemFailures };
}

if (process.argv[1]?.endsWith('print-vendor.ts')) {
  try {
    const config = configFrom(process.env);
    console.log(
      `print-vendor: configured: orders to ${new URL(config.vendorUrl).host}, reports to ${config.busName}`,
    );
  } catch (error) {
    console.error((error as Error).message);
    process.exitCode = 1;
  }
}
