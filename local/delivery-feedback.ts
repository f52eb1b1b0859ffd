import { gzipSync } from 'node:zlib';
import type { VirtualClock } from './clock.js';
import type { Invoke } from './invoke.js';

/**
 * The providers' side of delivery truth, locally. SNS reports an SMS's fate to its delivery-status log
 * group (a CloudWatch Logs subscription invokes the delivery function with the gzipped batch), SES to
 * the configuration set's EventBridge destination, and the print vendor answers LetterRequested with
 * LetterDispatched: each arrives here on the virtual clock, in the same shape, some time after the send.
 * `undeliveredEvery` makes every n-th SMS and e-mail undelivered (a deterministic failure rate).
 */
export interface DeliveryFeedbackOptions {
  /** Every n-th message is reported undelivered (0 or unset: none). */
  undeliveredEvery?: number;
  /** How long after the send a report arrives. @default 30 s */
  reportAfterMs?: number;
}

/** How long the simulated print vendor takes to post a letter. */
const LETTER_DISPATCH_MS = 24 * 3_600_000;

export function deliveryFeedback(
  clock: VirtualClock,
  invoke: () => Invoke,
  options: DeliveryFeedbackOptions = {},
) {
  let messages = 0;
  const later = (ms: number, fn: () => Promise<unknown>) =>
    clock.setTimeout(() => void clock.track(() => fn().catch(() => undefined)), ms);
  const delivered = () => {
    messages += 1;
    return !(options.undeliveredEvery && messages % options.undeliveredEvery === 0);
  };
  const after = options.reportAfterMs ?? 30_000;
  return {
    /** An SNS Publish was accepted: its delivery-status log line arrives later. */
    smsSent(messageId: string) {
      const ok = delivered();
      later(after, () => invoke()('delivery', smsLog(messageId, ok, clock.now())));
    },
    /** An SES SendEmail was accepted: its Delivery or Bounce event arrives later. */
    emailSent(messageId: string) {
      const ok = delivered();
      later(after, () => invoke()('delivery', sesEvent(messageId, ok, clock.now())));
    },
    /** LetterRequested was published: the vendor posts it a day later. */
    letterRequested(
      letterKey: string,
      dispatch: (detail: { letterKey: string; dispatchedAt: string }) => Promise<unknown>,
    ) {
      later(LETTER_DISPATCH_MS, () =>
        dispatch({ letterKey, dispatchedAt: new Date(clock.now()).toISOString() }),
      );
    },
  };
}

export type DeliveryFeedback = ReturnType<typeof deliveryFeedback>;

/** A CloudWatch Logs subscription event carrying one SNS SMS delivery-status log line. */
function smsLog(messageId: string, ok: boolean, now: number) {
  const line = {
    notification: { messageId, timestamp: new Date(now).toISOString() },
    delivery: {
      providerResponse: ok
        ? 'Message has been accepted by phone carrier'
        : 'Unknown error attempting to reach phone',
    },
    status: ok ? 'SUCCESS' : 'FAILURE',
  };
  const batch = {
    messageType: 'DATA_MESSAGE',
    logEvents: [{ id: messageId, timestamp: now, message: JSON.stringify(line) }],
  };
  return { awslogs: { data: gzipSync(JSON.stringify(batch)).toString('base64') } };
}

/** SES's Delivery or Bounce event as its EventBridge destination delivers it. */
function sesEvent(messageId: string, ok: boolean, now: number) {
  const at = new Date(now).toISOString();
  return {
    source: 'aws.ses',
    'detail-type': ok ? 'Email Delivered' : 'Email Bounced',
    detail: {
      eventType: ok ? 'Delivery' : 'Bounce',
      mail: { messageId, timestamp: at },
      ...(ok ? { delivery: { timestamp: at } } : { bounce: { bounceType: 'Permanent', timestamp: at } }),
    },
  };
}
