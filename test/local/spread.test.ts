import { DateTime } from 'luxon';
import { beforeAll, describe, expect, it } from 'vitest';
import { spreadMinutes, stageTime } from '../../functions/domain/case.js';
import { bundledPolicies } from '../../functions/domain/policies.js';
import { loadPolicy } from '../../functions/domain/policy.js';
import { parseScenario } from '../../local/scenario.js';
import { type SimulationResult, simulate } from '../../local/simulate.js';
import defaultPolicy from '../../policies/default.json' with { type: 'json' };

/**
 * stageSpreadMinutes: loans that share a due date reach a stage over a window, not in one minute,
 * each borrower at one minute for all their loans and stages.
 */
const spread = loadPolicy({ ...defaultPolicy, id: 'spread', stageSpreadMinutes: 120 });
const ZONE = 'Asia/Shanghai';
const localMinutes = (iso: string) => {
  const t = DateTime.fromISO(iso, { zone: ZONE });
  return t.hour * 60 + t.minute;
};

describe('stageSpreadMinutes', () => {
  it('puts each borrower at a minute of the window, the same for every loan and stage, and spreads borrowers over it', () => {
    const minutes = Array.from({ length: 500 }, (_, i) => spreadMinutes(spread, `B-${i}`));
    expect(Math.min(...minutes)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...minutes)).toBeLessThan(120);
    // 500 borrowers over 120 minutes: nearly every minute used, none crowded.
    const perMinute = new Map<number, number>();
    for (const m of minutes) perMinute.set(m, (perMinute.get(m) ?? 0) + 1);
    expect(perMinute.size).toBeGreaterThan(100);
    expect(Math.max(...perMinute.values())).toBeLessThan(15);
    expect(spreadMinutes(spread, 'B-7')).toBe(spreadMinutes(spread, 'B-7'));

    const kase = (loanId: string, shiftDays = 0) =>
      ({ loanId, borrowerId: 'B-7', dueDate: '2027-03-01', shiftDays }) as never;
    const stage = (id: string) => {
      const found = spread.stages.find((s) => s.id === id);
      if (!found) throw new Error(`no stage ${id}`);
      return found;
    };
    const [d1, d7] = [stage('D+1'), stage('D+7')];
    const at = (loanId: string, s: typeof d1, shiftDays = 0) =>
      DateTime.fromMillis(stageTime(spread, kase(loanId, shiftDays), s, ZONE), { zone: ZONE });
    const m = spreadMinutes(spread, 'B-7');
    for (const [loanId, s, shift] of [
      ['L-1', d1, 0],
      ['L-2', d1, 0],
      ['L-1', d7, 0],
      ['L-1', d7, 5],
    ] as const) {
      const t = at(loanId, s, shift);
      expect(t.hour * 60 + t.minute).toBe(9 * 60 + m);
      expect(t.toISODate()).toBe(
        DateTime.fromISO('2027-03-01')
          .plus({ days: s.offsetDays + shift })
          .toISODate(),
      );
    }
  });

  it('is off in the bundled policies: stages go out at stageLocalTime itself', () => {
    for (const policy of bundledPolicies().all()) {
      expect(policy.stageSpreadMinutes).toBe(0);
      expect(spreadMinutes(policy, 'B-7')).toBe(0);
    }
  });

  it('refuses a spread that is not a whole number of minutes from 0 to 720', () => {
    for (const bad of [-1, 1.5, 721, '60']) {
      expect(() => loadPolicy({ ...defaultPolicy, stageSpreadMinutes: bad })).toThrow(/stageSpreadMinutes/);
    }
  });
});

describe('a batch with one due date, simulated with a two-hour spread', () => {
  const borrowers = 60;
  const scenario = {
    policy: { extends: 'default', id: 'spread', stageSpreadMinutes: 120 },
    loans: Array.from({ length: borrowers }, (_, i) => ({
      loanId: `L-${i}`,
      amountDue: '500.00',
      currency: 'CNY',
      dueDate: '2027-03-01',
      borrower: {
        borrowerId: `B-${i}`,
        name: `借款人${i}`,
        phone: `+86138${String(10_000_000 + i)}`,
        email: `b${i}@example.com`,
        timeZone: ZONE,
        locale: 'zh-CN',
      },
      events: [],
    })),
  };
  let result: SimulationResult;
  beforeAll(async () => {
    result = await simulate(parseScenario(structuredClone(scenario)));
  });

  it('sends each stage over 09:00 to 11:00 local, each borrower at their own minute, not all at once', () => {
    const d1 = result.loans.map((loan) => {
      const sent = loan.attempts.filter((a) => a.stage === 'D+1' && a.status === 'SENT');
      expect(sent.length).toBeGreaterThan(0);
      const minutes = new Set(sent.map((a) => localMinutes(a.at)));
      expect(minutes.size).toBe(1);
      return [...minutes][0] as number;
    });
    expect(Math.min(...d1)).toBeGreaterThanOrEqual(9 * 60);
    expect(Math.max(...d1)).toBeLessThan(11 * 60);
    expect(new Set(d1).size).toBeGreaterThan(borrowers / 2);
    // Every automated stage of a loan at the same minute of its day (calls and visits are recorded
    // when the agent answers, half an hour after the task opened, in this simulation).
    for (const loan of result.loans) {
      const automated = loan.attempts.filter(
        (a) => a.status === 'SENT' && a.channel !== 'CALL' && a.channel !== 'VISIT',
      );
      expect(new Set(automated.map((a) => a.stage)).size).toBeGreaterThan(3);
      expect(new Set(automated.map((a) => localMinutes(a.at))).size).toBe(1);
    }
  });
});
