import { beforeAll, describe, expect, it } from 'vitest';
import { parseScenario } from '../../local/scenario.js';
import { type SimulationResult, simulate } from '../../local/simulate.js';
import { scenarioLoan } from '../borrower.js';

/**
 * Issue 14, item 5, through the local runtime with the bundled routing table (a scenario without a
 * policy of its own is routed as on AWS): each loan's segment and policy are in simulate's result, and
 * the card ladder cures on the minimum payment.
 */
const WHO = { phonePrefix: '+86137000004', name: '张伟' };
const loan = (loanId: string, n: number, extra: Record<string, unknown>, events: unknown[] = []) =>
  scenarioLoan(loanId, n, events, WHO, extra);

let result: SimulationResult;
const of = (id: string) => result.loans.find((l) => l.loanId === id);

beforeAll(async () => {
  result = await simulate(
    parseScenario({
      loans: [
        loan('card', 1, { product: 'CARD', minimumDue: '300.00' }, [
          { type: 'payment', amount: '300.00', at: '2026-12-12T12:00:00+08:00' },
        ]),
        loan('cash', 2, { product: 'CASH_LOAN' }, [
          { type: 'payment', amount: '3000.00', at: '2026-12-12T12:00:00+08:00' },
        ]),
        loan('large', 3, { product: 'INSTALMENT_LOAN', amountDue: '12000.00' }, [
          { type: 'payment', amount: '12000.00', at: '2026-12-20T12:00:00+08:00' },
        ]),
        loan('plain', 4, {}, [{ type: 'payment', amount: '3000.00', at: '2026-12-12T12:00:00+08:00' }]),
      ],
    }),
  );
}, 180_000);

describe('ladders by segment (issue 14, item 5)', () => {
  it('each loan names the segment and the policy that ran it', () => {
    expect(result.loans.map((l) => [l.loanId, l.segment, l.policy])).toEqual([
      ['card', 'card', 'credit-card'],
      ['cash', 'cash-loan', 'cash-loan'],
      ['large', 'large-balance', 'large-balance'],
      ['plain', 'standard', 'default'],
    ]);
  });

  it("each ladder's own stages ran: the cash loan's D+2 SMS, the large balance's D+5 call", () => {
    const stages = (id: string) => [...new Set(of(id)?.attempts.map((a) => a.stage))];
    expect(stages('cash')).toEqual(['D-1', 'D+1', 'D+2']);
    expect(stages('plain')).toEqual(['D-3', 'D+1']);
    expect(stages('large')).toContain('D+5');
  });

  it('a card paid its minimum is cured, though most of the balance is still owed', () => {
    expect(of('card')).toMatchObject({ finalStatus: 'CURED' });
    expect(of('card')?.balanceTimeline.at(-1)).toMatchObject({ event: 'CURED', balance: '2700.00' });
  });
});
