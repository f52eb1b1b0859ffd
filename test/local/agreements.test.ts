import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseScenario } from '../../local/scenario.js';
import { type SimulationResult, simulate } from '../../local/simulate.js';
import defaultPolicy from '../../policies/default.json' with { type: 'json' };
import { scenarioLoan } from '../borrower.js';

/**
 * Issue 14, item 2, replayed through the real local runtime: plans that add up (or are refused),
 * the signed agreement stored with the evidence and named in the ledger by key and SHA-256, a
 * settlement for less with an approver's recorded decision, a one-time offer by band; SETTLED only
 * when an agreement was fulfilled, with what it came to and what was waived.
 */
const WHO = { phonePrefix: '+86138000001', name: '张伟' };
const loan = (loanId: string, n: number, events: unknown[]) => scenarioLoan(loanId, n, events, WHO);
const plan = (...items: Array<[string, string]>) => ({
  type: 'acceptPlan',
  onAgentCall: 1,
  instalments: items.map(([amount, date]) => ({ amount, date })),
});
const pay = (amount: string, day: string) => ({ type: 'payment', amount, at: `${day}T12:00:00+08:00` });

// The default ladder with settlements allowed (20% at most, above 10% approved) and a one-time
// offer at D+20: 15% off, valid ten days.
const offerStage = {
  id: 'D+20',
  name: 'settlement offer',
  offsetDays: 20,
  kind: 'SETTLEMENT_OFFER',
  channels: ['SMS'],
  template: 'settlement-offer',
};
const settling = {
  ...defaultPolicy,
  id: 'settling',
  settlement: {
    maxDiscountBasisPoints: 2000,
    approvalAboveBasisPoints: 1000,
    offers: [{ minDaysPastDue: 20, discountBasisPoints: 1500, validDays: 10 }],
  },
  stages: [...defaultPolicy.stages.slice(0, 5), offerStage, ...defaultPolicy.stages.slice(5)],
  templates: {
    ...defaultPolicy.templates,
    'settlement-offer': {
      version: 1,
      locales: {
        en: {
          sms: '{name}, you owe {amount}. Pay {settlementAmount} by {offerExpires} to settle in full: {link}',
        },
        'zh-CN': {
          sms: '{name}您好，您当前欠款{amount}。{offerExpires}前一次性还款{settlementAmount}即可结清：{link}',
        },
      },
    },
  },
};

let plain: SimulationResult;
let settled: SimulationResult;
const loanOf = (r: SimulationResult, id: string) => r.loans.find((l) => l.loanId === id);

beforeAll(async () => {
  plain = await simulate(
    parseScenario({
      loans: [
        loan('before-agreement', 1, [plan(['100.00', '2026-12-15'], ['100.00', '2027-01-15'])]),
        loan('short', 2, [plan(['100.00', '2026-12-25'], ['100.00', '2027-01-25'])]),
        loan('three', 3, [
          plan(['1000.00', '2026-12-25'], ['1000.00', '2027-01-25'], ['1000.00', '2027-02-25']),
          pay('1000.00', '2026-12-24'),
          pay('1000.00', '2027-01-24'),
          pay('1000.00', '2027-02-24'),
        ]),
        loan('paid', 4, [pay('3000.00', '2026-12-20')]),
      ],
    }),
  );
  settled = await simulate(
    parseScenario({
      policy: settling,
      loans: [
        loan('approved', 5, [
          { ...plan(['1250.00', '2026-12-25'], ['1250.00', '2027-01-25']), approverId: 'M-7' },
          pay('1250.00', '2026-12-24'),
          pay('1250.00', '2027-01-24'),
        ]),
        loan('unapproved', 6, [plan(['1250.00', '2026-12-25'], ['1250.00', '2027-01-25'])]),
        loan('offer', 7, [pay('2550.00', '2027-01-05')]),
        loan('offer-late', 8, [pay('2550.00', '2027-01-12')]),
      ],
    }),
  );
}, 180_000);

describe('plans that add up (issue 14, item 2)', () => {
  it('a plan with an instalment before the agreement, or short of the balance, is refused: nothing is settled', () => {
    for (const id of ['before-agreement', 'short']) {
      expect(loanOf(plain, id)?.finalStatus).toBe('HANDED_OVER');
      expect(loanOf(plain, id)?.settledFor).toBeNull();
      const records = plain.ledgers.get(id) ?? [];
      expect(records.some((r) => r.type === 'PLAN')).toBe(false);
      // The call is recorded as what it was: a conversation, not an agreement.
      expect(records.find((r) => r.stage === 'D+7')?.attempts[0]).toMatchObject({
        status: 'SENT',
        outcome: 'REACHED',
      });
    }
  });

  it('three instalments covering the whole balance, all paid on time: SETTLED, ¥3,000.00, nothing waived', () => {
    expect(loanOf(plain, 'three')).toMatchObject({
      finalStatus: 'SETTLED',
      settledFor: '3000.00',
      waived: '0.00',
    });
    expect(loanOf(plain, 'paid')).toMatchObject({ finalStatus: 'CURED', settledFor: null, waived: null });
  });

  it('the signed agreement is stored with the evidence, and the ledger names it by key and SHA-256', () => {
    const signed = (plain.ledgers.get('three') ?? []).find((r) => r.detail?.plan === 'SIGNED');
    expect(signed?.detail).toMatchObject({ balanceAtAgreement: '3000.00', agreed: '3000.00' });
    const key = String(signed?.detail?.agreement)
      .replace(/^memory:/, '')
      .replace(/\.md$/, '');
    const stored = plain.evidence.get(key);
    expect(stored?.document).toContain('# 还款协议');
    expect(stored?.document).toContain('2027-02-25: 1000.00 CNY');
    const hash = createHash('sha256')
      .update(stored?.document ?? '', 'utf8')
      .digest('hex');
    expect(signed?.detail?.agreementSha256).toBe(hash);
  });
});

describe('settlements for less (issue 14, item 2)', () => {
  it('a plan of ¥2,500.00 on ¥3,000.00 (16.7% off) needs an approver: with one it settles, ¥500.00 waived', () => {
    expect(loanOf(settled, 'approved')).toMatchObject({
      finalStatus: 'SETTLED',
      settledFor: '2500.00',
      waived: '500.00',
    });
    const signed = (settled.ledgers.get('approved') ?? []).find((r) => r.detail?.plan === 'SIGNED');
    expect(signed?.detail).toMatchObject({
      approvedBy: 'M-7',
      agreed: '2500.00',
      balanceAtAgreement: '3000.00',
    });
    expect(loanOf(settled, 'unapproved')?.finalStatus).toBe('HANDED_OVER');
    expect((settled.ledgers.get('unapproved') ?? []).some((r) => r.type === 'PLAN')).toBe(false);
  });

  it('a one-time offer at D+20, 15% off (¥2,550.00), paid by its last day settles; paid later it does not', () => {
    const offer = (settled.ledgers.get('offer') ?? []).find((r) => r.stage === 'D+20');
    expect(offer?.detail).toMatchObject({
      settlementAmount: '2550.00',
      balance: '3000.00',
      validUntil: '2027-01-09',
    });
    expect(offer?.attempts[0]).toMatchObject({
      channel: 'SMS',
      status: 'SENT',
      templateId: 'settlement-offer',
    });
    expect(loanOf(settled, 'offer')).toMatchObject({
      finalStatus: 'SETTLED',
      settledFor: '2550.00',
      waived: '450.00',
    });
    expect(loanOf(settled, 'offer-late')?.finalStatus).toBe('HANDED_OVER');
    // One offer per loan: D+20 only.
    const offers = (settled.ledgers.get('offer-late') ?? []).filter((r) => r.detail?.offer === 'SETTLEMENT');
    expect(offers).toHaveLength(1);
  });
});
