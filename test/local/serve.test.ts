import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serve } from '../../local/serve.js';

const run = promisify(execFile);

/** `ladder serve` over HTTP on localhost, with the clock at 100,000x (a day in under a second). */
let service: Awaited<ReturnType<typeof serve>>;
let base: string;
beforeAll(async () => {
  service = await serve({ port: 0, speed: 100_000, quiet: true });
  base = `http://127.0.0.1:${service.port}`;
});
afterAll(() => service.close());

const post = (path: string, body: unknown) =>
  fetch(`${base}${path}`, {
    method: 'POST',
    body: JSON.stringify(body),
    headers: { 'content-type': 'application/json' },
  });

async function until<T>(probe: () => Promise<T | undefined>, seconds: number): Promise<T> {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('deadline passed');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('ladder serve', () => {
  it("accepts a LoanDelinquent over HTTP and shows the loan's timeline and the SMS outbox", async () => {
    const dueDate = DateTime.now().setZone('Asia/Shanghai').plus({ days: 4 }).toISODate();
    const accepted = await post('/events', {
      detailType: 'LoanDelinquent',
      detail: {
        loanId: 'S-1',
        amountDue: '88.00',
        currency: 'CNY',
        dueDate,
        borrower: {
          borrowerId: 'SB-1',
          name: 'N',
          phone: '+8613800138001',
          email: 's@example.com',
          timeZone: 'Asia/Shanghai',
          locale: 'en',
        },
      },
    });
    expect(accepted.status).toBe(202);
    const timeline = await until(async () => {
      const body = (await (await fetch(`${base}/loans/S-1`)).json()) as { ledger?: Array<{ stage: string }> };
      return body.ledger && body.ledger.length > 0 ? body : undefined;
    }, 30);
    expect(timeline.ledger?.[0]?.stage).toBe('D-3');
    const outbox = (await (await fetch(`${base}/sms`)).json()) as Array<{
      phoneNumber: string;
      message: string;
    }>;
    expect(outbox[0]?.phoneNumber).toBe('+8613800138001');
    expect(outbox[0]?.message).toContain('CN¥88.00');
  });

  it('POST /inbound-sms: a "TD" reply from the borrower\'s phone opts them out of SMS; a bad number is a 400', async () => {
    const { now } = (await (await fetch(`${base}/`)).json()) as { now: string };
    const dueDate = DateTime.fromISO(now).setZone('Asia/Shanghai').plus({ days: 4 }).toISODate();
    const phone = '+8613800138002';
    const accepted = await post('/events', {
      detailType: 'LoanDelinquent',
      detail: {
        loanId: 'S-2',
        amountDue: '66.00',
        currency: 'CNY',
        dueDate,
        borrower: {
          borrowerId: 'SB-2',
          name: 'M',
          phone,
          email: 'm@example.com',
          timeZone: 'Asia/Shanghai',
          locale: 'zh-CN',
        },
      },
    });
    expect(accepted.status).toBe(202);
    const reply = await post('/inbound-sms', { from: phone, body: 'TD' });
    expect(reply.status).toBe(202);
    expect(await reply.json()).toEqual({ optOuts: 1, optIns: 0, items: 0 });
    // What the reply changed (that the ladder then blocks SMS is in the simulate test, on the virtual clock).
    const view = await service.ladder.stores.cases().borrowerView('SB-2');
    expect(view.profile?.item.optOuts.SMS).toBeDefined();
    expect(view.profile?.item.optOuts.EMAIL).toBeUndefined();
    // START undoes it.
    const back = await post('/inbound-sms', { from: phone, body: 'START' });
    expect(await back.json()).toEqual({ optOuts: 0, optIns: 1, items: 0 });
    const after = await service.ladder.stores.cases().borrowerView('SB-2');
    expect(after.profile?.item.optOuts.SMS).toBeUndefined();
    // Free text by e-mail is a conversation item; a bad address is a 400 naming the field.
    const mail = await post('/inbound-email', { from: 'm@example.com', subject: 'Re', body: '我已经还了' });
    expect(mail.status).toBe(202);
    expect(await mail.json()).toEqual({ optOuts: 0, optIns: 0, items: 1 });
    const { tasks } = await service.ladder.stores.tasks().listOpen('conversations');
    expect(tasks.map((t) => [t.borrowerId, t.conversation?.channel, t.conversation?.intent])).toEqual([
      ['SB-2', 'EMAIL', 'ALREADY_PAID'],
    ]);
    expect((await post('/inbound-email', { from: 'not an address', body: 'x' })).status).toBe(400);

    const bad = await post('/inbound-sms', { from: '138 0013 8002', body: 'STOP' });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toBe('inbound SMS: from');
  });

  it("takes a borrower API body up to Lambda's 6 MB (a 4 MiB document in base64) and answers 413 above", async () => {
    const borrower = (text: string) =>
      fetch(`${base}/api/borrower/loans/S-1/dispute`, {
        method: 'POST',
        body: text,
        headers: { 'content-type': 'application/json', authorization: 'Bearer not-a-token' },
      });
    const document = Buffer.alloc(4 * 1024 * 1024).toString('base64');
    // Read whole, then refused for its link (403), not for its size.
    expect((await borrower(JSON.stringify({ reason: 'NOT_MINE', document }))).status).toBe(403);
    const over = await borrower(
      JSON.stringify({ reason: 'NOT_MINE', document: 'A'.repeat(6 * 1024 * 1024) }),
    );
    expect(over.status).toBe(413);
    expect(await over.json()).toEqual({ error: 'PAYLOAD_TOO_LARGE' });
    // Other endpoints keep their 256 KiB.
    expect(
      (await post('/events', { detailType: 'PaymentReceived', detail: 'x'.repeat(300 * 1024) })).status,
    ).toBe(400);
  });

  it('rejects a bad event with 400 and a one-line error naming the field, without echoing it', async () => {
    const response = await post('/events', {
      detailType: 'PaymentReceived',
      detail: { loanId: 'S-1', amount: '-1' },
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: string };
    expect(body.error).toMatch(/^PaymentReceived: /);
    expect(body.error).not.toContain('\n');
  });

  it('serves the work-queue API, and `ladder agent list` reads it', async () => {
    const bad = await fetch(`${base}/tasks?queue=nope`);
    expect(bad.status).toBe(400);
    // Asynchronous: the server answering the CLI runs in this process.
    const cli = await run('node', [
      'cli/ladder.mjs',
      'agent',
      '--url',
      base,
      'list',
      '--queue',
      'specialist',
    ]);
    expect(cli.stdout.trim()).toBe('no open tasks in specialist');
  });

  it('a claim of an unknown task is a 404, over HTTP and from `ladder agent claim` (exit 2, one line)', async () => {
    const claim = await fetch(`${base}/tasks/no-such-task/claim`, { method: 'POST' });
    expect(claim.status).toBe(404);
    expect(await claim.json()).toEqual({ error: 'no task no-such-task' });
    const specialist = await fetch(
      `${base}/specialist/tasks/${encodeURIComponent('L#1#SPECIALIST#x')}/claim`,
      {
        method: 'POST',
      },
    );
    expect(specialist.status).toBe(404);
    const cli = await run('node', ['cli/ladder.mjs', 'agent', '--url', base, 'claim', 'no-such-task']).then(
      () => ({ code: 0, stderr: '' }),
      (error: { code: number; stderr: string }) => error,
    );
    expect(cli.code).toBe(2);
    expect(cli.stderr).toMatch(/^ladder: agent claim: no task no-such-task \(HTTP 404\)$/m);
  });

  it("a loan sent in late: its skipped pre-due stage is recorded, its catch-up notices go out a day apart, and every view tells the ledger's time", async () => {
    const { now } = (await (await fetch(`${base}/`)).json()) as { now: string };
    const today = DateTime.fromISO(now).setZone('Asia/Shanghai');
    const accepted = await post('/events', {
      detailType: 'LoanDelinquent',
      detail: {
        loanId: 'S-LATE',
        amountDue: '42.00',
        currency: 'CNY',
        dueDate: today.minus({ days: 5 }).toISODate(),
        borrower: {
          borrowerId: 'SB-LATE',
          name: 'L',
          phone: '+8613800138009',
          email: 'late@example.com',
          timeZone: 'Asia/Shanghai',
          locale: 'en',
        },
      },
    });
    expect(accepted.status).toBe(202);
    type Rec = {
      type: string;
      stage: string;
      at: string;
      attempts: Array<{ channel: string; status: string; reason?: string }>;
    };
    const ledger = await until(async () => {
      const body = (await (await fetch(`${base}/loans/S-LATE`)).json()) as { ledger?: Rec[] };
      const d3Sent = body.ledger?.some(
        (r) => r.stage === 'D+3' && r.attempts.some((a) => a.status === 'SENT'),
      );
      return d3Sent ? body.ledger : undefined;
    }, 60);
    expect(ledger[0]).toMatchObject({ type: 'SKIP', stage: 'D-3' });
    expect(ledger[0]?.attempts.every((a) => a.status === 'SKIPPED' && a.reason === 'SKIPPED_LATE')).toBe(
      true,
    );
    // The D+1 that was sent: when the catch-up falls in the borrower's night (the clock starts at the
    // real time of day), D+1 is first recorded DEFERRED and sent at 08:00, in a second record.
    const sent = (r: Rec) => r.attempts.some((a) => a.status === 'SENT');
    const d1 = ledger.find((r) => r.stage === 'D+1' && sent(r));
    const d3 = ledger.find((r) => r.stage === 'D+3' && sent(r));
    const local = (iso: string | undefined) => DateTime.fromISO(iso ?? '').setZone('Asia/Shanghai');
    // D+1 and D+3 were both past: D+3 waits for the next day's stage time (09:00), not seconds. (The
    // clock runs 100,000 times real time, so the stage runs minutes after 09:00 virtual time.)
    expect(local(d3?.at).toISODate()).toBe(local(d1?.at).plus({ days: 1 }).toISODate());
    expect(local(d3?.at).toFormat('HH:mm') >= '09:00').toBe(true);
    // The outbox and the mail say when the ledger says they were sent: one clock. (The sinks stamp
    // what they receive a moment after the stage's record time; real time would be days away.)
    const near = (times: string[]) =>
      times.some((t) => Math.abs(Date.parse(t) - Date.parse(d1?.at ?? '')) < 60_000);
    const sms = (await (await fetch(`${base}/sms`)).json()) as Array<{
      phoneNumber: string;
      receivedAt: string;
    }>;
    expect(near(sms.filter((m) => m.phoneNumber === '+8613800138009').map((m) => m.receivedAt))).toBe(true);
    const mail = (await (await fetch(`${base}/email`)).json()) as Array<{ to: string[]; sentAt: string }>;
    expect(near(mail.filter((m) => m.to.includes('late@example.com')).map((m) => m.sentAt))).toBe(true);
  });
});
