import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { DateTime } from 'luxon';
import { chromium } from 'playwright-core';
import { serve } from '../local/serve.js';

/**
 * `npm run screenshots`: the README's picture of the borrower's page (docs/img/borrower-page.png), taken
 * the way a borrower gets there: a loan one day past due on `ladder serve`, the link from the SMS the
 * ladder sent, opened in Chromium on a phone-sized screen. Debian's Chromium (LADDER_CHROMIUM to use
 * another).
 */
const OUT = path.join(import.meta.dirname, '..', 'docs', 'img');
const ZONE = 'Asia/Shanghai';

const service = await serve({ port: 0, speed: 1, quiet: true });
const { ladder } = service;
ladder.clock.stopPaced();
const browser = await chromium.launch({
  executablePath: process.env.LADDER_CHROMIUM ?? '/usr/bin/chromium',
  headless: true,
});
try {
  // 10:00 in Shanghai on the run's day, so that the first notice goes out at once.
  const now = DateTime.fromMillis(ladder.clock.now(), { zone: ZONE });
  const morning = now.set({ hour: 10, minute: 0 }).plus({ days: now.hour >= 10 ? 1 : 0 });
  ladder.clock.setTimeout(() => undefined, morning.toMillis() - ladder.clock.now());
  await ladder.clock.runUntilIdle({ until: morning.toMillis() });
  await ladder.send('LoanDelinquent', {
    loanId: 'CL-2026-0042',
    amountDue: '3280.00',
    currency: 'CNY',
    dueDate: morning.minus({ days: 1 }).toISODate(),
    borrower: {
      borrowerId: 'B-0042',
      name: 'Example Borrower',
      phone: '+8613800138042',
      email: 'borrower@example.com',
      timeZone: ZONE,
      locale: 'en',
    },
  });
  await ladder.clock.runUntilIdle({ until: morning.toMillis() + 60_000 });
  const sms = ladder.services.sms.outbox().at(-1)?.message ?? '';
  const link = /(http\S+\/b\/#t=[A-Za-z0-9_.-]+)/.exec(sms)?.[1];
  if (!link) throw new Error('no link in the SMS');
  const page = await browser.newPage({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 1 });
  await page.goto(link);
  await page.getByRole('heading', { level: 2 }).first().waitFor();
  mkdirSync(OUT, { recursive: true });
  const file = path.join(OUT, 'borrower-page.png');
  await page.screenshot({ path: file, clip: { x: 0, y: 0, width: 390, height: 1100 }, fullPage: true });
  console.log(`wrote ${path.relative(process.cwd(), file)}`);
} finally {
  await browser.close();
  await service.close();
}
