import { describe, expect, it } from 'vitest';
import type { LedgerRecord } from '../../functions/domain/ledger.js';
import { BUNDLED_POLICIES } from '../../functions/domain/policies.js';
import { parseScenario } from '../../local/scenario.js';
import { simulate } from '../../local/simulate.js';
import { borrower as wangFang } from '../borrower.js';

/**
 * Caps and notices the first version declared but did not enforce, or counted in the wrong place,
 * replayed as scenarios on the local runtime: calls to one phone number shared by several borrowers,
 * connected calls to one debtor across loans, and credit reporting without a notice under the CN pack.
 */
const loan = (loanId: string, borrowerId: string, events: unknown[] = []) => ({
  loanId,
  amountDue: '1200.00',
  currency: 'CNY',
  dueDate: '2026-12-10',
  borrower: { ...wangFang, borrowerId },
  events,
});
const callsOn = (ledgers: Map<string, LedgerRecord[]>, day: string) =>
  [...ledgers.values()]
    .flat()
    .filter((r) => r.at.startsWith(day))
    .flatMap((r) => r.attempts.filter((a) => a.channel === 'CALL'));
const tally = (attempts: Array<{ status: string; reason?: string }>) => {
  const out: Record<string, number> = {};
  for (const a of attempts) {
    const key = a.reason ? `${a.status} ${a.reason}` : a.status;
    out[key] = (out[key] ?? 0) + 1;
  }
  return out;
};

describe('call caps (CN pack)', () => {
  it('eight borrowers sharing one phone number get six unanswered calls on it in a day, not six each', async () => {
    const loans = ['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H'].map((b) => loan(`${b}-1`, `B-${b}`));
    const result = await simulate(parseScenario({ seed: 1, loans }));
    // 09:00 in Shanghai on D+7: eight call tasks at once; the phone line's log lets six through.
    expect(tally(callsOn(result.ledgers, '2026-12-17'))).toEqual({
      SENT: 6,
      'BLOCKED CN_UNANSWERED_CALLS_PER_DAY': 2,
    });
  });

  it('a borrower with four loans gets one call a day, covering the other three: no cap is reached', async () => {
    // One voice per borrower: before it, the four loans' call tasks opened at once and the per-debtor
    // cap (three connected calls a day) let three through. Now one call speaks for all four loans.
    const loans = [1, 2, 3, 4].map((n) => loan(`L-${n}`, 'B-many', [{ type: 'refused', onAgentCall: 1 }]));
    const result = await simulate(parseScenario({ seed: 1, loans }));
    expect(tally(callsOn(result.ledgers, '2026-12-17'))).toEqual({ SENT: 1, 'COVERED COVERED_BY': 3 });
  });
});

describe('credit reporting under the CN pack (征信业管理条例 art. 15)', () => {
  it('no notice reached the borrower: the report is blocked and no bureau event is published', async () => {
    const base = BUNDLED_POLICIES.find((p) => (p as { id: string }).id === 'default') as {
      stages: Array<{ id: string; channels?: string[] }>;
    };
    // The credit notice by e-mail only, and the borrower opted out of e-mail: no notice is sent.
    const stages = base.stages.map((s) => (s.id === 'D+76' ? { ...s, channels: ['EMAIL'] } : s));
    const result = await simulate(
      parseScenario({
        seed: 1,
        policy: { extends: 'default', stages },
        loans: [
          loan('L-CR', 'B-CR', [{ type: 'optOut', channel: 'EMAIL', at: '2026-12-11T12:00:00+08:00' }]),
        ],
      }),
    );
    const records = result.ledgers.get('L-CR') ?? [];
    expect(records.find((r) => r.stage === 'D+76')?.attempts).toEqual([
      { channel: 'EMAIL', status: 'BLOCKED', reason: 'OPTED_OUT_EMAIL' },
    ]);
    expect(records.find((r) => r.stage === 'D+90')?.detail).toEqual({
      report: 'BLOCKED',
      reason: 'NO_CREDIT_REPORT_NOTICE',
    });
    expect(result.published.map((e) => e.detailType)).not.toContain('CreditBureauReportRequested');
  });
});
