import { beforeAll, describe, expect, it } from 'vitest';
import type { Violation } from '../../functions/compliance/types.js';
import type { LedgerRecord } from '../../functions/domain/ledger.js';
import { parseScenario } from '../../local/scenario.js';
import { type SimulationResult, simulate } from '../../local/simulate.js';
import { scenarioLoan } from '../borrower.js';
import { checkComplianceAfterRun } from './compliance-after-run.js';

/**
 * Issue 14, item 3, replayed through the real local runtime (default policy: a reminder 3 days before
 * each instalment, 3 days' grace, a 3-day reply window, one renegotiation): a three-instalment plan of
 * the whole ¥3,000.00 agreed on the D+7 call (2026-12-17), instalments on 12-25, 01-25 and 02-25.
 */
const WHO = { phonePrefix: '+86137000002', name: '李娜' };
const three = {
  type: 'acceptPlan',
  onAgentCall: 1,
  instalments: [
    { amount: '1000.00', date: '2026-12-25' },
    { amount: '1000.00', date: '2027-01-25' },
    { amount: '1000.00', date: '2027-02-25' },
  ],
};
const pay = (amount: string, day: string) => ({ type: 'payment', amount, at: `${day}T12:00:00+08:00` });
const loan = (loanId: string, n: number, events: unknown[]) =>
  scenarioLoan(loanId, n, [three, ...events], WHO);
const DAY = 86_400_000;

let result: SimulationResult;
// Undefined until the run's check has run, so an assertion on it cannot pass without one.
let violations: Violation[] | undefined;
const records = (id: string): LedgerRecord[] => result.ledgers.get(id) ?? [];
const loanOf = (id: string) => result.loans.find((l) => l.loanId === id);

beforeAll(async () => {
  result = await simulate(
    parseScenario({
      loans: [
        loan('on-time', 1, [
          pay('1000.00', '2026-12-24'),
          pay('1000.00', '2027-01-24'),
          pay('1000.00', '2027-02-24'),
        ]),
        loan('last-missed', 2, [pay('1000.00', '2026-12-24'), pay('1000.00', '2027-01-24')]),
        loan('renegotiated', 3, [
          pay('1000.00', '2026-12-24'),
          pay('1000.00', '2027-01-24'),
          { type: 'acceptPlan', onAgentCall: 2, instalments: [{ amount: '1000.00', date: '2027-03-20' }] },
          pay('1000.00', '2027-03-19'),
        ]),
        loan('paid-early', 5, [
          pay('1000.00', '2026-12-19'),
          pay('1000.00', '2027-01-24'),
          pay('1000.00', '2027-02-24'),
        ]),
        loan('paid-in-window', 4, [
          pay('1000.00', '2026-12-24'),
          pay('1000.00', '2027-01-24'),
          pay('1000.00', '2027-03-02'),
        ]),
      ],
    }),
    // The independent compliance check over the run's store, as `ladder audit compliance` reads it.
    {
      onFinish: checkComplianceAfterRun((v) => {
        violations = v;
      }),
    },
  );
}, 180_000);

describe('plan monitoring (issue 14, item 3)', () => {
  it('all paid on time: a reminder 3 days before each instalment, then SETTLED with nothing waived', () => {
    const reminders = records('on-time').filter((r) => r.detail?.plan === 'REMINDER');
    expect(reminders.map((r) => [r.detail?.instalment, r.at])).toEqual([
      [1, '2026-12-22T01:00:00.000Z'],
      [2, '2027-01-22T01:00:00.000Z'],
      [3, '2027-02-22T01:00:00.000Z'],
    ]);
    for (const r of reminders)
      expect(r.attempts[0]).toMatchObject({ status: 'SENT', templateId: 'instalment-reminder' });
    expect(loanOf('on-time')).toMatchObject({
      finalStatus: 'SETTLED',
      settledFor: '3000.00',
      waived: '0.00',
    });
  });

  it("simulate's money per loan: the payments, and the balance after each down to the settlement", () => {
    const on = loanOf('on-time');
    expect(on?.payments.map((p) => [p.at.slice(0, 10), p.amount])).toEqual([
      ['2026-12-24', '1000.00'],
      ['2027-01-24', '1000.00'],
      ['2027-02-24', '1000.00'],
    ]);
    expect(on?.balanceTimeline.map((e) => [e.event.split(' ')[0], e.balance])).toEqual([
      ['DUE', '3000.00'],
      ['PAYMENT', '2000.00'],
      ['PAYMENT', '1000.00'],
      ['PAYMENT', '0.00'],
      ['SETTLED', '0.00'],
    ]);
    // Missed the last: still owed at the end of the run, no settlement.
    const missed = loanOf('last-missed');
    expect(missed?.balanceTimeline.at(-1)).toMatchObject({ balance: '1000.00' });
    expect([missed?.settledFor, missed?.waived]).toEqual([null, null]);
  });

  it('the last instalment missed: asked why, a 3-day reply window, an agent call, and only then escalation', () => {
    const chain = records('last-missed');
    const missed = chain.find((r) => r.detail?.plan === 'MISSED');
    expect(missed?.detail).toMatchObject({ instalment: 3, owed: '1000.00' });
    expect(missed?.attempts[0]).toMatchObject({
      channel: 'SMS',
      status: 'SENT',
      templateId: 'missed-instalment',
    });
    const call = chain.find((r) => r.type === 'PLAN' && r.attempts.some((a) => a.channel === 'CALL'));
    expect(call?.attempts[0]).toMatchObject({ channel: 'CALL', status: 'SENT', outcome: 'NO_ANSWER' });
    expect(call?.detail).toMatchObject({ plan: 'BROKEN', instalment: 3 });
    const askedAt = Date.parse(missed?.at ?? '');
    const calledAt = Date.parse(call?.at ?? '');
    expect(calledAt - askedAt).toBeGreaterThanOrEqual(3 * DAY);
    // No escalation stage was sent while the plan ran, and none before the call.
    const escalations = chain.filter(
      (r) =>
        r.type === 'CONTACT' &&
        Date.parse(r.at) > Date.parse('2026-12-17T12:00:00Z') &&
        r.attempts.some((a) => a.status === 'SENT'),
    );
    expect(escalations.length).toBeGreaterThan(0);
    for (const r of escalations) expect(Date.parse(r.at)).toBeGreaterThan(calledAt);
    // Escalation resumes where the plan interrupted it: the stage after the D+7 call.
    expect(escalations[0]?.stage).toBe('D+15');
    expect(loanOf('last-missed')?.settledFor).toBeNull();
  });

  it('a new plan agreed on that call (a renegotiation) is signed and, kept, settles', () => {
    const chain = records('renegotiated');
    expect(chain.some((r) => r.detail?.plan === 'RENEGOTIATED')).toBe(true);
    const signed = chain.filter((r) => r.detail?.plan === 'SIGNED');
    expect(signed).toHaveLength(2);
    expect(signed[1]?.detail).toMatchObject({ balanceAtAgreement: '1000.00', agreed: '1000.00' });
    expect(loanOf('renegotiated')).toMatchObject({
      finalStatus: 'SETTLED',
      settledFor: '3000.00',
      waived: '0.00',
    });
    expect(chain.some((r) => r.type === 'CONTACT' && r.stage === 'D+15')).toBe(false);
  });

  it('every reminder, follow-up and call passed the rules: the independent check finds nothing', () => {
    expect(violations).toEqual([]);
  });

  it('an instalment paid before its reminder is not reminded of, and the plan goes on to the next', () => {
    const reminders = records('paid-early').filter((r) => r.detail?.plan === 'REMINDER');
    expect(reminders.map((r) => r.detail?.instalment)).toEqual([2, 3]);
    expect(loanOf('paid-early')).toMatchObject({ finalStatus: 'SETTLED', waived: '0.00' });
  });

  it('paid within the reply window: no call, the plan is kept', () => {
    const chain = records('paid-in-window');
    expect(chain.some((r) => r.detail?.plan === 'MISSED')).toBe(true);
    expect(chain.some((r) => r.attempts.some((a) => a.channel === 'CALL' && r.type === 'PLAN'))).toBe(false);
    expect(loanOf('paid-in-window')).toMatchObject({
      finalStatus: 'SETTLED',
      settledFor: '3000.00',
      waived: '0.00',
    });
  });
});
