import { DateTime } from 'luxon';
import type { ScenarioEvent, ScenarioLoan } from './scenario.js';

/**
 * The bundled sample portfolio for `npm start`: a seeded, realistic mix of borrower behaviour.
 * Contact details are synthetic (reserved test numbers and example.com addresses).
 */
export const BEHAVIOURS = [
  ['pays after the first notice', 0.25],
  ['pays late', 0.15],
  ['promise kept', 0.12],
  ['promise broken', 0.1],
  ['plan with a missed instalment', 0.08],
  ['plan paid in full', 0.05],
  ['dispute', 0.05],
  ['SMS opt-out', 0.05],
  ['never pays', 0.15],
] as const;
export type Behaviour = (typeof BEHAVIOURS)[number][0];

/** mulberry32: a tiny seeded PRNG, so the same seed gives the same portfolio. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const BORROWERS = [
  { timeZone: 'Asia/Shanghai', locale: 'zh-CN', currency: 'CNY', phone: '+86138', name: '张伟' },
  { timeZone: 'Asia/Shanghai', locale: 'zh-CN', currency: 'CNY', phone: '+86139', name: '王芳' },
  { timeZone: 'Asia/Kolkata', locale: 'en', currency: 'INR', phone: '+91987', name: 'Priya Sharma' },
  { timeZone: 'America/New_York', locale: 'en', currency: 'USD', phone: '+1212555', name: 'Ann Lee' },
  { timeZone: 'Europe/London', locale: 'en', currency: 'GBP', phone: '+447700', name: 'Tom Hughes' },
] as const;

export function samplePortfolio(count: number, seed: number, firstDue = '2026-12-10'): ScenarioLoan[] {
  const random = rng(seed);
  const pick = (): Behaviour => {
    let r = random();
    for (const [b, p] of BEHAVIOURS) {
      if (r < p) return b;
      r -= p;
    }
    return 'never pays';
  };
  return Array.from({ length: count }, (_, i) => {
    const profile = BORROWERS[i % BORROWERS.length] ?? BORROWERS[0];
    const dueDate = DateTime.fromISO(firstDue)
      .plus({ days: Math.floor(random() * 20) })
      .toISODate() as string;
    const due = DateTime.fromISO(dueDate, { zone: profile.timeZone });
    const amount = (100 + Math.floor(random() * 4900)).toFixed(2);
    const at = (days: number, hour = 12) => due.plus({ days }).set({ hour }).toISO() as string;
    const date = (days: number) => due.plus({ days }).toISODate() as string;
    const half = (Number(amount) / 2).toFixed(2);
    const behaviour = pick();
    const events: ScenarioEvent[] = [];
    switch (behaviour) {
      case 'pays after the first notice':
        events.push({ type: 'payment', amount, at: at(2) });
        break;
      case 'pays late':
        events.push({ type: 'payment', amount, at: at(20) });
        break;
      case 'promise kept':
        events.push(
          { type: 'promiseToPay', amount, date: date(12), onAgentCall: 1 },
          { type: 'payment', amount, at: at(11) },
        );
        break;
      case 'promise broken':
        events.push({ type: 'promiseToPay', amount, date: date(12), onAgentCall: 1 });
        break;
      case 'plan with a missed instalment':
      case 'plan paid in full': {
        // Two instalments a month apart, agreed on the first agent call; the first is paid on time.
        const plan: ScenarioEvent = {
          type: 'acceptPlan',
          instalments: [
            { amount: half, date: date(14) },
            { amount: half, date: date(44) },
          ],
          onAgentCall: 1,
        };
        events.push(plan, { type: 'payment', amount: half, at: at(13) });
        if (behaviour === 'plan paid in full') events.push({ type: 'payment', amount: half, at: at(43) });
        break;
      }
      case 'dispute':
        events.push(
          { type: 'dispute', at: at(5) },
          { type: 'disputeResolved', inFavourOf: 'lender', at: at(25) },
        );
        break;
      case 'SMS opt-out':
        events.push({ type: 'optOut', channel: 'SMS', at: at(2) }, { type: 'payment', amount, at: at(35) });
        break;
      case 'never pays':
        events.push({ type: 'refused', onAgentCall: 1 });
        break;
    }
    const n = String(i + 1).padStart(5, '0');
    return {
      loanId: `LN-${n}`,
      amountDue: amount,
      currency: profile.currency,
      dueDate,
      borrower: {
        borrowerId: `BR-${n}`,
        name: profile.name,
        phone: `${profile.phone}${String(i).padStart(5, '0')}`,
        email: `borrower${n}@example.com`,
        timeZone: profile.timeZone,
        locale: profile.locale,
      },
      events,
    };
  });
}
