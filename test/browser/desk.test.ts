import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { DateTime } from 'luxon';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caseKey } from '../../functions/domain/case.js';
import { CONTENT_SECURITY_POLICY } from '../../web/headers.js';
import { type Harness, snapshot, startHarness } from './harness.js';

/**
 * The agent desk in Chromium, on `ladder serve` with its clock held still: one loan is walked (the
 * virtual clock advanced hour by hour) to its D+7 agent call; then two agents work the queue in two
 * browser contexts. `npm run screenshots:desk` runs this file with LADDER_DESK_README_PNG set, to
 * refresh the README's picture of the claimed call.
 */
const PHONE = '+8613800000777';
const EMAIL = 'wang.fang@example.com';
const ZONE = 'Asia/Shanghai';
const HOUR = 3_600_000;

let h: Harness;
let taskId = '';
beforeAll(async () => {
  h = await startHarness();
  const ladder = h.service.ladder;
  ladder.clock.stopPaced();
  const start = ladder.clock.now();
  const dueDate = DateTime.fromMillis(start, { zone: ZONE }).minus({ days: 6 }).toISODate() ?? '';
  await ladder.send('LoanDelinquent', {
    loanId: 'L-D1',
    amountDue: '1200.00',
    currency: 'CNY',
    dueDate,
    borrower: {
      borrowerId: 'B-D1',
      name: 'Wang Fang',
      phone: PHONE,
      email: EMAIL,
      timeZone: ZONE,
      locale: 'en',
    },
  });
  // Hour by hour until the agent call opens (at most ten days of virtual time).
  for (let hour = 1; hour <= 240 && !taskId; hour += 1) {
    await ladder.clock.runUntilIdle({ until: start + hour * HOUR });
    const tasks = await ladder.stores.tasks().listOpen('agent-calls', {});
    taskId = tasks.tasks[0]?.taskId ?? '';
  }
}, 120_000);
afterAll(() => h?.close());

async function signIn(page: Page, agent: string): Promise<void> {
  const response = await page.goto(`${h.base}/desk/`);
  expect(response?.headers()['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
  await page.getByLabel('Agent ID').fill(agent);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect.poll(() => page.getByTestId('agent').textContent(), { timeout: 10_000 }).toBe(agent);
}

const openTask = (page: Page) => page.getByRole('button', { name: /Open: Loan L-D1/ }).click();
const bodyText = (page: Page) => page.locator('body').textContent();

describe('the agent desk in Chromium', () => {
  it('an agent claims a call, sees the script and the number only then, records a promise, and the ladder pauses', async () => {
    expect(taskId).not.toBe('');
    const { page, errors } = await h.page();
    await signIn(page, 'amy');
    await expect.poll(() => bodyText(page), { timeout: 10_000 }).toContain('Loan L-D1');
    await snapshot(page, 'desk-queue');

    await openTask(page);
    await expect.poll(() => bodyText(page)).toContain('Claim this task');
    expect(await bodyText(page)).not.toContain(PHONE);
    expect(await page.getByTestId('script').count()).toBe(0);
    await snapshot(page, 'desk-task-unclaimed');

    await page.getByRole('button', { name: 'Claim this task' }).click();
    await expect.poll(() => page.getByTestId('contact').textContent()).toContain(PHONE);
    expect(await page.getByTestId('script').textContent()).toMatch(/\S/);
    await snapshot(page, 'desk-task-claimed');
    if (process.env.LADDER_DESK_README_PNG) {
      mkdirSync(path.dirname(process.env.LADDER_DESK_README_PNG), { recursive: true });
      await page.screenshot({ path: process.env.LADDER_DESK_README_PNG, fullPage: true });
    }

    // A second agent, also on the agent-calls queue: the task is held, and nothing is revealed to them.
    const other = await h.page();
    await signIn(other.page, 'bob');
    await openTask(other.page);
    await expect
      .poll(() => other.page.getByTestId('task-status').textContent())
      .toBe('Held by another agent');
    expect(await bodyText(other.page)).not.toContain(PHONE);
    expect(await other.page.getByTestId('script').count()).toBe(0);
    const seen = await other.page.evaluate(async (id) => {
      const session = JSON.parse(sessionStorage.getItem('ladder-desk-session') ?? '{}') as { token: string };
      const res = await fetch(`/api/desk/tasks/${encodeURIComponent(id)}`, {
        headers: { authorization: `Bearer ${session.token}` },
      });
      return res.text();
    }, taskId);
    expect(seen).toContain('"claimed": true');
    expect(seen).not.toContain(PHONE);
    expect(seen).not.toContain(EMAIL);
    expect(seen).not.toContain('"script"');
    await snapshot(other.page, 'desk-task-held');
    await other.page.context().close();

    // An invalid promise is refused at its field by the API's own schema, before anything is sent.
    await page.getByRole('combobox', { name: 'Outcome' }).selectOption('PROMISE_TO_PAY');
    await page.getByLabel('Amount').fill('12,50');
    await page.getByLabel('Date (YYYY-MM-DD)').fill('next week');
    await page.getByRole('button', { name: 'Record the outcome' }).click();
    await expect.poll(() => page.locator('#f-promise-amount-error').textContent()).toContain('decimal');
    expect(await page.locator('#f-promise-date-error').textContent()).toContain('YYYY-MM-DD');
    expect(await page.getByLabel('Amount').getAttribute('aria-invalid')).toBe('true');
    await snapshot(page, 'desk-field-error');

    const now = h.service.ladder.clock.now();
    const date = DateTime.fromMillis(now, { zone: ZONE }).plus({ days: 3 }).toISODate() ?? '';
    await page.getByLabel('Amount').fill('1000.00');
    await page.getByLabel('Date (YYYY-MM-DD)').fill(date);
    await page.getByRole('button', { name: 'Record the outcome' }).click();
    await expect
      .poll(() => page.getByRole('status').textContent(), { timeout: 10_000 })
      .toBe('Outcome recorded.');
    // The execution takes the promise a moment after the API answered: the agent refreshes the case.
    await expect
      .poll(
        async () => {
          await page.getByRole('button', { name: 'Refresh' }).click();
          return page.getByTestId('promise').count();
        },
        { timeout: 10_000 },
      )
      .toBe(1);
    expect(await page.getByTestId('promise').textContent()).toContain('The ladder is paused');
    expect(await page.getByTestId('promise').textContent()).toContain(date);
    expect(await bodyText(page)).not.toContain(PHONE);
    await snapshot(page, 'desk-promise-recorded');
    // The ledger records the call with the promise made, and the execution waits on the promise.
    const ledger = await h.service.ladder.stores.ledger().list(caseKey('L-D1', 1));
    expect(ledger.find((r) => r.detail?.promise === 'MADE')?.detail).toMatchObject({
      date,
      amount: '1000.00',
    });
    const states =
      [...h.service.ladder.executions.values()].find((e) => e.input.loanId === 'L-D1')?.states ?? [];
    expect(states.slice(-3)).toEqual([
      'D+7 agent call: record outcome',
      'After D+7 agent call',
      'Promise to pay: waiting',
    ]);

    await page.getByRole('button', { name: '中文' }).click();
    await expect.poll(() => page.locator('html').getAttribute('lang')).toBe('zh-CN');
    expect(await bodyText(page)).toContain('催收流程已暂停');
    await snapshot(page, 'desk-promise-recorded-zh');
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('refuses the desk API without a valid session, and a queue the agent does not work', async () => {
    const { page } = await h.page();
    await page.goto(`${h.base}/desk/`);
    const answers = await page.evaluate(async () => {
      const sign = await fetch('/api/desk/session', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ agent: 'carol', queues: ['field-visits'] }),
      });
      const { token } = (await sign.json()) as { token: string };
      const tampered = `${token.slice(0, -2)}${token.endsWith('AA') ? 'BB' : 'AA'}`;
      const get = (auth: string) =>
        fetch('/api/desk/tasks?queue=agent-calls', { headers: { authorization: `Bearer ${auth}` } }).then(
          (r) => r.status,
        );
      return { none: await get(''), tampered: await get(tampered), notMine: await get(token) };
    });
    expect(answers).toEqual({ none: 401, tampered: 401, notMine: 403 });
    await page.context().close();
  });
});
