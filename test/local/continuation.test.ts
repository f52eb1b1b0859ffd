import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { EXECUTION_LIMIT_DAYS } from '../../functions/domain/continuation.js';
import { verifyChain } from '../../functions/domain/ledger.js';
import { inLane } from '../../local/clock.js';
import { formatContinuations } from '../../local/report.js';
import type { ExecutionRecord, LocalLadder } from '../../local/runtime.js';
import { parseScenario, type Scenario } from '../../local/scenario.js';
import { type SimulatedLoan, type SimulationResult, simulate } from '../../local/simulate.js';

/**
 * Ladders longer than a Standard execution's year (samples/long-ladders.json): a 24-instalment plan,
 * a dispute held for more than a year, a promise made late in the ladder. Each must go on in fresh
 * executions before the year is out, its executions linked, and end as it would in one.
 */
const sample = JSON.parse(readFileSync(new URL('../../samples/long-ladders.json', import.meta.url), 'utf8'));
const scenario = (only?: string): Scenario => {
  const raw = structuredClone(sample) as { loans: Array<{ loanId: string }> };
  if (only) raw.loans = raw.loans.filter((l) => l.loanId === only);
  return parseScenario(raw);
};

interface Seen {
  executions: ExecutionRecord[];
  cases: Map<string, { execution?: string; status: string }>;
}
async function observe(l: LocalLadder, loanIds: string[]): Promise<Seen> {
  const cases = new Map<string, { execution?: string; status: string }>();
  for (const loanId of loanIds) {
    const borrowerId = scenario(loanId).loans[0]?.borrower.borrowerId ?? '';
    const kase = (await l.stores.cases().borrowerView(borrowerId)).cases[0]?.item;
    if (kase) cases.set(loanId, kase);
  }
  return { executions: [...l.executions.values()], cases };
}

let result: SimulationResult;
let seen: Seen;
beforeAll(async () => {
  const s = scenario();
  result = await simulate(s, {
    onFinish: async (l) => {
      seen = await observe(
        l,
        s.loans.map((x) => x.loanId),
      );
    },
  });
}, 120_000);

const loan = (id: string): SimulatedLoan => {
  const found = result.loans.find((l) => l.loanId === id);
  if (!found) throw new Error(`no loan ${id}`);
  return found;
};
const execution = (name: string): ExecutionRecord => {
  const found = seen.executions.find((e) => e.name === name);
  if (!found) throw new Error(`no execution ${name}`);
  return found;
};
const entered = (name: string) =>
  execution(name)
    .history.filter((h) => h.type === 'StateEntered')
    .map((h) => h.state);

describe('a ladder longer than a year continues in fresh executions', () => {
  it('a 24-instalment monthly plan, every instalment paid, ends SETTLED with no execution longer than 365 days', () => {
    const plan = loan('plan-24');
    expect(plan.finalStatus).toBe('SETTLED');
    expect(plan.executions.map((e) => e.name)).toEqual(['plan-24-c1', 'plan-24-c1-r1', 'plan-24-c1-r2']);
    for (const e of plan.executions) {
      expect(e.status, e.name).toBe('SUCCEEDED');
      expect(e.days, e.name).toBeLessThan(EXECUTION_LIMIT_DAYS);
    }
    // From the first instalment to the last: more than a year and a half of ladder in all.
    const first = Date.parse(plan.executions[0]?.startedAt ?? '');
    const last = Date.parse(plan.executions.at(-1)?.stoppedAt ?? '');
    expect((last - first) / 86_400_000).toBeGreaterThan(2 * EXECUTION_LIMIT_DAYS - 30);
    const paid = (result.ledgers.get('plan-24') ?? []).filter((r) => r.detail?.plan === 'INSTALMENT_PAID');
    expect(paid.map((r) => r.detail?.instalment)).toEqual(Array.from({ length: 23 }, (_, i) => i + 1));
  });

  it('no execution of any loan timed out or ran a year, and each names the one before and after it', () => {
    expect(result.summary.executions).toEqual({ SUCCEEDED: seen.executions.length });
    for (const l of result.loans) {
      expect(l.executions.length, l.loanId).toBeGreaterThan(1);
      l.executions.forEach((e, i) => {
        expect(e.days, e.name).toBeLessThan(EXECUTION_LIMIT_DAYS);
        expect(e.continuedFrom, e.name).toBe(l.executions[i - 1]?.name);
        expect(e.continuedAs, e.name).toBe(l.executions[i + 1]?.name);
      });
    }
    // In the console: the new execution's input links the old one's ARN, the old one's output the new one.
    const r1 = execution('plan-24-c1-r1');
    expect(r1.input.continuedFrom).toBe(execution('plan-24-c1').arn);
    expect(execution('plan-24-c1').output).toMatchObject({
      continuedAs: { name: 'plan-24-c1-r1', executionArn: r1.arn },
    });
  });

  it('the ledger is one chain across the executions: each carries the head on', async () => {
    for (const l of result.loans) {
      const records = result.ledgers.get(l.loanId) ?? [];
      expect(records.map((r) => r.seq)).toEqual(records.map((_, i) => i + 1));
      expect(verifyChain(records), l.loanId).toMatchObject({ ok: true });
    }
  });

  it('a dispute held past a year continues in the hold, and the resolution wakes the execution the case names', () => {
    const hold = loan('hold-past-year');
    expect(hold.finalStatus).toBe('CURED');
    const names = hold.executions.map((e) => e.name);
    expect(names).toEqual(['hold-past-year-c1', 'hold-past-year-c1-r1', 'hold-past-year-c1-r2']);
    for (const name of names.slice(1))
      expect(entered(name).slice(0, 3)).toEqual([
        'Start or continue?',
        'Continue where the last execution stopped',
        'Dispute hold',
      ]);
    // The dispute was resolved on 2028-01-20 10:00 in Shanghai: the hold of the current execution
    // ended then, not at its timeout.
    const woken = execution('hold-past-year-c1-r2').history.find(
      (h) => h.type === 'StateExited' && h.state === 'Dispute hold',
    );
    expect(woken?.at).toBe(Date.parse('2028-01-20T02:00:00Z'));
    expect(seen.cases.get('hold-past-year')?.execution).toBe('hold-past-year-c1-r2');
    const timedOut = (result.ledgers.get('hold-past-year') ?? []).filter(
      (r) => r.detail?.hold === 'TIMED_OUT',
    );
    expect(timedOut).toHaveLength(2);
  });

  it('a promise made late in the ladder continues at the promise and ends as it would have', () => {
    const promise = loan('promise-late');
    expect(promise.finalStatus).toBe('CURED');
    expect(promise.executions.map((e) => e.name)).toEqual(['promise-late-c1', 'promise-late-c1-r1']);
    expect(entered('promise-late-c1-r1').slice(1, 3)).toEqual([
      'Continue where the last execution stopped',
      'Promise to pay: waiting',
    ]);
    expect(execution('promise-late-c1').input.continuedFrom).toBeUndefined();
  });

  it("ladder simulate names each continued loan's executions, in order", () => {
    const lines = formatContinuations(result.loans);
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(
      /^plan-24: plan-24-c1 \(SUCCEEDED, [\d.]+ days\) -> plan-24-c1-r1 \(SUCCEEDED, [\d.]+ days\) -> plan-24-c1-r2 \(SUCCEEDED, [\d.]+ days\)$/,
    );
  });
});

describe('a continuation is idempotent', () => {
  it('a continuation step that crashed after starting the new execution is retried, and starts nothing twice', async () => {
    let crashes = 0;
    let redelivered: unknown;
    const run = await simulate(scenario('plan-24'), {
      faults: {
        invocation: ({ fn, payload }) => {
          if (fn !== 'stage' || (payload as { action?: string }).action !== 'CONTINUE' || crashes > 0)
            return undefined;
          crashes += 1;
          return { error: 'crash', when: 'after' };
        },
      },
      onFinish: async (l) => {
        // LoanDelinquent delivered again once the ladder has continued: intake starts nothing.
        const { loans } = scenario('plan-24');
        const first = loans[0];
        if (!first) return;
        const detail = { ...first, cycle: 1, events: undefined };
        redelivered = await inLane(first.borrower.borrowerId, () => l.send('LoanDelinquent', detail));
        seen = await observe(l, ['plan-24']);
      },
    });
    expect(crashes).toBe(1);
    const plan = run.loans[0];
    expect(plan?.finalStatus).toBe('SETTLED');
    expect(plan?.executions.map((e) => e.name)).toEqual(['plan-24-c1', 'plan-24-c1-r1', 'plan-24-c1-r2']);
    const retried = execution('plan-24-c1').history.filter((h) => h.state === 'Continue in a new execution');
    expect(retried.map((h) => h.type)).toEqual([
      'StateEntered',
      'StateFailed',
      'StateRetried',
      'StateExited',
    ]);
    expect(retried[1]?.error).toBe('Lambda.Unknown');
    expect(redelivered).toMatchObject({ executionName: 'plan-24-c1-r2', started: false });
    expect(seen.executions).toHaveLength(3);
  });
});
