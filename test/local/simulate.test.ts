import { beforeAll, describe, expect, it } from 'vitest';
import { parseScenario } from '../../local/scenario.js';
import { type SimulationResult, simulate } from '../../local/simulate.js';
import { EMAIL, NAME, PHONE, borrower as wangFang } from '../borrower.js';

const borrower = (id: string, extra: Record<string, unknown> = {}) => ({
  ...wangFang,
  borrowerId: id,
  ...extra,
});
const loan = (loanId: string, events: unknown[], extra: Record<string, unknown> = {}) => ({
  loanId,
  amountDue: '1200.00',
  currency: 'CNY',
  dueDate: '2026-12-10',
  borrower: borrower(`B-${loanId}`),
  events,
  ...extra,
});

/** Two instalments agreed on the first agent call; the first is paid the day before it is due. */
const plan = [
  {
    type: 'acceptPlan',
    instalments: [
      { amount: '600.00', date: '2026-12-25' },
      { amount: '600.00', date: '2027-01-25' },
    ],
    onAgentCall: 1,
  },
  { type: 'payment', amount: '600.00', at: '2026-12-24T10:00:00+08:00' },
];

const scenario = {
  seed: 3,
  loans: [
    loan('paid-d2', [{ type: 'payment', amount: '1200.00', at: '2026-12-12T10:00:00+08:00' }]),
    loan('opt-out', [{ type: 'optOut', channel: 'SMS', at: '2026-12-10T12:00:00+08:00' }]),
    loan('dispute', [
      { type: 'dispute', at: '2026-12-12T10:00:00+08:00' },
      { type: 'disputeResolved', inFavourOf: 'lender', at: '2026-12-30T23:30:00+08:00' },
    ]),
    loan('promise-kept', [
      { type: 'promiseToPay', amount: '1200.00', date: '2026-12-22', onAgentCall: 1 },
      { type: 'payment', amount: '1200.00', at: '2026-12-21T10:00:00+08:00' },
    ]),
    loan('promise-broken', [{ type: 'promiseToPay', amount: '1200.00', date: '2026-12-22', onAgentCall: 1 }]),
    loan('plan-paid', [...plan, { type: 'payment', amount: '600.00', at: '2027-01-24T10:00:00+08:00' }]),
    loan('plan-missed', plan),
    loan('never', [{ type: 'refused', onAgentCall: 1 }], {
      borrower: borrower('B-never', { timeZone: 'America/New_York', locale: 'en' }),
    }),
  ],
};

let result: SimulationResult;
const byId = (id: string) => {
  const l = result.loans.find((x) => x.loanId === id);
  if (!l) throw new Error(`no ${id}`);
  return l;
};

beforeAll(async () => {
  result = await simulate(parseScenario(structuredClone(scenario)));
});

describe('ladder simulate: the paths through the real definition', () => {
  it('a borrower who pays in full at D+2 gets nothing SENT after the payment and ends CURED', () => {
    const l = byId('paid-d2');
    expect(l.finalStatus).toBe('CURED');
    expect(l.attempts.filter((a) => a.status === 'SENT').length).toBeGreaterThan(0);
    expect(l.attempts.filter((a) => a.status === 'SENT' && a.at > '2026-12-12T02:00:00.000Z')).toEqual([]);
  });
  it('after an SMS opt-out no SMS is SENT but e-mail still is', () => {
    const after = byId('opt-out').attempts.filter((a) => a.at > '2026-12-10T04:00:00.000Z');
    expect(after.filter((a) => a.channel === 'SMS' && a.status === 'SENT')).toEqual([]);
    expect(
      after.some((a) => a.channel === 'SMS' && a.status === 'BLOCKED' && a.reason === 'OPTED_OUT_SMS'),
    ).toBe(true);
    expect(after.some((a) => a.channel === 'EMAIL' && a.status === 'SENT')).toBe(true);
  });
  it('nothing is SENT while a dispute is open; escalation resumes after it is resolved for the lender', () => {
    const attempts = byId('dispute').attempts;
    const during = attempts.filter(
      (a) => a.at >= '2026-12-12T02:00:00.000Z' && a.at < '2026-12-30T15:30:00.000Z',
    );
    expect(during.filter((a) => a.status === 'SENT')).toEqual([]);
    const after = attempts.filter((a) => a.at >= '2026-12-30T15:30:00.000Z');
    expect(after.some((a) => a.status === 'SENT')).toBe(true);
    // resolved at 23:30 local: the next contact waits for 08:00 (CN hours)
    expect(after.find((a) => a.status === 'SENT')?.at).toBe('2026-12-31T00:00:00.000Z');
  });
  it('a kept promise ends CURED with nothing SENT after the payment', () => {
    const l = byId('promise-kept');
    expect(l.finalStatus).toBe('CURED');
    expect(l.attempts.filter((a) => a.status === 'SENT' && a.at > '2026-12-21T02:00:00.000Z')).toEqual([]);
  });
  it('a broken promise resumes escalation after the promised date plus grace', () => {
    const sentAfter = byId('promise-broken').attempts.filter(
      (a) => a.status === 'SENT' && a.at >= '2026-12-24T16:00:00.000Z',
    );
    expect(sentAfter[0]?.stage).toBe('D+15');
  });
  it('a plan paid in full is SETTLED; a missed instalment brings a follow-up and escalation', () => {
    expect(byId('plan-paid').finalStatus).toBe('SETTLED');
    const missed = byId('plan-missed');
    expect(missed.finalStatus).not.toBe('SETTLED');
    expect(missed.attempts.some((a) => a.status === 'SENT' && a.at > '2027-01-28T00:00:00.000Z')).toBe(true);
  });
  it('a loan that never pays is handed over to legal after agency placement', () => {
    expect(byId('never').finalStatus).toBe('HANDED_OVER');
    const ledger = result.ledgers.get('never') ?? [];
    const handovers = ledger.filter((r) => r.type === 'HANDOVER').map((r) => r.stage);
    expect(handovers).toEqual(['D+60', 'D+90', 'D+91']);
  });
  it('never SENDS outside 08:00-22:00 borrower local time (CN pack)', () => {
    for (const l of result.loans) {
      const zone = scenario.loans.find((x) => x.loanId === l.loanId)?.borrower.timeZone ?? 'UTC';
      for (const a of l.attempts.filter((x) => x.status === 'SENT')) {
        const hour = Number(
          new Intl.DateTimeFormat('en-GB', { hour: '2-digit', hourCycle: 'h23', timeZone: zone }).format(
            new Date(a.at),
          ),
        );
        expect(hour, `${l.loanId} ${a.at}`).toBeGreaterThanOrEqual(8);
        expect(hour, `${l.loanId} ${a.at}`).toBeLessThan(22);
      }
    }
  });
  it('keeps contact details out of the output and the ledger', () => {
    const text = JSON.stringify({ loans: result.loans, ledgers: [...result.ledgers.values()] });
    expect(text).not.toContain(PHONE);
    expect(text).not.toContain(EMAIL);
    expect(text).not.toContain(NAME);
  });
  it('gives the same loans for the same scenario and seed', async () => {
    const again = await simulate(parseScenario(structuredClone(scenario)));
    expect(again.loans).toEqual(result.loans);
  });
});
