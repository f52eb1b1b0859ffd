import { beforeAll, describe, expect, it } from 'vitest';
import { parseScenario } from '../../local/scenario.js';
import { type SimulationResult, simulate } from '../../local/simulate.js';

/**
 * Issue 4's paths through the real definitions under the US rule pack (14 days between the credit
 * notice and the first report): field visit after its notice, placement, recall, credit report,
 * legal handoff with an evidence pack, hardship's plan offer.
 */
const borrower = (id: string) => ({
  borrowerId: id,
  name: 'Ann Lee',
  phone: '+12125550100',
  email: 'ann.lee@example.com',
  timeZone: 'America/New_York',
  locale: 'en',
});
const loan = (loanId: string, events: unknown[]) => ({
  loanId,
  amountDue: '800.00',
  currency: 'USD',
  dueDate: '2026-12-10',
  borrower: borrower(`B-${loanId}`),
  events,
});

let result: SimulationResult;
const byId = (id: string) =>
  result.loans.find((l) => l.loanId === id) ?? { attempts: [], finalStatus: 'NONE' };
const DAY = 86_400_000;

beforeAll(async () => {
  result = await simulate(
    parseScenario({
      rulePack: 'US',
      loans: [
        loan('never', [{ type: 'refused', onAgentCall: 1 }]),
        loan('recalled', [{ type: 'payment', amount: '800.00', at: '2027-02-12T12:00:00-05:00' }]),
        loan('hardship', [{ type: 'hardship', onAgentCall: 1 }]),
      ],
    }),
  );
});

describe('negotiated paths and human stages (US pack)', () => {
  it("a field visit happens only after its notice, at least the policy's 2 days later", () => {
    const attempts = byId('never').attempts;
    const notice = attempts.find((a) => a.stage === 'D+28' && a.status === 'SENT');
    const visit = attempts.find((a) => a.channel === 'VISIT' && a.status === 'SENT');
    expect(notice).toBeDefined();
    expect(visit).toBeDefined();
    expect(Date.parse(visit?.at ?? '') - Date.parse(notice?.at ?? '')).toBeGreaterThanOrEqual(2 * DAY);
  });

  it('a loan that never pays is placed, reported after the notice period, and handed to legal with an evidence pack', () => {
    expect(byId('never').finalStatus).toBe('HANDED_OVER');
    const events = result.published.filter((e) => e.detail.loanId === 'never');
    const order = events.map((e) => e.detailType).filter((t) => t !== 'LetterRequested');
    // The placement is recalled at the handoff, just before legal gets the account (docs/money.md).
    expect(order).toEqual([
      'AgencyPlacementRequested',
      'CreditBureauReportRequested',
      'AgencyRecallRequested',
      'LegalHandoffRequested',
    ]);
    const notice = byId('never').attempts.find((a) => a.stage === 'D+76' && a.status === 'SENT');
    const report = events.find((e) => e.detailType === 'CreditBureauReportRequested');
    expect((report?.at ?? 0) - Date.parse(notice?.at ?? '')).toBeGreaterThanOrEqual(14 * DAY);

    const pack = result.evidence.get('evidence/never/1');
    expect(pack).toBeDefined();
    const json = JSON.parse(pack?.json ?? '{}');
    expect(json.loan).toMatchObject({ loanId: 'never', amountDue: '800.00', balance: '800.00' });
    expect(json.ledger.verified).toBe(true);
    expect(json.attempts.length).toBe(byId('never').attempts.length);
    expect(json.attempts[0]).toMatchObject({
      rulePack: 'US 2026.1',
      template: expect.stringMatching(/ v\d+$/),
    });
    expect(pack?.document).toContain('# Evidence pack: loan never, cycle 1');
    expect(`${pack?.json}${pack?.document}`).not.toMatch(/2125550100|ann\.lee|Ann Lee/);
    const legal = events.find((e) => e.detailType === 'LegalHandoffRequested');
    expect(legal?.detail.evidencePack).toBe('memory:evidence/never/1.json');
  });

  it('a placed account is recalled from the agency when it is paid', () => {
    expect(byId('recalled').finalStatus).toBe('CURED');
    const types = result.published.filter((e) => e.detail.loanId === 'recalled').map((e) => e.detailType);
    expect(types).toContain('AgencyPlacementRequested');
    expect(types.at(-1)).toBe('AgencyRecallRequested');
  });

  it('hardship on the agent call brings a plan offer, then the ladder goes on', () => {
    const offer = byId('hardship').attempts.filter((a) => a.stage === 'D+7' && a.channel !== 'CALL');
    expect(offer[0]).toMatchObject({ status: 'SENT' });
    expect(result.ledgers.get('hardship')?.some((r) => r.detail?.plan === 'OFFERED_FOR_HARDSHIP')).toBe(true);
    expect(byId('hardship').attempts.some((a) => a.stage === 'D+15' && a.status === 'SENT')).toBe(true);
  });

  it('never SENDS outside 08:00-21:00 New York time (US pack)', () => {
    for (const l of result.loans) {
      for (const a of l.attempts.filter((x) => x.status === 'SENT')) {
        const hour = Number(
          new Intl.DateTimeFormat('en-GB', {
            hour: '2-digit',
            hourCycle: 'h23',
            timeZone: 'America/New_York',
          }).format(new Date(a.at)),
        );
        expect(hour, `${l.loanId} ${a.at}`).toBeGreaterThanOrEqual(8);
        expect(hour, `${l.loanId} ${a.at}`).toBeLessThan(21);
      }
    }
  });
});

describe('champion/challenger', () => {
  it('splits loans reproducibly between two ladders and compares them in the summary', async () => {
    const loans = Array.from({ length: 24 }, (_, i) =>
      loan(`cc-${i}`, i % 2 ? [{ type: 'payment', amount: '800.00', at: '2026-12-16T12:00:00-05:00' }] : []),
    );
    const scenario = {
      policy: { extends: 'default', experiment: { challenger: 'early-call', split: 0.5, seed: 'q4' } },
      loans,
    };
    const first = await simulate(parseScenario(structuredClone(scenario)));
    const arms = first.loans.map((l) => l.arm);
    expect(new Set(arms)).toEqual(new Set(['champion', 'challenger']));
    for (const l of first.loans) {
      expect(l.policy).toBe(l.arm === 'challenger' ? 'early-call' : 'default');
      const call = l.attempts.find((a) => a.channel === 'CALL');
      if (call) expect(call.stage).toBe(l.arm === 'challenger' ? 'D+4' : 'D+7');
    }
    expect(first.summary.experiment?.champion?.policy).toBe('default');
    expect(first.summary.experiment?.challenger?.policy).toBe('early-call');
    const total =
      (first.summary.experiment?.champion?.loans ?? 0) + (first.summary.experiment?.challenger?.loans ?? 0);
    expect(total).toBe(24);
    expect(first.summary.experiment?.champion?.cureRate).toBeGreaterThan(0);
    const again = await simulate(parseScenario(structuredClone(scenario)));
    expect(again.loans.map((l) => l.arm)).toEqual(arms);
  });
});
