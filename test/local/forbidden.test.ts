import { afterEach, describe, expect, it } from 'vitest';
import { caseKey } from '../../functions/domain/case.js';
import type { LedgerRecord } from '../../functions/domain/ledger.js';
import { inLane } from '../../local/clock.js';
import { createLocalLadder, type LocalLadder, type OpenedTask } from '../../local/runtime.js';
import { loanDelinquent as delinquent, PHONE } from '../borrower.js';

/**
 * The ways the first version broke "no contact when contact is forbidden", each replayed on the local
 * runtime (the real definition and handlers) as the adversary did it: a careless upstream system, an
 * agent completing a task after the ladder moved on, a retry at the wrong moment.
 */
const START = Date.parse('2026-12-06T00:00:00Z');
const DAY = 86_400_000;
const t = (iso: string) => Date.parse(iso);

let ladder: LocalLadder | undefined;
afterEach(async () => {
  await ladder?.close();
  ladder = undefined;
});

interface Setup {
  onTaskOpened?: (task: OpenedTask, l: LocalLadder) => void;
  faults?: Parameters<typeof createLocalLadder>[0]['faults'];
}
async function start(setup: Setup = {}): Promise<LocalLadder> {
  let self: LocalLadder | undefined;
  ladder = await createLocalLadder({
    start: START,
    ...(setup.faults ? { faults: setup.faults } : {}),
    ...(setup.onTaskOpened
      ? { onTaskOpened: (task) => setup.onTaskOpened?.(task, self as LocalLadder) }
      : {}),
  });
  self = ladder;
  await inLane('B-1', () => ladder?.send('LoanDelinquent', delinquent));
  return ladder;
}
/** Runs `fn` at a virtual instant, in the borrower's lane, and keeps what it threw. */
const at = (l: LocalLadder, iso: string, fn: () => Promise<unknown>, errors: unknown[] = []) =>
  inLane('B-1', () =>
    l.clock.setTimeout(
      () => void l.clock.track(() => fn().catch((e: unknown) => void errors.push(e))),
      t(iso) - l.clock.now(),
    ),
  );
const ledger = (l: LocalLadder): Promise<LedgerRecord[]> => l.stores.ledger().list(caseKey('L-1', 1));
const sentAfter = (records: LedgerRecord[], iso: string) =>
  records.flatMap((r) =>
    r.attempts.filter((a) => a.status === 'SENT' && r.at >= new Date(iso).toISOString()),
  );
const statesOf = (l: LocalLadder) =>
  [...l.executions.values()][0]?.history.filter((h) => h.type === 'StateEntered').map((h) => h.state) ?? [];

describe('consent dated in the future', () => {
  it('an opt-in dated 2099 is refused, so a later STOP by SMS stops the SMS', async () => {
    const l = await start();
    const errors: unknown[] = [];
    at(
      l,
      '2026-12-08T10:00:00+08:00',
      () => l.send('BorrowerOptedIn', { borrowerId: 'B-1', channel: 'SMS', at: '2099-01-01T00:00:00Z' }),
      errors,
    );
    at(l, '2026-12-09T10:00:00+08:00', () => l.inboundSms(PHONE, 'STOP'));
    await l.clock.runUntilIdle({ until: START + 6 * DAY });
    expect(errors).toEqual([
      expect.objectContaining({
        name: 'ValidationError',
        message: expect.stringMatching(/^BorrowerOptedIn: at: dated more than 5 minutes ahead/),
      }),
    ]);
    const stop = t('2026-12-09T10:00:00+08:00');
    expect(l.services.sms.outbox().filter((m) => Date.parse(m.receivedAt) > stop)).toEqual([]);
    expect(sentAfter(await ledger(l), '2026-12-09T02:00:00Z').filter((a) => a.channel === 'SMS')).toEqual([]);
  });
});

describe('an open agent task when the ladder must stop', () => {
  const CALL_OPENS = '2026-12-17T09:00:00+08:00';

  it('a dispute withdraws the open call task: the agent cannot complete it, no call or offer is recorded', async () => {
    const tasks: string[] = [];
    const l = await start({ onTaskOpened: (task) => tasks.push(task.taskId) });
    const refused: unknown[] = [];
    at(l, '2026-12-17T09:10:00+08:00', () =>
      l.send('DisputeOpened', { loanId: 'L-1', at: '2026-12-17T09:10:00+08:00' }),
    );
    at(
      l,
      '2026-12-17T09:30:00+08:00',
      () => l.completeTask(tasks[0] as string, { outcome: 'HARDSHIP' }),
      refused,
    );
    await l.clock.runUntilIdle({ until: START + 20 * DAY });
    expect(tasks).toHaveLength(1);
    expect(refused).toEqual([
      expect.objectContaining({
        name: 'TaskRefused',
        message: expect.stringMatching(/was withdrawn: DISPUTE_OPENED$/),
      }),
    ]);
    expect(sentAfter(await ledger(l), CALL_OPENS)).toEqual([]);
    expect(statesOf(l).at(-1)).toBe('Dispute hold');
    const { tasks: open } = (await l.stores.tasks().listOpen('agent-calls')) as { tasks: unknown[] };
    expect(open).toEqual([]);
  });

  it('an opt-out of calls withdraws the call task, and the call is recorded as blocked by it', async () => {
    const tasks: string[] = [];
    const l = await start({ onTaskOpened: (task) => tasks.push(task.taskId) });
    const refused: unknown[] = [];
    at(l, '2026-12-17T09:10:00+08:00', () =>
      l.send('BorrowerOptedOut', { borrowerId: 'B-1', channel: 'CALL', at: '2026-12-17T09:10:00+08:00' }),
    );
    at(
      l,
      '2026-12-17T09:30:00+08:00',
      () => l.completeTask(tasks[0] as string, { outcome: 'REACHED' }),
      refused,
    );
    await l.clock.runUntilIdle({ until: START + 12 * DAY });
    expect(refused).toHaveLength(1);
    const call = (await ledger(l)).find((r) => r.stage === 'D+7');
    expect(call?.attempts).toEqual([{ channel: 'CALL', status: 'BLOCKED', reason: 'OPTED_OUT_CALL' }]);
  });
});

describe('retries never send twice', () => {
  it('a hardship outcome whose ledger write is throttled once sends the plan offer once, in one record', async () => {
    let throttled = 0;
    const l = await start({
      onTaskOpened: (task, self) =>
        at(self, '2026-12-17T09:30:00+08:00', () => self.completeTask(task.taskId, { outcome: 'HARDSHIP' })),
      faults: {
        dynamodb: ({ operation, table, input }) => {
          const item = (input as { Item?: { detail?: { plan?: string } } }).Item;
          if (operation !== 'PutItem' || table !== 'Ledger' || item?.detail?.plan !== 'OFFERED_FOR_HARDSHIP')
            return undefined;
          return throttled++ === 0 ? 'throttle' : undefined;
        },
      },
    });
    await l.clock.runUntilIdle({ until: START + 12 * DAY });
    expect(throttled).toBe(2);
    const offer = (await ledger(l)).filter((r) => r.detail?.plan === 'OFFERED_FOR_HARDSHIP');
    expect(offer.map((r) => r.attempts.map((a) => [a.channel, a.status]))).toEqual([
      [
        ['CALL', 'SENT'],
        ['SMS', 'SENT'],
      ],
    ]);
    const smsAt = (iso: string) => l.services.sms.outbox().filter((m) => m.receivedAt.startsWith(iso)).length;
    expect(smsAt('2026-12-17T01:3')).toBe(1);
  });
});

describe('a dispute nobody resolves', () => {
  it('the hold times out into the ledger and holds again; nothing is sent, nothing fails', async () => {
    const l = await start();
    at(l, '2026-12-12T10:00:00+08:00', () =>
      l.send('DisputeOpened', { loanId: 'L-1', at: '2026-12-12T10:00:00+08:00' }),
    );
    await l.clock.runUntilIdle({ until: START + 200 * DAY });
    const records = await ledger(l);
    expect(records.filter((r) => r.type === 'HOLD').map((r) => r.detail?.hold)).toEqual(['TIMED_OUT']);
    expect(sentAfter(records, '2026-12-12T02:00:00Z')).toEqual([]);
    // Held again past the execution's year: the ladder goes on holding in its continuation.
    const [first, next, ...more] = [...l.executions.values()];
    expect(more).toEqual([]);
    expect([first?.status, next?.status, next?.name]).toEqual(['SUCCEEDED', 'RUNNING', 'L-1-c1-r1']);
    expect(statesOf(l).slice(-4)).toEqual([
      'Dispute hold: resume?',
      'After dispute hold',
      'Continue in a new execution',
      'Continued in a new execution',
    ]);
    expect(next?.states.at(-1)).toBe('Dispute hold');
  });
});

describe('events authenticated by their source', () => {
  const payment = {
    paymentId: 'P-1',
    loanId: 'L-1',
    amount: '1200.00',
    currency: 'CNY',
    paidAt: '2026-12-06T07:00:00+08:00',
  };

  it("an event with Ladder's own source, or an unknown producer's, matches no rule; the lender's producer's does", async () => {
    const l = await start();
    const send = (source: string) => inLane('B-1', () => l.send('PaymentReceived', payment, 'B-1', source));
    expect(await send('ladder')).toEqual({ routed: false, note: 'NO_RULE_MATCHED' });
    expect(await send('someone.else')).toEqual({ routed: false, note: 'NO_RULE_MATCHED' });
    expect((await l.stores.cases().borrowerView('B-1')).cases[0]?.item.status).toBe('ACTIVE');
    expect(await send('lender.loans')).toEqual({ applied: true });
    expect((await l.stores.cases().borrowerView('B-1')).cases[0]?.item.status).toBe('CURED');
  });
});

describe('the work queue at scale', () => {
  it('with 2,000 finished tasks and one open, the queue lists the open one on its first page', async () => {
    ladder = await createLocalLadder({ start: START });
    const tasks = ladder.stores.tasks();
    const base = {
      queue: 'agent-calls' as const,
      cycle: 1,
      borrowerId: 'B-1',
      stage: 'D+7',
      status: 'OPEN' as const,
    };
    for (let i = 0; i < 2_001; i++) {
      const taskId = `T-${String(i).padStart(4, '0')}`;
      await tasks.open({ ...base, taskId, loanId: `L-${i}`, openedAt: new Date(START + i).toISOString() });
      if (i === 1_000) continue;
      await tasks.claim(taskId, 'agent', new Date(START).toISOString());
      await tasks.complete(taskId, 'agent', new Date(START).toISOString(), 'REACHED');
    }
    const page = await tasks.listOpen('agent-calls', { limit: 10 });
    expect(page.tasks.map((task) => task.taskId)).toEqual(['T-1000']);
    expect(page.next).toBeUndefined();
  });
});
