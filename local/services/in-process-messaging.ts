/**
 * The SNS and SES v2 transport of simulations (both modes; `ladder serve` keeps HTTP): the real SDK
 * clients (serialisation, error parsing, their own retries, exactly as over HTTP) with a request
 * handler that hands each request to the SMS sink or the e-mail service in this process instead of a
 * socket. What it skips: SigV4 signing, the TCP round trip, Node's HTTP parsing on both sides, and
 * for e-mail the proxy hop and aws-ses-v2-local's Express app.
 * The sinks apply the same faults and keep the same outbox and inbox as over HTTP.
 */
import { Readable } from 'node:stream';
import { SESv2Client, type SESv2ClientConfig } from '@aws-sdk/client-sesv2';
import { SNSClient, type SNSClientConfig } from '@aws-sdk/client-sns';
import type { LocalEmail } from './email.js';
import { publishAnswerXml, publishOf, type SmsSink } from './sms-sink.js';

interface WireRequest {
  path: string;
  body?: unknown;
}
interface WireResponse {
  response: { statusCode: number; headers: Record<string, string>; body: Readable };
}

/** The body as text (the SDK's JSON body is a Uint8Array subclass: read its bytes, not its string methods). */
const bodyText = (body: unknown): string =>
  typeof body === 'string'
    ? body
    : body instanceof Uint8Array
      ? Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8')
      : '';

const answer = (statusCode: number, headers: Record<string, string>, body: string): WireResponse => ({
  // A stream, as a socket's response is: the SDK's deserialisers collect it.
  response: { statusCode, headers, body: Readable.from([Buffer.from(body, 'utf8')]) },
});

/** A request handler for an SNSClient: Publish to the SMS sink; any other action is refused as the sink refuses it. */
export function smsSinkHandler(sink: Pick<SmsSink, 'publish'>) {
  return {
    async handle(request: WireRequest): Promise<WireResponse> {
      const form = new URLSearchParams(bodyText(request.body));
      const action = form.get('Action');
      const { status, body } =
        action === 'Publish'
          ? publishAnswerXml(sink.publish(publishOf(form)))
          : publishAnswerXml({
              ok: false,
              status: 400,
              code: 'InvalidAction',
              message: `The local SMS sink does not support the action ${action ?? '(none)'}`,
            });
      return answer(status, { 'content-type': 'text/xml' }, `<?xml version="1.0"?>\n${body}`);
    },
    updateHttpClientConfig: () => undefined,
    httpHandlerConfigs: () => ({}),
    destroy: () => undefined,
  };
}

interface SendEmailBody {
  FromEmailAddress?: string;
  Destination?: { ToAddresses?: string[] };
  Content?: { Simple?: { Subject?: { Data?: string }; Body?: { Text?: { Data?: string } } } };
}

/** A request handler for an SESv2Client: SendEmail with simple text content to the local e-mail service. */
export function emailHandler(email: Pick<LocalEmail, 'send'>) {
  return {
    async handle(request: WireRequest): Promise<WireResponse> {
      const json = { 'content-type': 'application/json' };
      if (request.path !== '/v2/email/outbound-emails')
        return answer(404, { ...json, 'x-amzn-errortype': 'NotFoundException' }, '{"message":"Not Found"}');
      const input = JSON.parse(bodyText(request.body) || '{}') as SendEmailBody;
      const sent = email.send({
        from: input.FromEmailAddress ?? '',
        to: input.Destination?.ToAddresses ?? [],
        subject: input.Content?.Simple?.Subject?.Data ?? '',
        text: input.Content?.Simple?.Body?.Text?.Data ?? '',
      });
      if (sent.ok) return answer(200, json, JSON.stringify({ MessageId: sent.messageId }));
      return answer(
        sent.status,
        { ...json, 'x-amzn-errortype': sent.code },
        JSON.stringify({ message: sent.message }),
      );
    },
    updateHttpClientConfig: () => undefined,
    httpHandlerConfigs: () => ({}),
    destroy: () => undefined,
  };
}

/**
 * The SNS and SES clients of a simulation: requests handed to the sinks in this process, and not
 * signed. Nothing in process checks a signature, so SigV4 would only cost: it was about a sixth of
 * each message's SDK time in the fast mode's profile (docs/benchmarks.md). Over HTTP (`ladder serve`)
 * requests stay signed.
 */
export function inProcessMessagingClients(
  sinks: { sms: Pick<SmsSink, 'publish'>; email: Pick<LocalEmail, 'send'> },
  config: SNSClientConfig & SESv2ClientConfig = {},
): { sns: SNSClient; ses: SESv2Client } {
  const sns = new SNSClient({ ...config, requestHandler: smsSinkHandler(sinks.sms) });
  const ses = new SESv2Client({ ...config, requestHandler: emailHandler(sinks.email) });
  for (const client of [sns, ses]) client.middlewareStack.remove('httpSigningMiddleware');
  return { sns, ses };
}
