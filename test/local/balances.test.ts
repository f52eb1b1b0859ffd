import { beforeAll, describe, expect, it } from 'vitest';
import type { LedgerRecord } from '../../functions/domain/ledger.js';
import { parseScenario } from '../../local/scenario.js';
import type { OutboxEntry } from '../../local/services/sms-sink.js';
import { type SimulationResult, simulate } from '../../local/simulate.js';
import { scenarioLoan } from '../borrower.js';

/**
 * Issue 14, item 1, replayed through the real local runtime: the amount every message shows is the
 * amount owed then (fixed under the default policy, which claims no accrual; growing under a policy
 * that accrues; as the loan system reports it); a partial payment is acknowledged in the next message
 * and the ladder goes on for the rest.
 */
const WHO = { phonePrefix: '+86139000000', name: '王芳' };
const loan = (loanId: string, n: number, events: unknown[]) => scenarioLoan(loanId, n, events, WHO);

const contactOwed = (records: LedgerRecord[] | undefined) =>
  (records ?? [])
    .filter((r) => r.type === 'CONTACT' && r.detail?.owed !== undefined)
    .map((r) => [r.stage, r.detail?.owed]);

let fixed: SimulationResult;
let sms: OutboxEntry[] = [];
let accruing: SimulationResult;

beforeAll(async () => {
  fixed = await simulate(
    parseScenario({
      loans: [
        loan('fixed', 1, [{ type: 'refused', onAgentCall: 1 }]),
        loan('partial', 2, [{ type: 'payment', amount: '1000.00', at: '2026-12-12T12:00:00+08:00' }]),
        loan('reported', 3, [
          {
            type: 'balanceChanged',
            principal: '2900.00',
            interest: '100.00',
            penaltyInterest: '30.00',
            fees: '0',
            at: '2026-12-15T12:00:00+08:00',
          },
        ]),
      ],
    }),
    {
      onFinish: (l) => {
        sms = l.services.sms.outbox();
      },
    },
  );
  accruing = await simulate(
    parseScenario({
      policy: {
        extends: 'default',
        id: 'accruing',
        balance: { penaltyInterest: { annualRateBasisPoints: 1825 } },
      },
      loans: [loan('accrues', 4, [{ type: 'refused', onAgentCall: 1 }])],
    }),
  );
}, 120_000);

describe('the amount every message shows (issue 14, item 1)', () => {
  it('under the default policy, which accrues nothing, it stays the amount due, and no message claims accrual', () => {
    const owed = contactOwed(fixed.ledgers.get('fixed'));
    expect(owed.map(([stage]) => stage)).toEqual(['D-3', 'D+1', 'D+3', 'D+15', 'D+28', 'D+76']);
    for (const [, amount] of owed) expect(amount).toBe('3000.00');
    const mine = sms.filter((m) => m.phoneNumber === '+8613900000001');
    expect(mine.length).toBeGreaterThan(2);
    for (const m of mine) {
      expect(m.message).toContain('¥3,000.00');
      expect(m.message).not.toMatch(/罚息|penalty/i);
    }
  });

  it('under a policy that accrues 18.25% a year, it grows by ¥1.50 a day past due (simple, on ¥3,000.00)', () => {
    const owed = Object.fromEntries(contactOwed(accruing.ledgers.get('accrues')));
    expect(owed).toMatchObject({ 'D-3': '3000.00', 'D+1': '3001.50', 'D+3': '3004.50', 'D+15': '3022.50' });
  });

  it('as the loan system reports it, less nothing paid since', () => {
    const owed = Object.fromEntries(contactOwed(fixed.ledgers.get('reported')));
    expect(owed).toMatchObject({ 'D+3': '3000.00', 'D+15': '3030.00' });
  });
});

describe('a partial payment (issue 14, item 1)', () => {
  it('is acknowledged in the next message, once, and the ladder goes on for the rest', () => {
    const records = fixed.ledgers.get('partial') ?? [];
    const d3 = records.find((r) => r.stage === 'D+3');
    expect(d3?.detail).toMatchObject({ owed: '2000.00', received: '1000.00' });
    expect(records.filter((r) => r.detail?.received !== undefined)).toHaveLength(1);
    const mine = sms.filter((m) => m.phoneNumber === '+8613900000002');
    const afterPayment = mine.filter((m) => m.receivedAt > '2026-12-12T04:00:00.000Z');
    expect(afterPayment[0]?.message).toMatch(/^已收到您的还款¥1,000\.00，谢谢。.*¥2,000\.00/);
    expect(afterPayment.slice(1).every((m) => !m.message.includes('已收到'))).toBe(true);
    const loan = fixed.loans.find((l) => l.loanId === 'partial');
    expect(loan?.finalStatus).toBe('HANDED_OVER');
    expect(loan?.attempts.some((a) => a.stage === 'D+15' && a.status === 'SENT')).toBe(true);
  });
});
