import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { idempotencyKey } from '../functions/borrower-api/page-ledger.js';
import { DESK_API_PREFIX } from '../functions/desk-api/core.js';
import { caseKey } from '../functions/domain/case.js';
import { InboundEmailSchema, InboundSmsSchema } from '../functions/inbound-sms/core.js';
import { buildWeb } from '../web/build.js';
import { SECURITY_HEADERS } from '../web/headers.js';
import { deskSessions, localDeskApi } from './desk-session.js';
import { servePage } from './pages.js';
import { createLocalLadder } from './runtime.js';

/**
 * `ladder serve`: the local stack as a long-running service on localhost. Upstream developers POST
 * the same events the AWS intake takes (EventBridge detail-type + detail); the clock runs in real
 * time or faster (--speed). Endpoints:
 *   POST /events                    {"detailType": "LoanDelinquent", "detail": {...}}
 *   POST /inbound-sms               {"from": "+8613800138000", "body": "STOP"}  a two-way SMS reply
 *   GET  /loans/:loanId             the loan's execution (states entered) and ledger timeline
 *   GET  /tasks?queue=agent-calls   open human tasks (no tokens); also field-visits, plan-signing
 *   POST /tasks/:taskId/claim       the agent (header x-ladder-agent) takes the task (heartbeat)
 *   POST /tasks/:taskId/complete    {"outcome": "PROMISE_TO_PAY", "promise": {...}} (the claimer only)
 *   .../specialist/tasks...         the same for the specialist queue
 *   GET  /sms                       the SMS outbox
 *   GET  /email                     the e-mail outbox
 *   GET  /                          the virtual time, the clock's speed, and the web inbox's URL
 *   GET  /b/                        the borrower's page (web/borrower), with the CSP CloudFront sends
 *   /api/borrower...                the borrower page's API (the link's token in Authorization)
 *   GET  /desk/                     the agent desk (web/desk); its API under /api/desk (a local
 *                                   session token from POST /api/desk/session stands in for Cognito)
 * Every time in every answer is the virtual clock's (the ledger's), the web inbox's too.
 */
/**
 * The borrower API's bodies (a dispute's document, base64): at most what a synchronous Lambda
 * invocation takes on AWS (6 MB of payload), answered 413 above it, as API Gateway and Lambda refuse it.
 */
export const BORROWER_BODY_LIMIT = 6 * 1024 * 1024;

async function body(req: IncomingMessage, limit = 256 * 1024): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  // Read to the end even when over the limit (the client gets its answer rather than a reset).
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size <= limit) chunks.push(chunk as Buffer);
  }
  if (size > limit) {
    const name = limit > 256 * 1024 ? 'PayloadTooLarge' : 'ValidationError';
    throw Object.assign(new Error(`body over ${limit} bytes`), { name });
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
  } catch {
    throw Object.assign(new Error('body is not JSON'), { name: 'ValidationError' });
  }
}

/** Who calls the work-queue API when the request names nobody (x-ladder-agent). */
export const LOCAL_AGENT = 'local-agent';

export async function serve(opts: {
  port: number;
  speed: number;
  data?: string;
  quiet?: boolean;
  /** The stack's IAM is enforced unless false (`--no-iam`). */
  iam?: boolean;
  /** The built pages (web/build.ts); built into a temporary directory at start when not given. */
  pagesDir?: string;
}) {
  // Its own build (about 0.1 s), removed on close: two servers never share (or delete) one directory.
  const ownPages = opts.pagesDir ? undefined : mkdtempSync(path.join(tmpdir(), 'ladder-pages-'));
  const pagesDir = opts.pagesDir ?? buildWeb(path.join(ownPages ?? '', 'web'));
  const ladder = await createLocalLadder({
    start: Date.now(),
    ...(opts.data ? { dataDir: opts.data } : {}),
    ...(opts.iam === false ? { iam: false as const } : {}),
  });
  ladder.clock.startPaced(opts.speed);
  const desk = localDeskApi(ladder.deskApi, deskSessions(opts.data));
  const send = (res: ServerResponse, status: number, value: unknown) => {
    res.writeHead(status, { ...SECURITY_HEADERS, 'content-type': 'application/json' });
    res.end(`${JSON.stringify(value, null, 2)}\n`);
  };
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    try {
      if (req.method === 'POST' && url.pathname === '/events') {
        const { detailType, detail } = (await body(req)) as { detailType?: string; detail?: unknown };
        return send(res, 202, await ladder.send(String(detailType), detail));
      }
      if (req.method === 'POST' && url.pathname === '/inbound-sms') {
        // Checked here too so a bad request is a 400 naming the field (on AWS it is logged and skipped).
        const parsed = InboundSmsSchema().safeParse(await body(req));
        if (!parsed.success) {
          return send(res, 400, {
            error: `inbound SMS: ${parsed.error.issues[0]?.path.join('.') || 'body'}`,
          });
        }
        return send(res, 202, await ladder.inboundSms(parsed.data.from, parsed.data.body));
      }
      if (req.method === 'POST' && url.pathname === '/inbound-email') {
        const parsed = InboundEmailSchema().safeParse(await body(req));
        if (!parsed.success) {
          return send(res, 400, {
            error: `inbound e-mail: ${parsed.error.issues[0]?.path.join('.') || 'body'}`,
          });
        }
        return send(res, 202, await ladder.inboundEmail(parsed.data));
      }
      const loan = /^\/loans\/([^/]+)$/.exec(url.pathname);
      if (req.method === 'GET' && loan?.[1]) {
        const loanId = decodeURIComponent(loan[1]);
        // Its current execution: a ladder longer than a year continues in fresh ones, started in order.
        const execution = [...ladder.executions.values()].findLast((e) => e.input.loanId === loanId);
        if (!execution) return send(res, 404, { error: `no execution for loan ${loanId}` });
        const ledger = await ladder.stores.ledger().list(caseKey(loanId, Number(execution.input.cycle)));
        return send(res, 200, {
          name: execution.name,
          status: execution.status,
          states: execution.states,
          ledger,
        });
      }
      if (/^\/(specialist\/)?tasks(\/|$)/.test(url.pathname)) {
        // The same work-queue API as API Gateway on AWS, over the local stores. The caller is the
        // x-ladder-agent header here (the IAM principal on AWS).
        const text = req.method === 'POST' ? JSON.stringify(await body(req)) : null;
        const agent = req.headers['x-ladder-agent'];
        const out = await ladder.agentApi({
          method: req.method ?? 'GET',
          path: url.pathname,
          query: Object.fromEntries(url.searchParams),
          body: text,
          caller: typeof agent === 'string' && agent !== '' ? agent : LOCAL_AGENT,
        });
        return send(res, out.status, out.body);
      }
      if (req.method === 'GET' && url.pathname === '/sms')
        return send(res, 200, ladder.services.sms.outbox());
      if (req.method === 'GET' && url.pathname === '/email') {
        const mail = await ladder.services.email.messages();
        return send(
          res,
          200,
          mail.map((m) => ({
            messageId: m.messageId,
            to: m.destination.to,
            subject: m.subject,
            text: m.body.text,
            sentAt: new Date(m.at * 1000).toISOString(),
          })),
        );
      }
      if (req.method === 'GET' && url.pathname === '/') {
        return send(res, 200, {
          now: new Date(ladder.clock.now()).toISOString(),
          speed: opts.speed,
          webInbox: ladder.services.endpoints.inbox,
        });
      }
      if (url.pathname.startsWith(`${DESK_API_PREFIX}/`)) {
        const out = await desk({
          method: req.method ?? 'GET',
          path: url.pathname.slice(DESK_API_PREFIX.length),
          query: Object.fromEntries(url.searchParams),
          body: req.method === 'POST' ? JSON.stringify(await body(req)) : null,
          authorization: req.headers.authorization,
        });
        return send(res, out.status, out.body);
      }
      if (url.pathname === '/api/borrower' || url.pathname.startsWith('/api/borrower/')) {
        const out = await ladder.borrowerApi({
          method: req.method ?? 'GET',
          path: url.pathname.slice('/api/borrower'.length),
          authorization: req.headers.authorization,
          body: req.method === 'POST' ? JSON.stringify(await body(req, BORROWER_BODY_LIMIT)) : null,
          requestId: idempotencyKey(req.headers['idempotency-key']) ?? randomUUID(),
        });
        return send(res, out.status, out.body);
      }
      if (req.method === 'GET' && (await servePage(pagesDir, url.pathname, res))) return;
      return send(res, 404, { error: 'not found' });
    } catch (error) {
      const e = error as Error;
      if (e.name === 'PayloadTooLarge') return send(res, 413, { error: 'PAYLOAD_TOO_LARGE' });
      const bad = e.name === 'ValidationError';
      return send(res, bad ? 400 : 500, { error: bad ? e.message : e.name });
    }
  });
  await new Promise<void>((resolve) => server.listen(opts.port, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  ladder.setPagesUrl(`http://127.0.0.1:${port}`);
  if (!opts.quiet) {
    console.log(
      `ladder serve: http://127.0.0.1:${port} (clock x${opts.speed}); e-mail inbox ${ladder.services.endpoints.inbox}`,
    );
  }
  const close = async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await ladder.close();
    if (ownPages) rmSync(ownPages, { recursive: true, force: true });
  };
  return { port, ladder, close };
}
