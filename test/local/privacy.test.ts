import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signLink } from '../../functions/domain/links.js';
import { inLane } from '../../local/clock.js';
import { createLocalLadder, type LocalLadder } from '../../local/runtime.js';
import { EMAIL, loanDelinquent, NAME, PHONE } from '../borrower.js';

/**
 * Contact details must not reach a log line, an execution's input or output, an error message or a
 * metric. One borrower goes through the local stack with logs at DEBUG, the invocation events logged
 * (POWERTOOLS_LOGGER_LOG_EVENT) and Powertools in its Lambda output mode (JSON logs, EMF metrics),
 * through throttled sends, a rejected event, an inbound STOP and a payment; everything written to
 * stdout, stderr or the console is captured and searched.
 */
// The same details as they might be reformatted on the way: digits only, local part, family name.
// And the address the borrower corrects theirs to on the page, once it is verified.
const NEW_EMAIL = 'fang.new@example.net';
const NEEDLES = [
  PHONE,
  '13800138000',
  '138 0013 8000',
  EMAIL,
  'wang.fang',
  NAME,
  'Fang',
  NEW_EMAIL,
  'fang.new',
];
const START = Date.parse('2026-12-06T00:00:00Z');
const DAY = 86_400_000;
const delinquent = {
  ...loanDelinquent,
  loanId: 'L-P',
  borrower: { ...loanDelinquent.borrower, borrowerId: 'B-P', locale: 'en' },
};

const captured: string[] = [];
const restore: Array<() => void> = [];
const saved = { ...process.env };
let ladder: LocalLadder;
let rejected: Error | undefined;
const correction: Array<{ status: number; body: unknown }> = [];
// Not searched for in the logs: six digits could turn up by chance in a timestamp or an id.
let sentCode = '';

function capture(): void {
  for (const stream of [process.stdout, process.stderr]) {
    const original = stream.write;
    stream.write = ((chunk: unknown) => {
      captured.push(String(chunk));
      return true;
    }) as typeof stream.write;
    restore.push(() => {
      stream.write = original;
    });
  }
  for (const method of ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const) {
    const original = console[method];
    console[method] = (...args: unknown[]) => {
      captured.push(args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' '));
    };
    restore.push(() => {
      console[method] = original;
    });
  }
}

beforeAll(async () => {
  process.env.POWERTOOLS_LOGGER_LOG_EVENT = 'true';
  capture();
  try {
    ladder = await createLocalLadder({ start: START, logLevel: 'DEBUG', powertoolsDev: false });
    const l = ladder;
    const at = (iso: string, fn: () => Promise<unknown>) =>
      l.clock.setTimeout(() => void l.clock.track(fn), Date.parse(iso) - START);
    await inLane('B-P', async () => {
      l.services.sms.injectFaults({ throttleNext: 3 });
      await l.send('LoanDelinquent', delinquent);
      rejected = await l
        .send('LoanDelinquent', {
          ...delinquent,
          borrower: { ...delinquent.borrower, email: `${NAME} <${EMAIL}` },
        })
        .then(() => undefined)
        .catch((e: Error) => e);
      at('2026-12-11T12:00:00+08:00', () => l.inboundSms(PHONE, 'STOP'));
      at('2026-12-13T10:00:00+08:00', () =>
        l.send('PaymentReceived', {
          paymentId: 'P-1',
          loanId: 'L-P',
          amount: '1200.00',
          currency: 'CNY',
          paidAt: '2026-12-13T10:00:00+08:00',
        }),
      );
    });
    await l.clock.runUntilIdle({ until: START + 20 * DAY });
    // The borrower corrects the e-mail address on the page: a malformed value, a wrong code, the code.
    const token = await signLink(l.keys.link, {
      borrowerId: 'B-P',
      loanIds: ['L-P'],
      expiresAt: Math.floor(l.clock.now() / 1000) + DAY / 1000,
      linkId: 'privacy',
    });
    const post = (path: string, body: unknown) =>
      l.borrowerApi({ method: 'POST', path, authorization: `Bearer ${token}`, body: JSON.stringify(body) });
    correction.push(await post('/contact/change', { channel: 'EMAIL', value: `${NAME} <${NEW_EMAIL}>` }));
    correction.push(await post('/contact/change', { channel: 'EMAIL', value: NEW_EMAIL }));
    const mail = (await l.services.email.messages()).find((m) => m.destination.to.includes(NEW_EMAIL));
    const code = /(\d{6})/.exec(mail?.body.text ?? '')?.[1] ?? '';
    correction.push(await post('/contact/verify', { code: code === '000000' ? '111111' : '000000' }));
    correction.push(await post('/contact/verify', { code }));
    sentCode = code;
  } finally {
    for (const undo of restore.reverse()) undo();
  }
});
afterAll(async () => {
  await ladder?.close();
  for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
  Object.assign(process.env, saved);
});

describe('privacy: no contact detail leaves the contact path', () => {
  it('the run really logged, at DEBUG, with events and metrics (so the searches below can find a leak)', () => {
    const text = captured.join('\n');
    expect(text).toContain('"level":"INFO"');
    expect(text).toContain('Lambda invocation event');
    expect(text).toContain('"borrower":"[redacted]"');
    expect(text).toContain('"_aws"'); // an EMF metric document
    expect(text).toContain('ContactsSent');
    expect(text).toContain('"level":"ERROR"'); // the rejected event
    const execution = [...ladder.executions.values()][0];
    expect(execution?.history.some((h) => h.type === 'StateRetried')).toBe(true); // the throttled sends
    expect(execution?.status).toBe('SUCCEEDED');
  });

  it('no log line, console write or metric holds the phone, the e-mail address or the name', () => {
    for (const line of captured) {
      for (const needle of NEEDLES) expect(line, line.slice(0, 200)).not.toContain(needle);
    }
  });

  it("no execution's input, output, error or history holds them, nor an event published to the bus", () => {
    const text = JSON.stringify({
      executions: [...ladder.executions.values()].map(({ done: _done, ...e }) => e),
      published: ladder.published,
    });
    for (const needle of NEEDLES) expect(text).not.toContain(needle);
  });

  it('an error message names the field, never the value', () => {
    expect(rejected?.name).toBe('ValidationError');
    expect(rejected?.message).toMatch(/borrower\.email/);
    for (const needle of NEEDLES) expect(rejected?.message).not.toContain(needle);
  });

  it("a correction's answers and errors never echo the new address or the code", () => {
    expect(correction.map((c) => c.status)).toEqual([400, 202, 409, 200]);
    expect(correction[0]?.body).toEqual({ error: expect.stringMatching(/^value: /) });
    expect(sentCode).toMatch(/^\d{6}$/);
    for (const needle of [...NEEDLES, sentCode]) expect(JSON.stringify(correction)).not.toContain(needle);
  });

  it('the SMS did go to the phone (the contact path itself still works)', () => {
    expect(ladder.services.sms.outbox().some((m) => m.phoneNumber === PHONE)).toBe(true);
  });
});
