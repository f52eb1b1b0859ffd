import { readFileSync } from 'node:fs';
import { DateTime } from 'luxon';
import { beforeAll, describe, expect, it } from 'vitest';
import { caseKey } from '../../functions/domain/case.js';
import type { LedgerRecord } from '../../functions/domain/ledger.js';
import { parseScenario } from '../../local/scenario.js';
import { simulate } from '../../local/simulate.js';
import { borrower } from '../borrower.js';

/**
 * A call stage makes up to its policy's attempts, one a day: a call not answered is tried again on a
 * later day at the stage time, within the contact window, and no third call is made when the policy
 * allows two. Through the real local runtime; the simulated desk answers no call (no script).
 */
const stages = (
  JSON.parse(readFileSync('policies/default.json', 'utf8')) as { stages: Array<{ id: string }> }
).stages;
const withAttempts = (n: number) => stages.map((s) => (s.id === 'D+7' ? { ...s, attempts: n } : s));
const loan = (loanId: string) => ({
  loanId,
  amountDue: '3000.00',
  currency: 'CNY',
  dueDate: '2026-12-10',
  borrower: { ...borrower, borrowerId: `B-${loanId}` },
  // Paid after the D+15 letter: the calls are all there is to see.
  events: [{ type: 'payment', amount: '3000.00', at: '2026-12-27T10:00:00+08:00' }],
});

const calls: Record<number, LedgerRecord[]> = {};
const scripts: Array<string | undefined> = [];

beforeAll(async () => {
  for (const n of [1, 2]) {
    const scenario = {
      seed: 6,
      policy: { extends: 'default', stages: withAttempts(n) },
      loans: [loan(`L-${n}`)],
    };
    await simulate(parseScenario(scenario), {
      onFinish: async (l) => {
        const ledger = await l.stores.ledger().list(caseKey(`L-${n}`, 1));
        calls[n] = ledger.filter((r) => r.stage === 'D+7' && r.attempts.some((a) => a.channel === 'CALL'));
        if (n !== 2) return;
        for (const r of calls[n] ?? [])
          scripts.push((await l.stores.tasks().get(r.attempts[0]?.providerRef ?? ''))?.script);
      },
    });
  }
});

const local = (iso: string) => DateTime.fromISO(iso).setZone('Asia/Shanghai');

describe('calls across days', () => {
  it("each call task carries the script, rendered in the borrower's language with the amount and days of that day", () => {
    expect(scripts).toEqual([
      '核实身份后告知：¥3,000.00已逾期7天。询问原因、还款意愿和能力。',
      '核实身份后告知：¥3,000.00已逾期8天。询问原因、还款意愿和能力。',
    ]);
  });

  it('one attempt allowed: one call, not answered, and the ladder moves on', () => {
    expect(calls[1]?.flatMap((r) => r.attempts.map((a) => [a.status, a.outcome]))).toEqual([
      ['SENT', 'NO_ANSWER'],
    ]);
  });

  it('two allowed: the unanswered call is tried the next day at the stage time, and no third call is made', () => {
    const made = calls[2] ?? [];
    expect(made.flatMap((r) => r.attempts.map((a) => [a.status, a.outcome]))).toEqual([
      ['SENT', 'NO_ANSWER'],
      ['SENT', 'NO_ANSWER'],
    ]);
    const days = made.map((r) => local(r.at).toISODate());
    expect(days).toEqual(['2026-12-17', '2026-12-18']);
    // Within the CN window (08:00-22:00): the desk answers half an hour after the task opens at 09:00.
    for (const r of made) expect(local(r.at).hour).toBeGreaterThanOrEqual(9);
    expect(made.map((r) => r.attempts[0]?.providerRef)).toEqual([
      ...new Set(made.map((r) => r.attempts[0]?.providerRef)),
    ]);
  });
});
