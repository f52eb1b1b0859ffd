import { beforeAll, describe, expect, it } from 'vitest';
import type { LedgerRecord } from '../../functions/domain/ledger.js';
import { parseScenario } from '../../local/scenario.js';
import { type SimulationResult, simulate } from '../../local/simulate.js';
import defaultPolicy from '../../policies/default.json' with { type: 'json' };
import { scenarioLoan } from '../borrower.js';
import { outboundValidators } from '../contracts/ajv.js';

/**
 * Issue 14, item 4, through the real local runtime (default policy, CN; due 2026-12-10, so the agency
 * placement is D+60 = 8 February, the bureau report D+90 = 10 March and the legal handoff D+91 =
 * 11 March, 09:00 Shanghai). Every event published must also validate against its committed JSON
 * Schema (Ajv), as the contract tests require.
 */
const WHO = { phonePrefix: '+86137000003', name: '王芳' };
const loan = (loanId: string, n: number, events: unknown[]) =>
  scenarioLoan(loanId, n, [{ type: 'refused', onAgentCall: 1 }, ...events], WHO);
const pay = (amount: string, at: string) => ({ type: 'payment', amount, at });

const validators = outboundValidators();
let result: SimulationResult;
let stopped: SimulationResult;
type Published = { type: string } & Record<string, unknown>;
const published = (r: SimulationResult, loanId: string): Published[] =>
  r.published.filter((e) => e.detail.loanId === loanId).map((e) => ({ ...e.detail, type: e.detailType }));

beforeAll(async () => {
  result = await simulate(
    parseScenario({
      loans: [
        // 500 while placed, the rest after the legal handoff.
        loan('placed-then-legal', 1, [
          pay('500.00', '2027-02-12T12:00:00+08:00'),
          pay('2500.00', '2027-03-20T12:00:00+08:00'),
        ]),
        // Paid in full after the bureau report, before the handoff.
        loan('cured-after-report', 2, [pay('3000.00', '2027-03-10T20:00:00+08:00')]),
        // A plan proposed after the handoff: legal's to decide.
        loan('plan-after-legal', 3, [
          {
            type: 'acceptPlan',
            at: '2027-03-20T12:00:00+08:00',
            instalments: [
              { amount: '1500.00', date: '2027-04-20' },
              { amount: '1500.00', date: '2027-05-20' },
            ],
          },
        ]),
      ],
    }),
  );
  // The same ladder with a reminder at D+70, under a policy that stops the lender's notices while placed.
  const stages = [...defaultPolicy.stages];
  const at = stages.findIndex((s) => s.id === 'D+76');
  stages.splice(at, 0, {
    id: 'D+70',
    name: 'reminder while placed',
    offsetDays: 70,
    kind: 'NOTICE',
    channels: ['SMS', 'EMAIL'],
    template: 'overdue-reminder',
  } as (typeof stages)[number]);
  stopped = await simulate(
    parseScenario({
      policy: { extends: 'default', id: 'stop-placed', version: 1, lenderNoticesWhilePlaced: 'STOP', stages },
      loans: [loan('stopped', 4, [])],
    }),
  );
}, 240_000);

describe('after handoff (issue 14, item 4)', () => {
  it('a payment while placed updates the agency with the amount and the balance; the handoff recalls the placement; a payment after it goes to legal', () => {
    const events = published(result, 'placed-then-legal');
    const shape = events
      .filter((e) => e.type === 'AccountUpdateRequested' || e.type === 'AgencyRecallRequested')
      .map((e) => [e.type, e.recipient ?? e.reason, e.change ?? '', e.amount ?? '', e.balance]);
    expect(shape).toEqual([
      ['AccountUpdateRequested', 'AGENCY', 'PAYMENT', '500.00', '2500.00'],
      ['AgencyRecallRequested', 'LEGAL_HANDOFF', '', '', '2500.00'],
      ['AccountUpdateRequested', 'LEGAL', 'PAYMENT', '2500.00', '0.00'],
    ]);
    // Reported to the bureau at D+90, then paid in full with legal: the bureau is asked to correct it.
    const report = events.find((e) => e.type === 'CreditBureauReportRequested');
    const correction = events.filter((e) => e.type === 'CreditBureauCorrectionRequested');
    expect(correction).toHaveLength(1);
    expect(correction[0]).toMatchObject({
      reason: 'PAID',
      reportKey: report?.idempotencyKey,
      balance: '0.00',
    });
    // The recall comes before legal is handed the account.
    const order = events.map((e) => e.type);
    expect(order.indexOf('AgencyRecallRequested')).toBeLessThan(order.indexOf('LegalHandoffRequested'));
  });

  it('a cure after the bureau report asks for a correction, once, and recalls the agency', () => {
    const events = published(result, 'cured-after-report');
    const report = events.find((e) => e.type === 'CreditBureauReportRequested');
    expect(report).toBeDefined();
    expect(events.filter((e) => e.type === 'CreditBureauCorrectionRequested')).toEqual([
      expect.objectContaining({ reason: 'PAID', reportKey: report?.idempotencyKey }),
    ]);
    expect(events.filter((e) => e.type === 'AgencyRecallRequested').map((e) => e.reason)).toEqual(['PAID']);
    expect(events.some((e) => e.type === 'LegalHandoffRequested')).toBe(false);
    expect(result.loans.find((l) => l.loanId === 'cured-after-report')?.finalStatus).toBe('CURED');
  });

  it('a plan proposed after the handoff is forwarded to legal with its total, not applied', () => {
    const events = published(result, 'plan-after-legal');
    expect(events.filter((e) => e.type === 'AccountUpdateRequested')).toEqual([
      expect.objectContaining({ recipient: 'LEGAL', change: 'PLAN_PROPOSED', amount: '3000.00' }),
    ]);
    expect(events.some((e) => e.type === 'CreditBureauCorrectionRequested')).toBe(false);
    expect(result.loans.find((l) => l.loanId === 'plan-after-legal')?.finalStatus).toBe('HANDED_OVER');
  });

  it('every event published validates against its JSON Schema', () => {
    const all: SimulationResult['published'] = [...result.published, ...stopped.published];
    const problems = all.flatMap((e) => {
      const check = validators.get(e.detailType);
      if (!check) return [`no schema for ${e.detailType}`];
      const id = String(e.detail.loanId);
      return check(e.detail) ? [] : [`${e.detailType} ${id}: ${JSON.stringify(check.errors)}`];
    });
    expect(problems).toEqual([]);
  });

  it("lenderNoticesWhilePlaced STOP: the lender's own notice is recorded SKIPPED while placed; the credit-report notice the law requires is still sent", () => {
    const chain: LedgerRecord[] = stopped.ledgers.get('stopped') ?? [];
    const d70 = chain.filter((r) => r.stage === 'D+70');
    expect(d70.map((r) => [r.type, r.detail?.reason])).toEqual([['SKIP', 'PLACED_WITH_AGENCY']]);
    expect(d70[0]?.attempts.map((a) => a.status)).toEqual(['SKIPPED', 'SKIPPED']);
    const notice = chain.find((r) => r.stage === 'D+76');
    expect(notice?.attempts.some((a) => a.status === 'SENT')).toBe(true);
  });
});
