import { gunzipSync } from 'node:zlib';
import * as z from 'zod';
import { LetterDispatchedSchema } from '../domain/events.js';
import { once } from '../domain/once.js';

/**
 * What the providers report about a message, in one shape: the SNS SMS delivery-status logs (through
 * a CloudWatch Logs subscription), SES's events (through the configuration set's EventBridge
 * destination), and the print vendor's LetterDispatched. Only the message reference, the outcome and
 * the time are kept: the logs also hold the phone number and the addresses, which go no further.
 */
export interface DeliveryReport {
  /** The SNS or SES message id, or the letter's key (LetterRequested's idempotencyKey). */
  ref: string;
  channel: 'SMS' | 'EMAIL' | 'LETTER';
  status: 'DELIVERED' | 'UNDELIVERED' | 'DISPATCHED';
  at: string;
  /** Why it was not delivered, in the provider's words (a bounce type, a carrier status), never the content. */
  reason?: string;
}

/** One SNS SMS delivery-status log line (JSON): `notification.messageId`, `status` SUCCESS or FAILURE. */
const SmsDeliveryLog = once(() =>
  z.object({
    notification: z.object({ messageId: z.string().min(1), timestamp: z.string() }),
    delivery: z.object({ providerResponse: z.string().max(200).optional() }).passthrough(),
    status: z.enum(['SUCCESS', 'FAILURE']),
  }),
);

/** A CloudWatch Logs subscription's payload: base64 of gzipped JSON with `logEvents[].message`. */
export function smsReports(awslogs: { data: string }): DeliveryReport[] {
  const batch = JSON.parse(gunzipSync(Buffer.from(awslogs.data, 'base64')).toString('utf8')) as {
    logEvents?: Array<{ message: string; timestamp: number }>;
  };
  return (batch.logEvents ?? []).flatMap((e) => {
    const parsed = SmsDeliveryLog().safeParse(JSON.parse(e.message));
    if (!parsed.success) return [];
    const { notification, status, delivery } = parsed.data;
    return [
      {
        ref: notification.messageId,
        channel: 'SMS' as const,
        status: status === 'SUCCESS' ? ('DELIVERED' as const) : ('UNDELIVERED' as const),
        at: new Date(e.timestamp).toISOString(),
        ...(status === 'FAILURE' && delivery.providerResponse
          ? { reason: delivery.providerResponse.slice(0, 80) }
          : {}),
      },
    ];
  });
}

/** SES event types that settle a message; a delay or an open says nothing about delivery. */
const SES_OUTCOME: Record<string, DeliveryReport['status'] | undefined> = {
  Delivery: 'DELIVERED',
  Bounce: 'UNDELIVERED',
  Reject: 'UNDELIVERED',
  'Rendering Failure': 'UNDELIVERED',
  Complaint: undefined,
};

const SesEvent = once(() =>
  z.object({
    eventType: z.string(),
    mail: z.object({ messageId: z.string().min(1), timestamp: z.string() }),
    bounce: z.object({ bounceType: z.string().max(40), timestamp: z.string().optional() }).optional(),
    delivery: z.object({ timestamp: z.string() }).optional(),
  }),
);

/** An SES event as its EventBridge destination delivers it (`detail` holds the SES event record). */
export function emailReports(detail: unknown): DeliveryReport[] {
  const parsed = SesEvent().safeParse(detail);
  if (!parsed.success) return [];
  const { eventType, mail, bounce, delivery } = parsed.data;
  const status = SES_OUTCOME[eventType];
  if (!status) return [];
  return [
    {
      ref: mail.messageId,
      channel: 'EMAIL',
      status,
      at: delivery?.timestamp ?? bounce?.timestamp ?? mail.timestamp,
      ...(status === 'UNDELIVERED' ? { reason: bounce?.bounceType ?? eventType } : {}),
    },
  ];
}

/** LetterDispatched: the print vendor posted the letter LetterRequested asked for. */
export function letterReports(detail: unknown): DeliveryReport[] {
  const parsed = LetterDispatchedSchema().safeParse(detail);
  if (!parsed.success) return [];
  return [
    { ref: parsed.data.letterKey, channel: 'LETTER', status: 'DISPATCHED', at: parsed.data.dispatchedAt },
  ];
}
