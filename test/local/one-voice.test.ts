import { DateTime } from 'luxon';
import { beforeAll, describe, expect, it } from 'vitest';
import type { HumanTask } from '../../functions/adapters/task-store.js';
import { humanTaskId } from '../../functions/domain/calls.js';
import { caseKey } from '../../functions/domain/case.js';
import type { LedgerRecord } from '../../functions/domain/ledger.js';
import { parseScenario } from '../../local/scenario.js';
import type { OutboxEntry } from '../../local/services/sms-sink.js';
import { simulate } from '../../local/simulate.js';
import { borrower, PHONE } from '../borrower.js';

/**
 * One voice per borrower, through the real local runtime: a borrower with two loans due the same day
 * gets one SMS per stage day, not two. The loans' steps run at the same minute (their stages share a
 * time), so they race for the day's send slot; the loser records the SMS COVERED_BY the winner's record,
 * and the winner's message says it covers the other loan, with the total of both.
 */
const loan = (loanId: string) => ({
  loanId,
  amountDue: '3000.00',
  currency: 'CNY',
  dueDate: '2026-12-10',
  borrower: { ...borrower, borrowerId: 'B-two' },
  // Both paid after the D+3 reminder: the pre-due reminder, D+1 and D+3 each went out once.
  events: [{ type: 'payment', amount: '3000.00', at: '2026-12-14T10:00:00+08:00' }],
});

let sms: OutboxEntry[] = [];
const ledgers: Record<string, LedgerRecord[]> = {};

beforeAll(async () => {
  await simulate(parseScenario({ seed: 4, loans: [loan('L-a'), loan('L-b')] }), {
    onFinish: async (l) => {
      sms = l.services.sms.outbox().filter((m) => m.phoneNumber === PHONE);
      for (const id of ['L-a', 'L-b']) ledgers[id] = await l.stores.ledger().list(caseKey(id, 1));
    },
  });
});

const localDay = (iso: string) => DateTime.fromISO(iso).setZone('Asia/Shanghai').toISODate();
const smsOf = (id: string, stage: string) =>
  ledgers[id]?.find((r) => r.stage === stage)?.attempts.find((a) => a.channel === 'SMS');

describe('one voice per borrower', () => {
  it('one SMS per stage day for the two loans, not two', () => {
    const days = sms.map((m) => localDay(m.receivedAt));
    expect(days).toEqual([...new Set(days)]);
    // The pre-due reminder (the borrower prefers SMS by default), D+1 and D+3.
    expect(days).toEqual(['2026-12-07', '2026-12-11', '2026-12-13']);
  });

  it("each stage day: one loan's SMS SENT covering the other, the other's COVERED_BY that record", () => {
    for (const stage of ['D+1', 'D+3']) {
      const [a, b] = [smsOf('L-a', stage), smsOf('L-b', stage)];
      const sent =
        a?.status === 'SENT'
          ? { id: 'L-a', at: a, other: 'L-b', o: b }
          : { id: 'L-b', at: b, other: 'L-a', o: a };
      expect(sent.at).toMatchObject({ status: 'SENT', covers: [sent.other] });
      const record = ledgers[sent.id]?.find((r) => r.stage === stage);
      expect(sent.o).toMatchObject({
        status: 'COVERED',
        reason: 'COVERED_BY',
        providerRef: `${caseKey(sent.id, 1)}#${record?.seq}`,
      });
    }
  });

  it('the covering message says so, with the total of both loans', () => {
    const d1 = sms.find((m) => localDay(m.receivedAt) === '2026-12-11');
    expect(d1?.message).toContain('本消息同时涉及您在我行的另外1笔借款，全部借款合计欠款¥6,000.00。');
  });
});

/**
 * Calls and field visits: the same borrower's two loans reach the D+7 agent call and the D+30 field
 * visit on the same day. One call task and one visit task open, each covering the other loan (its
 * script says so); the other loan's stage opens no task and records COVERED_BY the covering record,
 * with the outcome the agent heard. Both loans are paid after the visit.
 */
const unpaid = (loanId: string) => ({
  ...loan(loanId),
  borrower: { ...borrower, borrowerId: 'B-tasks' },
  events: [{ type: 'payment', amount: '3000.00', at: '2027-01-12T10:00:00+08:00' }],
});

const taskLedgers: Record<string, LedgerRecord[]> = {};
const tasksSeen: Record<string, HumanTask | undefined> = {};

beforeAll(async () => {
  await simulate(parseScenario({ seed: 5, loans: [unpaid('L-c'), unpaid('L-d')] }), {
    onFinish: async (l) => {
      for (const id of ['L-c', 'L-d']) taskLedgers[id] = await l.stores.ledger().list(caseKey(id, 1));
      for (const id of ['L-c', 'L-d'])
        for (const stage of ['D+7', 'D+30']) {
          const r = taskLedgers[id]?.findLast((x) => x.stage === stage);
          const taskId = humanTaskId(caseKey(id, 1), stage, (r?.seq ?? 0) - 1);
          tasksSeen[`${id} ${stage}`] = await l.stores.tasks().get(taskId);
        }
    },
  });
});

describe('one voice per borrower: calls and field visits', () => {
  for (const [stage, channel] of [
    ['D+7', 'CALL'],
    ['D+30', 'VISIT'],
  ] as const) {
    it(`${stage}: one ${channel} task for both loans; the other loan's stage COVERED_BY its record`, () => {
      const attempt = (id: string) =>
        taskLedgers[id]?.findLast((r) => r.stage === stage)?.attempts.find((a) => a.channel === channel);
      const winner = attempt('L-c')?.status === 'SENT' ? 'L-c' : 'L-d';
      const loser = winner === 'L-c' ? 'L-d' : 'L-c';
      const record = taskLedgers[winner]?.findLast((r) => r.stage === stage);
      expect(attempt(winner)).toMatchObject({ status: 'SENT', covers: [loser] });
      expect(attempt(loser)).toMatchObject({
        status: 'COVERED',
        reason: 'COVERED_BY',
        providerRef: `${caseKey(winner, 1)}#${record?.seq}`,
        outcome: attempt(winner)?.outcome,
      });
      // The covering task exists and names the other loan; the covered loan opened none.
      expect(tasksSeen[`${winner} ${stage}`]).toMatchObject({ status: 'DONE', covers: [loser] });
      expect(tasksSeen[`${loser} ${stage}`]).toBeUndefined();
      // Both records on the same local day: the independent check's condition.
      const other = taskLedgers[loser]?.findLast((r) => r.stage === stage);
      expect(localDay(other?.at ?? '')).toBe(localDay(record?.at ?? ''));
    });
  }

  it("the covering call's script speaks for both loans, with the total", () => {
    const script = Object.values(tasksSeen).find((t) => t?.stage === 'D+7')?.script;
    expect(script).toContain('同时涉及借款人在催收中的另外1笔借款，全部借款合计欠款¥6,000.00。');
  });
});
