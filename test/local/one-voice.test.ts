import { DateTime } from 'luxon';
import { beforeAll, describe, expect, it } from 'vitest';
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
