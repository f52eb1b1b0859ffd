import { DateTime } from 'luxon';
import type { Harness } from './harness.js';

/**
 * The ladder's side of the browser tests, on `ladder serve`'s virtual clock, stepped by the test (the
 * clock's pacing is stopped: nothing moves unless `advance` says so), and borrowers whose local time is
 * mid-morning whenever the test runs, so that no contact window defers the messages.
 */
export const ZONE = (() => {
  const offset = ((10 - new Date().getUTCHours() + 36) % 24) - 12;
  return offset === 0 ? 'UTC' : `Etc/GMT${offset > 0 ? '-' : '+'}${Math.abs(offset)}`;
})();

const DAY = 86_400_000;

export const post = (h: Harness, path: string, body: unknown) =>
  fetch(`${h.base}${path}`, {
    method: 'POST',
    body: JSON.stringify(body),
    headers: { 'content-type': 'application/json' },
  });

/** Moves the virtual clock on by `days`, running everything that falls due. */
export async function advance(h: Harness, days: number): Promise<void> {
  const { clock } = h.service.ladder;
  // A timer at the end, so that the clock gets there even when nothing else falls due before it.
  clock.setTimeout(() => undefined, days * DAY);
  await clock.runUntilIdle({ until: clock.now() + days * DAY });
}

export const virtualNow = (h: Harness): string => new Date(h.service.ladder.clock.now()).toISOString();

/** A loan one day past due (the D+1 notice goes out at once), for a borrower of its own. */
export async function delinquent(
  h: Harness,
  n: number,
  amount = '1200.00',
): Promise<{ loanId: string; phone: string }> {
  const loanId = `L-${n}`;
  const phone = `+86138001380${String(n).padStart(2, '0')}`;
  const dueDate = DateTime.fromMillis(h.service.ladder.clock.now(), { zone: ZONE })
    .minus({ days: 1 })
    .toISODate();
  const res = await post(h, '/events', {
    detailType: 'LoanDelinquent',
    detail: {
      loanId,
      amountDue: amount,
      currency: 'CNY',
      dueDate,
      borrower: {
        borrowerId: `B-${n}`,
        name: `Borrower Name ${n}`,
        phone,
        email: `borrower${n}@example.com`,
        timeZone: ZONE,
        locale: 'en',
      },
    },
  });
  if (res.status !== 202) throw new Error(`LoanDelinquent: ${res.status}`);
  await advance(h, 0.01);
  return { loanId, phone };
}

/** The SMS the sink holds for a phone number, oldest first. */
export async function smsTo(h: Harness, phone: string): Promise<string[]> {
  const outbox = (await (await fetch(`${h.base}/sms`)).json()) as Array<{
    phoneNumber: string;
    message: string;
  }>;
  return outbox.filter((m) => m.phoneNumber === phone).map((m) => m.message);
}

/** The page link of the newest SMS to `phone`, as the borrower would tap it. */
export async function linkFrom(h: Harness, phone: string): Promise<string> {
  const messages = await smsTo(h, phone);
  const link = /(https?:\/\/\S+\/b\/#t=[A-Za-z0-9_.-]+)/.exec(messages.at(-1) ?? '')?.[1];
  if (!link) throw new Error(`no link in the SMS to ${phone}`);
  return link;
}

/** The loan's ledger records (stage and type), from `GET /loans/:id`. */
export async function ledger(
  h: Harness,
  loanId: string,
): Promise<Array<{ type: string; stage: string; detail?: Record<string, unknown> }>> {
  const body = (await (await fetch(`${h.base}/loans/${loanId}`)).json()) as {
    ledger: Array<{ type: string; stage: string; detail?: Record<string, unknown> }>;
  };
  return body.ledger;
}

/** The states the loan's execution has entered, newest last (`GET /loans/:id`). */
export async function states(h: Harness, loanId: string): Promise<string[]> {
  return ((await (await fetch(`${h.base}/loans/${loanId}`)).json()) as { states: string[] }).states;
}
