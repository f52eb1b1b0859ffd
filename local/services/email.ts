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
 */
import { randomUUID } from 'node:crypto';
import { Agent, createServer, request, type Server, type ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import type { FailurePlan } from './sms-sink.js';

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

export interface LocalEmail {
  /** `http://127.0.0.1:<port>`: the SES v2 endpoint. */
  endpoint: string;
  /** The web inbox, for a browser. */
  inboxUrl: string;
  /** Every message received so far, oldest first. */
  messages(): Promise<StoredEmail[]>;
  clear(): Promise<void>;
  /** Replaces the pending faults with `plan` (missing counts are 0). */
  injectFaults(plan: FailurePlan): void;
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
  const agent = new Agent({ keepAlive: true });

  let throttleNext = 0;
  let failNext = 0;
  const injectFaults = (plan: FailurePlan): void => {
    throttleNext = Math.max(0, plan.throttleNext ?? 0);
    failNext = Math.max(0, plan.failNext ?? 0);
  };
  if (opts.failures) injectFaults(opts.failures);

  const proxy = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
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

  let port: number;
  try {
    port = await listen(proxy, opts.port ?? 0);
  } catch (error) {
    await closeServer(upstream);
    throw error;
  }
  const endpoint = `http://127.0.0.1:${port}`;
  const upstreamUrl = `http://127.0.0.1:${upstreamPort}`;

  let closed: Promise<void> | undefined;
  return {
    endpoint,
    inboxUrl: `${endpoint}/`,
    messages: async () => {
      const res = await fetch(`${upstreamUrl}/store`);
      if (!res.ok) throw new Error(`local email store answered HTTP ${res.status}`);
      const store = (await res.json()) as { emails: StoredEmail[] };
      return store.emails;
    },
    clear: async () => {
      const res = await fetch(`${upstreamUrl}/clear-store`, { method: 'POST' });
      await res.body?.cancel();
      if (!res.ok) throw new Error(`local email clear-store answered HTTP ${res.status}`);
    },
    injectFaults,
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
