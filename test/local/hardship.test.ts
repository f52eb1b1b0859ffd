import { beforeAll, describe, expect, it } from 'vitest';
import type { PublicTask } from '../../functions/adapters/task-store.js';
import { caseKey } from '../../functions/domain/case.js';
import type { LedgerRecord } from '../../functions/domain/ledger.js';
import { parseScenario } from '../../local/scenario.js';
import { simulate } from '../../local/simulate.js';
import { borrower } from '../borrower.js';

/**
 * Hardship is heard, through the real local runtime (the acceptance scenario of issue 15): a reply
 * "我这个月失业了，下个月再还" after D+1 produces an agent work item, a plan offer, and no escalation
 * stage SENT until the hardship deadline (the default policy's hardship.pauseDays, 14) has passed;
 * then escalation resumes. A HardshipReported event pauses the same way.
 */
const REPLY_AT = '2026-12-12T10:00:00+08:00'; // D+2
const DEADLINE = Date.parse(REPLY_AT) + 14 * 24 * 3600 * 1000;
const loan = (loanId: string, events: unknown[]) => ({
  loanId,
  amountDue: '3000.00',
  currency: 'CNY',
  dueDate: '2026-12-10',
  borrower: {
    ...borrower,
    borrowerId: `B-${loanId}`,
    phone: loanId === 'L-reply' ? borrower.phone : '+8613800138222',
  },
  events,
});

let tasks: PublicTask[] = [];
const ledgers: Record<string, LedgerRecord[]> = {};

beforeAll(async () => {
  const scenario = {
    seed: 5,
    loans: [
      loan('L-reply', [{ type: 'reply', channel: 'SMS', text: '我这个月失业了，下个月再还', at: REPLY_AT }]),
      loan('L-event', [{ type: 'hardship', at: REPLY_AT }]),
    ],
  };
  await simulate(parseScenario(scenario), {
    onFinish: async (l) => {
      tasks = (await l.stores.tasks().listOpen('conversations')).tasks;
      for (const id of ['L-reply', 'L-event']) ledgers[id] = await l.stores.ledger().list(caseKey(id, 1));
    },
  });
});

const sentAt = (id: string) => (ledgers[id] ?? []).filter((r) => r.attempts.some((a) => a.status === 'SENT'));

describe.each([['L-reply'], ['L-event']])('hardship heard (%s)', (id) => {
  it('the next stage due sends the plan offer instead, and nothing else is SENT until the deadline', () => {
    const during = sentAt(id).filter(
      (r) => Date.parse(r.at) > Date.parse(REPLY_AT) && Date.parse(r.at) < DEADLINE,
    );
    expect(during.map((r) => [r.stage, r.detail?.plan])).toEqual([['D+3', 'OFFERED_FOR_HARDSHIP']]);
    expect(during[0]?.attempts).toEqual([
      expect.objectContaining({ channel: 'SMS', status: 'SENT', templateId: 'plan-offer' }),
    ]);
  });

  it('at the deadline the pause ends, recorded, and escalation resumes', () => {
    const ended = ledgers[id]?.find((r) => r.detail?.hardship === 'PAUSE_ENDED');
    expect(Date.parse(ended?.at ?? '')).toBeGreaterThanOrEqual(DEADLINE);
    const after = sentAt(id).filter((r) => Date.parse(r.at) >= DEADLINE && r.detail?.plan === undefined);
    expect(after.length).toBeGreaterThan(0);
  });
});

describe('the reply', () => {
  it('is an agent work item on the conversations queue, read as hardship', () => {
    expect(tasks.map((t) => [t.loanId, t.conversation?.intent])).toEqual([['L-reply', 'HARDSHIP']]);
  });
});
