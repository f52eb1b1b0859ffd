/**
 * The local stand-in for SES v2. The local runtime must send no real e-mail, so the real
 * `@aws-sdk/client-sesv2` talks to aws-ses-v2-local, which keeps every message in memory and shows
 * it in a web inbox (`inboxUrl`).
 *
 * A small proxy sits in front of it so tests can inject the faults real SES produces, the same way as
 * the SMS sink: `injectFaults({ throttleNext, failNext })` answers the next SendEmail/SendBulkEmail
 * calls with `TooManyRequestsException` (HTTP 429), then `InternalFailure` (HTTP 500). Everything else
 * is passed through unchanged.
 *
 * aws-ses-v2-local keeps its mail in a module-level store: every instance in one process shares it,
 * and `clear()` empties it for all of them.
 *
 * aws-ses-v2-local stamps each message with the real time. The proxy notes the time of its own clock
 * (`useClock`: the local runtime's virtual time) for each message it passes on, and answers
 * `GET /store` (which the web inbox reads too) and `messages()` with that time: every view of a
 * local run has one clock.
 */
import { randomUUID } from 'node:crypto';
import {
  Agent,
  createServer,
  type IncomingMessage,
  request,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import type { FailurePlan, PublishAnswer } from './sms-sink.js';

type SesLocalModule = typeof import('aws-ses-v2-local');
// aws-ses-v2-local is CommonJS with `exports.default`: a default import gives the function under
// vitest but the module object under plain Node ESM (tsx). require gives the same thing in both.
const startSesLocal = (createRequire(import.meta.url)('aws-ses-v2-local') as SesLocalModule).default;

/** One message as aws-ses-v2-local stores it (`GET /store`). */
export interface StoredEmail {
  messageId: string;
  from: string;
  replyTo: string[];
  destination: { to: string[]; cc: string[]; bcc: string[] };
  subject: string;
  body: { html?: string; text?: string };
  attachments: { content: string; contentType: string; filename?: string; size: number }[];
  headers?: { name: string; value: string }[];
  /** Epoch seconds. */
  at: number;
}

export interface EmailOptions {
  /** TCP port on 127.0.0.1 for the SES endpoint and inbox; 0 (the default) picks a free one. */
  port?: number;
  failures?: FailurePlan;
}

/** A simple text e-mail, as SendEmail carries it. */
export interface SimpleEmail {
  from: string;
  to: string[];
  subject: string;
  text: string;
}

export interface LocalEmail {
  /** `http://127.0.0.1:<port>`: the SES v2 endpoint. */
  endpoint: string;
  /**
   * One SendEmail in this process, without HTTP (the fast mode's SES client): faults apply as through
   * the proxy, the message is kept with the others (`messages()`, the inbox).
   */
  send(email: SimpleEmail): PublishAnswer;
  /** The web inbox, for a browser. */
  inboxUrl: string;
  /** Every message received so far, oldest first. */
  messages(): Promise<StoredEmail[]>;
  clear(): Promise<void>;
  /** Replaces the pending faults with `plan` (missing counts are 0). */
  injectFaults(plan: FailurePlan): void;
  /** Stamps messages with this clock from now on (the local runtime's virtual time, as the ledger). */
  useClock(now: () => number): void;
  close(): Promise<void>;
}

const SEND_PATHS = new Set(['/v2/email/outbound-emails', '/v2/email/outbound-bulk-emails']);

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((err) => (err ? reject(err) : resolve()));
    server.closeAllConnections();
  });
}

function sendJsonError(res: ServerResponse, status: number, type: string, message: string): void {
  res.writeHead(status, {
    'content-type': 'application/json',
    'x-amzn-errortype': type,
    'x-amzn-requestid': randomUUID(),
  });
  res.end(JSON.stringify({ message }));
}

/** Starts aws-ses-v2-local behind the fault-injecting proxy, both on 127.0.0.1. */
export async function startEmail(opts: EmailOptions = {}): Promise<LocalEmail> {
  const upstream = await startSesLocal({ host: '127.0.0.1', port: 0 });
  const upstreamPort = (upstream.address() as AddressInfo).port;
  const upstreamUrl = `http://127.0.0.1:${upstreamPort}`;
  const agent = new Agent({ keepAlive: true });

  let throttleNext = 0;
  let failNext = 0;
  const injectFaults = (plan: FailurePlan): void => {
    throttleNext = Math.max(0, plan.throttleNext ?? 0);
    failNext = Math.max(0, plan.failNext ?? 0);
  };
  if (opts.failures) injectFaults(opts.failures);

  let clock: () => number = Date.now;
  /** Epoch seconds by message id, on `clock`, for the messages sent through this proxy. */
  const sentAt = new Map<string, number>();
  const restamp = (emails: StoredEmail[]) =>
    emails.map((e) => ({ ...e, at: sentAt.get(e.messageId) ?? e.at }));
  /** The messages sent in process (`send`), stamped when sent. */
  let direct: StoredEmail[] = [];
  const storeOf = async (): Promise<{ templates: unknown; emails: StoredEmail[] }> => {
    const res = await fetch(`${upstreamUrl}/store`);
    if (!res.ok) throw new Error(`local email store answered HTTP ${res.status}`);
    const store = (await res.json()) as { templates: unknown; emails: StoredEmail[] };
    const emails = [...restamp(store.emails), ...direct].sort((a, b) => a.at - b.at);
    return { ...store, emails };
  };
  const send = (email: SimpleEmail): PublishAnswer => {
    if (throttleNext > 0) {
      throttleNext--;
      return {
        ok: false,
        status: 429,
        code: 'TooManyRequestsException',
        message: 'Maximum sending rate exceeded.',
      };
    }
    if (failNext > 0) {
      failNext--;
      const message = 'Internal failure (injected by the local email proxy)';
      return { ok: false, status: 500, code: 'InternalFailure', message };
    }
    if (!email.from || !email.subject || !email.text)
      return { ok: false, status: 400, code: 'BadRequestException', message: 'Bad Request Exception' };
    // The id aws-ses-v2-local would give.
    const messageId = `ses-${Math.floor(Math.random() * 900_000_000 + 100_000_000)}`;
    direct.push({
      messageId,
      from: email.from,
      replyTo: [],
      destination: { to: email.to, cc: [], bcc: [] },
      subject: email.subject,
      body: { text: email.text },
      attachments: [],
      at: Math.floor(clock() / 1000),
    });
    return { ok: true, messageId };
  };

  const proxy = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname;
    if (req.method === 'GET' && path === '/store') {
      const since = Number(url.searchParams.get('since') ?? 0);
      void storeOf().then(
        (store) => {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ ...store, emails: store.emails.filter((e) => e.at >= since) }));
        },
        (error: Error) => sendJsonError(res, 502, 'InternalFailure', error.message),
      );
      return;
    }
    if (req.method === 'POST' && SEND_PATHS.has(path)) {
      if (throttleNext > 0) {
        throttleNext--;
        req.resume();
        sendJsonError(res, 429, 'TooManyRequestsException', 'Maximum sending rate exceeded.');
        return;
      }
      if (failNext > 0) {
        failNext--;
        req.resume();
        sendJsonError(res, 500, 'InternalFailure', 'Internal failure (injected by the local email proxy)');
        return;
      }
    }
    const forward = request(
      {
        host: '127.0.0.1',
        port: upstreamPort,
        method: req.method,
        path: req.url,
        headers: req.headers,
        agent,
      },
      (upstreamRes) => {
        res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.headers);
        if (req.method === 'POST' && SEND_PATHS.has(path)) noteSent(upstreamRes, clock());
        upstreamRes.pipe(res);
      },
    );
    forward.on('error', (error) => {
      if (!res.headersSent)
        sendJsonError(res, 502, 'InternalFailure', `local email upstream: ${error.message}`);
      else res.destroy();
    });
    req.pipe(forward);
  });

  /** The message ids a send answered with (SendEmail: MessageId; SendBulkEmail: each entry's). */
  function noteSent(upstreamRes: IncomingMessage, at: number): void {
    const chunks: Buffer[] = [];
    upstreamRes.on('data', (chunk: Buffer) => chunks.push(chunk));
    upstreamRes.on('end', () => {
      try {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
          MessageId?: string;
          BulkEmailEntryResults?: Array<{ MessageId?: string }>;
        };
        const ids = [body.MessageId, ...(body.BulkEmailEntryResults ?? []).map((r) => r.MessageId)];
        for (const id of ids) if (id) sentAt.set(id, Math.floor(at / 1000));
      } catch {
        // An error answer: nothing was stored, nothing to stamp.
      }
    });
  }

  let port: number;
  try {
    port = await listen(proxy, opts.port ?? 0);
  } catch (error) {
    await closeServer(upstream);
    throw error;
  }
  const endpoint = `http://127.0.0.1:${port}`;

  let closed: Promise<void> | undefined;
  return {
    endpoint,
    inboxUrl: `${endpoint}/`,
    send,
    messages: async () => (await storeOf()).emails,
    clear: async () => {
      direct = [];
      const res = await fetch(`${upstreamUrl}/clear-store`, { method: 'POST' });
      await res.body?.cancel();
      if (!res.ok) throw new Error(`local email clear-store answered HTTP ${res.status}`);
    },
    injectFaults,
    useClock: (now) => {
      clock = now;
    },
    close: () => {
      closed ??= (async () => {
        await closeServer(proxy);
        agent.destroy();
        await closeServer(upstream);
      })();
      return closed;
    },
  };
}
