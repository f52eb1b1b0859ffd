import { beforeAll, describe, expect, it } from 'vitest';
import type { PublicTask } from '../../functions/adapters/task-store.js';
import { caseKey } from '../../functions/domain/case.js';
import type { LedgerRecord } from '../../functions/domain/ledger.js';
import type { LocalLadder } from '../../local/runtime.js';
import { parseScenario } from '../../local/scenario.js';
import { simulate } from '../../local/simulate.js';
import { scenarioLoan } from '../borrower.js';

/**
 * An agent's handling shortens the hardship pause, through the real local runtime. Two borrowers
 * reply "我这个月失业了，下个月再还" on D+2; the plan offer goes out on D+3 and escalation pauses. On
 * D+5 an agent completes each conversation item: for one, ANSWERED (the agent spoke to the borrower,
 * and the reply is not hardship after all): the waiting execution is woken at once, the pause's end is
 * recorded then, and escalation resumes the same day instead of 14 days after the reply. For the
 * other, HARDSHIP (confirmed): the pause runs to its deadline as before.
 */
const REPLY = {
  type: 'reply',
  channel: 'SMS',
  text: '我这个月失业了，下个月再还',
  at: '2026-12-12T10:00:00+08:00',
};
const HANDLED_AT = Date.parse('2026-12-15T10:00:00+08:00'); // D+5
const DEADLINE = Date.parse(REPLY.at) + 14 * 86_400_000;
const who = { phonePrefix: '+86138007200', name: 'Sun Li' };
const PROMISE = {
  type: 'promiseToPay',
  amount: '3000.00',
  date: '2026-12-18',
  at: '2026-12-15T10:00:00+08:00',
};
const loans = [
  scenarioLoan('L-answered', 1, [REPLY], who),
  scenarioLoan('L-confirmed', 2, [REPLY], who),
  // Promises to pay on D+5 (self-service, PromiseToPayMade) and does not keep it.
  scenarioLoan('L-promised', 3, [REPLY, PROMISE], who),
  // Hardship reported on D+5, after the D+3 reminder went out: the D+7 agent call is the next stage.
  scenarioLoan('L-call-next', 4, [{ type: 'hardship', at: '2026-12-15T10:00:00+08:00' }], who),
];
const OUTCOME: Record<string, string> = { 'L-answered': 'ANSWERED', 'L-confirmed': 'HARDSHIP' };

const ledgers: Record<string, LedgerRecord[]> = {};
const completed: Record<string, number> = {};

/** The agent's desk on D+5: each item claimed and completed through the work-queue API. */
function handleOnD5(l: LocalLadder): void {
  const api = (method: string, path: string, body: unknown = null, query = {}) =>
    l.agentApi({ method, path, query, body: body === null ? null : JSON.stringify(body), caller: 'agent-7' });
  l.clock.setTimeout(
    () =>
      void l.clock.track(async () => {
        const list = await api('GET', '/tasks', null, { queue: 'conversations' });
        for (const task of (list.body as { tasks: PublicTask[] }).tasks) {
          if (!OUTCOME[task.loanId]) continue;
          const path = `/tasks/${encodeURIComponent(task.taskId)}`;
          await api('POST', `${path}/claim`);
          const done = await api('POST', `${path}/complete`, { outcome: OUTCOME[task.loanId] });
          completed[task.loanId] = done.status;
        }
      }),
    HANDLED_AT - l.clock.now(),
  );
}

beforeAll(async () => {
  await simulate(parseScenario({ seed: 9, loans }), {
    onStart: handleOnD5,
    onFinish: async (l) => {
      for (const id of [...Object.keys(OUTCOME), 'L-promised', 'L-call-next'])
        ledgers[id] = await l.stores.ledger().list(caseKey(id, 1));
    },
  });
});

const ended = (id: string) => ledgers[id]?.find((r) => r.detail?.hardship === 'PAUSE_ENDED');
const sentAfterOffer = (id: string) =>
  (ledgers[id] ?? []).filter(
    (r) =>
      r.attempts.some((a) => a.status === 'SENT') &&
      r.detail?.plan === undefined &&
      r.stage !== 'D-3' &&
      r.stage !== 'D+1',
  );

describe("an agent's handling of the hardship reply", () => {
  it('both items were completed on D+5', () => {
    expect(completed).toEqual({ 'L-answered': 200, 'L-confirmed': 200 });
  });

  it('ANSWERED: the pause ends when the agent handles it, recorded, and escalation resumes that day', () => {
    expect(ended('L-answered')).toMatchObject({
      at: new Date(HANDLED_AT).toISOString(),
      type: 'HOLD',
      detail: { hardship: 'PAUSE_ENDED', source: 'REPLY', handledAt: new Date(HANDLED_AT).toISOString() },
    });
    const next = sentAfterOffer('L-answered')[0];
    expect(Date.parse(next?.at ?? '')).toBeGreaterThanOrEqual(HANDLED_AT);
    expect(Date.parse(next?.at ?? '')).toBeLessThan(HANDLED_AT + 86_400_000);
  });

  it('HARDSHIP (confirmed): the pause runs to its deadline', () => {
    expect(Date.parse(ended('L-confirmed')?.at ?? '')).toBeGreaterThanOrEqual(DEADLINE);
    expect(ended('L-confirmed')?.detail?.handledAt).toBeUndefined();
    expect(Date.parse(sentAfterOffer('L-confirmed')[0]?.at ?? '')).toBeGreaterThanOrEqual(DEADLINE);
  });

  it('a promise made during the pause takes over at once: broken at its own grace end, not at the deadline', () => {
    const broken = ledgers['L-promised']?.find((r) => r.type === 'PROMISE');
    expect(broken?.detail).toMatchObject({ promise: 'BROKEN', date: '2026-12-18' });
    // Two days of grace after 18 December, midnight in Shanghai: long before the pause's deadline.
    expect(broken?.at).toBe('2026-12-20T16:00:00.000Z');
    expect(Date.parse(broken?.at ?? '')).toBeLessThan(DEADLINE);
  });

  it('hardship heard while a call stage is next: the plan offer goes out at that stage, no call meanwhile', () => {
    const records = ledgers['L-call-next'] ?? [];
    expect(records.find((r) => r.stage === 'D+7')).toMatchObject({
      at: '2026-12-17T01:00:00.000Z', // D+7 at 09:00 in Shanghai
      type: 'CONTACT',
      detail: { plan: 'OFFERED_FOR_HARDSHIP' },
      attempts: [{ channel: 'SMS', status: 'SENT', templateId: 'plan-offer' }],
    });
    const pauseEnds = Date.parse('2026-12-15T10:00:00+08:00') + 14 * 86_400_000;
    const calls = records.filter((r) => r.attempts.some((a) => a.channel === 'CALL' && a.status === 'SENT'));
    expect(calls.length).toBeGreaterThan(0);
    expect(calls.every((r) => Date.parse(r.at) >= pauseEnds)).toBe(true);
  });
});
