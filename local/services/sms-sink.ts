/**
 * A local stand-in for SNS SMS. No npm package emulates SNS SMS publishing on Node 20, and the local
 * runtime must never text a real borrower, so this tiny `node:http` server speaks just enough of the
 * SNS Query protocol for `PublishCommand({ PhoneNumber, Message, MessageAttributes })` and keeps what it
 * receives in an in-memory outbox that tests and the local runtime can read.
 *
 * - `POST /` with `Action=Publish`: stored, answered with a `PublishResponse` carrying a MessageId.
 * - `GET /outbox`: the outbox as JSON. `POST /clear`: empties it.
 * - Faults for tests: `injectFaults({ throttleNext, failNext })` makes the next publishes fail with
 *   `Throttling` (HTTP 400) and then `InternalError` (HTTP 500, the SDK's `InternalErrorException`),
 *   the way real SNS can.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface OutboxEntry {
  messageId: string;
  phoneNumber: string;
  message: string;
  /** MessageAttributes by name: the StringValue (or the base64 BinaryValue). */
  attributes: Record<string, string>;
  /** ISO-8601 time the sink received the publish: the local runtime's (virtual) time once it set its clock. */
  receivedAt: string;
}

/** Faults for the next sends: first `throttleNext` throttles, then `failNext` internal errors. */
export interface FailurePlan {
  throttleNext?: number;
  failNext?: number;
  /**
   * SMS only. How SNS throttles: 'Throttling' (default; HTTP 400, the generic AWS API throttle, which the
   * SDK surfaces as an error named 'Throttling') or 'Throttled' (HTTP 429, SNS's modelled
   * `ThrottledException`). Real SNS answers both ways.
   */
  throttleAs?: 'Throttling' | 'Throttled';
}

export interface SmsSinkOptions {
  /** TCP port on 127.0.0.1; 0 (the default) picks a free one. */
  port?: number;
  failures?: FailurePlan;
}

/** A publish to a phone number: the number, the text and the message attributes' values. */
export interface Publish {
  phoneNumber: string;
  message: string;
  attributes: Record<string, string>;
}

/** What the sink answers: the message id, or the SNS error (HTTP status, error code, message). */
export type PublishAnswer =
  | { ok: true; messageId: string }
  | { ok: false; status: number; code: string; message: string };

export interface SmsSink {
  /** `http://127.0.0.1:<port>`: the SNS endpoint. */
  endpoint: string;
  /** One publish in this process, without HTTP (the fast mode's SNS client): faults apply as over HTTP. */
  publish(p: Publish): PublishAnswer;
  /** A copy of the messages received so far, oldest first. */
  outbox(): OutboxEntry[];
  clear(): void;
  /** Replaces the pending faults with `plan` (missing counts are 0). */
  injectFaults(plan: FailurePlan): void;
  /** Stamps messages with this clock from now on (the local runtime's virtual time, as the ledger). */
  useClock(now: () => number): void;
  close(): Promise<void>;
}

const SNS_XMLNS = 'https://sns.amazonaws.com/doc/2010-03-31/';
const MAX_BODY_BYTES = 1024 * 1024;

function xmlEscape(text: string): string {
  return text.replace(
    /[<>&'"]/g,
    (c) => `&${{ '<': 'lt', '>': 'gt', '&': 'amp', "'": 'apos', '"': 'quot' }[c]};`,
  );
}

function sendXml(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'content-type': 'text/xml', 'x-amzn-requestid': randomUUID() });
  res.end(`<?xml version="1.0"?>\n${body}`);
}

const errorXml = (status: number, code: string, message: string) =>
  `<ErrorResponse xmlns="${SNS_XMLNS}"><Error><Type>${status >= 500 ? 'Receiver' : 'Sender'}</Type>` +
  `<Code>${code}</Code><Message>${xmlEscape(message)}</Message></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`;

function sendError(res: ServerResponse, status: number, code: string, message: string): void {
  sendXml(res, status, errorXml(status, code, message));
}

/** The SNS Query protocol's answer to a publish: HTTP status and XML body. */
export function publishAnswerXml(answer: PublishAnswer): { status: number; body: string } {
  if (!answer.ok)
    return { status: answer.status, body: errorXml(answer.status, answer.code, answer.message) };
  return {
    status: 200,
    body:
      `<PublishResponse xmlns="${SNS_XMLNS}"><PublishResult><MessageId>${answer.messageId}</MessageId>` +
      `</PublishResult><ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata>` +
      '</PublishResponse>',
  };
}

/** The publish a Query protocol form carries. */
export const publishOf = (form: URLSearchParams): Publish => ({
  phoneNumber: form.get('PhoneNumber') ?? '',
  message: form.get('Message') ?? '',
  attributes: parseAttributes(form),
});

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new Error('request body too large'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** `MessageAttributes.entry.N.Name` / `.Value.StringValue` (or `.Value.BinaryValue`) into a plain map. */
function parseAttributes(form: URLSearchParams): Record<string, string> {
  const attributes: Record<string, string> = {};
  for (let n = 1; form.has(`MessageAttributes.entry.${n}.Name`); n++) {
    const name = form.get(`MessageAttributes.entry.${n}.Name`) ?? '';
    const value =
      form.get(`MessageAttributes.entry.${n}.Value.StringValue`) ??
      form.get(`MessageAttributes.entry.${n}.Value.BinaryValue`) ??
      '';
    attributes[name] = value;
  }
  return attributes;
}

/** Starts the SMS sink on 127.0.0.1. */
export async function startSmsSink(opts: SmsSinkOptions = {}): Promise<SmsSink> {
  let outbox: OutboxEntry[] = [];
  let clock: () => number = Date.now;
  let throttleNext = 0;
  let failNext = 0;
  let throttleAs: NonNullable<FailurePlan['throttleAs']> = 'Throttling';
  const injectFaults = (plan: FailurePlan): void => {
    throttleNext = Math.max(0, plan.throttleNext ?? 0);
    failNext = Math.max(0, plan.failNext ?? 0);
    throttleAs = plan.throttleAs ?? 'Throttling';
  };
  if (opts.failures) injectFaults(opts.failures);

  /** One publish, as the HTTP endpoint and the fast mode's in-process client both take it. */
  const accept = (p: Publish): PublishAnswer => {
    if (throttleNext > 0) {
      throttleNext--;
      return throttleAs === 'Throttled'
        ? { ok: false, status: 429, code: 'Throttled', message: 'Rate exceeded' }
        : { ok: false, status: 400, code: 'Throttling', message: 'Rate exceeded' };
    }
    if (failNext > 0) {
      failNext--;
      return {
        ok: false,
        status: 500,
        code: 'InternalError',
        message: 'Internal error (injected by the local SMS sink)',
      };
    }
    if (!p.phoneNumber) {
      const message = 'Invalid parameter: the local SMS sink only accepts PhoneNumber';
      return { ok: false, status: 400, code: 'InvalidParameter', message };
    }
    if (!p.message)
      return {
        ok: false,
        status: 400,
        code: 'InvalidParameter',
        message: 'Invalid parameter: Empty message',
      };
    const entry: OutboxEntry = {
      messageId: randomUUID(),
      phoneNumber: p.phoneNumber,
      message: p.message,
      attributes: p.attributes,
      receivedAt: new Date(clock()).toISOString(),
    };
    outbox.push(entry);
    return { ok: true, messageId: entry.messageId };
  };

  const publish = (form: URLSearchParams, res: ServerResponse): void => {
    const { status, body } = publishAnswerXml(accept(publishOf(form)));
    sendXml(res, status, body);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (req.method === 'GET' && path === '/outbox') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(outbox));
      return;
    }
    if (req.method === 'POST' && path === '/clear') {
      outbox = [];
      res.writeHead(204).end();
      return;
    }
    if (req.method !== 'POST' || path !== '/') {
      sendError(res, 404, 'NotFound', `No route for ${req.method} ${path}`);
      return;
    }
    const form = new URLSearchParams(await readBody(req));
    const action = form.get('Action');
    if (action === 'Publish') {
      publish(form, res);
      return;
    }
    sendError(
      res,
      400,
      'InvalidAction',
      `The local SMS sink does not support the action ${action ?? '(none)'}`,
    );
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) sendError(res, 400, 'MalformedQueryString', String(error));
      else res.destroy();
    });
  });
  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });

  let closed: Promise<void> | undefined;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    publish: accept,
    outbox: () => outbox.map((entry) => ({ ...entry, attributes: { ...entry.attributes } })),
    clear: () => {
      outbox = [];
    },
    injectFaults,
    useClock: (now) => {
      clock = now;
    },
    close: () => {
      closed ??= new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      });
      return closed;
    },
  };
}
