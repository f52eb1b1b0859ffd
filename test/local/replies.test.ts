import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ConversationEntry } from '../../functions/adapters/conversation-store.js';
import type { PublicTask } from '../../functions/adapters/task-store.js';
import { caseKey } from '../../functions/domain/case.js';
import { conversationLedgerId, type LedgerRecord } from '../../functions/domain/ledger.js';
import type { LocalLadder } from '../../local/runtime.js';
import { parseScenario } from '../../local/scenario.js';
import { simulate } from '../../local/simulate.js';
import { EMAIL, borrower as wangFang } from '../borrower.js';

/**
 * Free-text replies through the real local runtime: an SMS reply and an e-mail reply become
 * conversation items on the work queue, shown to the agent who claims them; the text is stored in
 * the conversations table only, and each loan's conversation chain names the item and the SHA-256
 * of the text, never the text. HELP and STOP need nobody.
 */
const HARDSHIP = '我这个月失业了，下个月再还';
const PAID = 'I already paid this yesterday, please check.';
const loan = (loanId: string, borrower: Record<string, unknown>, events: unknown[]) => ({
  loanId,
  amountDue: '3000.00',
  currency: 'CNY',
  dueDate: '2026-12-10',
  borrower,
  events,
});
const scenario = {
  seed: 2,
  loans: [
    loan('L-sms', { ...wangFang, borrowerId: 'B-sms' }, [
      { type: 'reply', channel: 'SMS', text: HARDSHIP, at: '2026-12-12T10:00:00+08:00' },
      { type: 'reply', channel: 'SMS', text: 'HELP', at: '2026-12-12T11:00:00+08:00' },
      { type: 'payment', amount: '3000.00', at: '2026-12-20T10:00:00+08:00' },
    ]),
    loan(
      'L-mail',
      {
        ...wangFang,
        borrowerId: 'B-mail',
        phone: '+8613800138111',
        email: 'ann.lee@example.com',
        locale: 'en-US',
        timeZone: 'America/New_York',
      },
      [
        {
          type: 'reply',
          channel: 'EMAIL',
          subject: 'Re: Your payment of $3,000.00 is overdue',
          text: `${PAID}\n\nOn Dec 11, 2026, Ladder wrote:\n> If something has made paying hard, reply and tell us`,
          at: '2026-12-12T10:00:00-05:00',
        },
        { type: 'payment', amount: '3000.00', at: '2026-12-20T10:00:00-05:00' },
      ],
    ),
  ],
};

let tasks: PublicTask[] = [];
let claimed: unknown;
let otherList: unknown;
const chains: Record<string, LedgerRecord[]> = {};
let contactChain: LedgerRecord[] = [];
const stored: ConversationEntry[] = [];

const api = (l: LocalLadder, method: string, path: string, caller = 'agent-1', query = {}) =>
  l.agentApi({ method, path, query, body: null, caller });

beforeAll(async () => {
  await simulate(parseScenario(structuredClone(scenario)), {
    onFinish: async (l) => {
      const list = await api(l, 'GET', '/tasks', 'agent-1', { queue: 'conversations' });
      tasks = (list.body as { tasks: PublicTask[] }).tasks;
      otherList = list.body;
      const sms = tasks.find((t) => t.loanId === 'L-sms');
      if (sms) claimed = (await api(l, 'POST', `/tasks/${encodeURIComponent(sms.taskId)}/claim`)).body;
      for (const id of ['L-sms', 'L-mail'])
        chains[id] = await l.stores.ledger().list(conversationLedgerId(id, 1));
      contactChain = await l.stores.ledger().list(caseKey('L-sms', 1));
      const conversations = l.stores.conversations();
      for (const t of tasks) {
        const entry = t.conversation && (await conversations.get(t.borrowerId, t.conversation.itemId));
        if (entry) stored.push(entry);
      }
    },
  });
});

const sha = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

describe('replies become conversation items', () => {
  it('one item per free-text reply (not for HELP), with the intent the table found', () => {
    expect(
      tasks.map((t) => [t.loanId, t.queue, t.conversation?.channel, t.conversation?.intent]).sort(),
    ).toEqual([
      ['L-mail', 'conversations', 'EMAIL', 'ALREADY_PAID'],
      ['L-sms', 'conversations', 'SMS', 'HARDSHIP'],
    ]);
  });

  it('the agent who claims the item is shown what the borrower wrote; the queue listing is not', () => {
    expect(claimed).toMatchObject({ conversation: { available: true, channel: 'SMS', text: HARDSHIP } });
    expect(JSON.stringify(otherList)).not.toContain(HARDSHIP);
    expect(JSON.stringify(otherList)).not.toContain('already paid');
  });

  it("an e-mail keeps the borrower's own words, not the quoted message", () => {
    const mail = stored.find((e) => e.channel === 'EMAIL');
    expect(mail?.text).toBe(PAID);
    expect(mail?.subject).toBe('Re: Your payment of $3,000.00 is overdue');
  });

  it('each loan has a REPLY record naming the item and the SHA-256 of the text, never the text', () => {
    const [reply, ...more] = chains['L-sms'] ?? [];
    expect(more).toEqual([]);
    expect(reply).toMatchObject({
      type: 'REPLY',
      attempts: [],
      detail: {
        itemId: tasks.find((t) => t.loanId === 'L-sms')?.conversation?.itemId,
        sha256: sha(HARDSHIP),
      },
    });
    expect(chains['L-mail']?.[0]?.detail?.sha256).toBe(sha(PAID));
    const everything = JSON.stringify([chains, contactChain]);
    for (const words of [HARDSHIP, PAID, EMAIL, 'ann.lee']) expect(everything).not.toContain(words);
  });
});
