import { afterEach, describe, expect, it } from 'vitest';
import { caseKey } from '../../functions/domain/case.js';
import { GENESIS_HASH } from '../../functions/domain/ledger.js';
import { inLane } from '../../local/clock.js';
import { createLocalLadder, type ExecutionRecord, type LocalLadder } from '../../local/runtime.js';
import { loanDelinquent as delinquent, EMAIL, PHONE } from '../borrower.js';

/**
 * The committed definition on the local runtime, one case per path (happy, a Retry, retries
 * exhausted into the Catch, a Catch inside the failure recorder, a human-task timeout), asserting on
 * each execution's history by state name. No fixed sleeps: the virtual clock runs until quiescent.
 */
const START = Date.parse('2026-12-06T00:00:00Z');
const DAY = 86_400_000;

let ladder: LocalLadder | undefined;
afterEach(async () => {
  await ladder?.close();
  ladder = undefined;
});

async function run(until: number, setup: (l: LocalLadder) => void | Promise<void>): Promise<ExecutionRecord> {
  ladder = await createLocalLadder({ start: START });
  const l = ladder;
  await l.services.email.clear(); // the local SES store is per process, shared by every test here
  await inLane('B-1', () => setup(l));
  await l.clock.runUntilIdle({ until });
  const execution = [...l.executions.values()][0];
  if (!execution) throw new Error('no execution started');
  return execution;
}
const entered = (e: ExecutionRecord) =>
  e.history.filter((h) => h.type === 'StateEntered').map((h) => h.state);
const at = (iso: string, fn: () => Promise<unknown>) => (l: LocalLadder) =>
  void l.clock.setTimeout(() => void l.clock.track(fn), Date.parse(iso) - START);

describe('local runtime: the real definition, path by path', () => {
  it('happy path: notices go out through the real SNS and SES clients, payment cures, no contact details in the execution', async () => {
    const execution = await run(START + 30 * DAY, async (l) => {
      await l.send('LoanDelinquent', delinquent);
      at('2026-12-12T10:00:00+08:00', () =>
        l.send('PaymentReceived', {
          paymentId: 'P-1',
          loanId: 'L-1',
          amount: '1200.00',
          currency: 'CNY',
          paidAt: '2026-12-12T10:00:00+08:00',
        }),
      )(l);
    });
    expect(execution.status).toBe('SUCCEEDED');
    expect(entered(execution)).toEqual([
      'Start or continue?',
      'Wait for D-3 pre-due reminder',
      'D-3 pre-due reminder',
      'After D-3 pre-due reminder',
      'Wait for D+1 first overdue notice',
      'D+1 first overdue notice',
      'After D+1 first overdue notice',
      'Wait for D+3 overdue reminder',
      'D+3 overdue reminder',
      'After D+3 overdue reminder',
      'Cured',
    ]);
    const l = ladder as LocalLadder;
    const sms = l.services.sms.outbox();
    expect(sms.map((m) => m.phoneNumber)).toEqual([PHONE, PHONE]);
    expect(sms[0]?.message).toContain('¥1,200.00');
    const mail = await l.services.email.messages();
    expect(mail).toHaveLength(1);
    const text = JSON.stringify({ input: execution.input, output: execution.output });
    expect(text).not.toContain(PHONE);
    expect(text).not.toContain(EMAIL);
    expect(text).not.toContain('Wang Fang');
  });

  it("Retry: SMS throttled past the SDK's own retries makes the stage fail with TransientError, and the state machine retries it", async () => {
    const execution = await run(START + 4 * DAY, async (l) => {
      l.services.sms.injectFaults({ throttleNext: 3 });
      await l.send('LoanDelinquent', delinquent);
    });
    expect(execution.history).toContainEqual(
      expect.objectContaining({ type: 'StateRetried', state: 'D-3 pre-due reminder' }),
    );
    const ledger = await (ladder as LocalLadder).stores.ledger().list(caseKey('L-1', 1));
    expect(ledger[0]?.attempts).toEqual([expect.objectContaining({ channel: 'SMS', status: 'SENT' })]);
  });

  it('Catch: an outage that outlasts every retry is caught, recorded in the ledger, and the execution fails visibly', async () => {
    const execution = await run(START + 4 * DAY, async (l) => {
      l.services.sms.injectFaults({ failNext: 1000 });
      await l.send('LoanDelinquent', delinquent);
    });
    expect(execution.status).toBe('FAILED');
    expect(
      execution.history.filter((h) => h.type === 'StateRetried' && h.state === 'D-3 pre-due reminder'),
    ).toHaveLength(6);
    expect(entered(execution).slice(-2)).toEqual(['Record failure', 'Failed']);
    const ledger = await (ladder as LocalLadder).stores.ledger().list(caseKey('L-1', 1));
    expect(ledger.at(-1)).toMatchObject({ type: 'FAILURE', detail: { error: 'TransientError' } });
  }, 120_000);

  it('Catch in the recorder: a case that does not exist fails the stage and the recorder, and still ends in Failed', async () => {
    const execution = await run(START + DAY, async (l) => {
      await l.start('ghost-c1', {
        loanId: 'ghost',
        borrowerId: 'B-1',
        cycle: 1,
        policyId: 'default',
        step: {
          outcome: 'NEXT',
          stage: '',
          wakeAt: '2026-12-06T00:00:00.000Z',
          resumeStage: '',
          ledger: { seq: 0, hash: GENESIS_HASH },
        },
      });
    });
    expect(execution.status).toBe('FAILED');
    expect(execution.history).toContainEqual(
      expect.objectContaining({
        type: 'StateFailed',
        state: 'D-3 pre-due reminder',
        error: 'CaseNotFoundError',
      }),
    );
    expect(entered(execution).slice(-2)).toEqual(['Record failure', 'Failed']);
  });

  it('a human task nobody completes times out on its heartbeat and escalates to the next stage', async () => {
    const execution = await run(START + 20 * DAY, async (l) => {
      await l.send('LoanDelinquent', delinquent);
    });
    const names = entered(execution);
    expect(names).toContain('D+7 agent call');
    expect(names.indexOf('D+7 agent call: record outcome')).toBeGreaterThan(names.indexOf('D+7 agent call'));
    expect(names).toContain('D+15 formal warning letter');
    const ledger = await (ladder as LocalLadder).stores.ledger().list(caseKey('L-1', 1));
    expect(ledger.find((r) => r.stage === 'D+7')?.attempts).toEqual([
      expect.objectContaining({ channel: 'CALL', status: 'FAILED', reason: 'TASK_TIMED_OUT' }),
    ]);
  });

  it('a deceased borrower: the ladder stops at its next boundary and the case goes to the specialist queue', async () => {
    const execution = await run(START + 10 * DAY, async (l) => {
      await l.send('LoanDelinquent', delinquent);
      at('2026-12-12T10:00:00+08:00', () =>
        l.send('BorrowerStatusChanged', {
          borrowerId: 'B-1',
          status: 'DECEASED',
          at: '2026-12-12T10:00:00+08:00',
        }),
      )(l);
    });
    expect(entered(execution).at(-1)).toBe('Closed');
    const l = ladder as LocalLadder;
    const queue = await l.agentApi({
      method: 'GET',
      path: '/specialist/tasks',
      query: {},
      body: null,
      caller: 'specialist-1',
    });
    expect((queue.body as { tasks: unknown[] }).tasks).toEqual([
      expect.objectContaining({ loanId: 'L-1', stage: 'DECEASED', status: 'OPEN' }),
    ]);
    const sent = (await l.stores.ledger().list(caseKey('L-1', 1))).flatMap((r) =>
      r.attempts.map((a) => [r.at, a.status]),
    );
    expect(
      sent.filter(([when, status]) => status === 'SENT' && String(when) > '2026-12-12T02:00:00.000Z'),
    ).toEqual([]);
  });

  it("a plan nobody signs expires after the policy's days and escalation resumes", async () => {
    const execution = await run(START + 16 * DAY, async (l) => {
      await l.send('LoanDelinquent', delinquent);
      at('2026-12-12T10:00:00+08:00', () =>
        l.send('RepaymentPlanAccepted', {
          loanId: 'L-1',
          instalments: [
            { amount: '600.00', date: '2026-12-30' },
            { amount: '600.00', date: '2027-01-30' },
          ],
          at: '2026-12-12T10:00:00+08:00',
        }),
      )(l);
    });
    const names = entered(execution);
    const signing = names.indexOf('Repayment plan: agreement signing');
    expect(signing).toBeGreaterThan(0);
    expect(names.slice(signing, signing + 4)).toEqual([
      'Repayment plan: agreement signing',
      'Repayment plan: record signature',
      'After plan signing',
      'Resume ladder',
    ]);
    const ledger = await (ladder as LocalLadder).stores.ledger().list(caseKey('L-1', 1));
    const expired = ledger.find((r) => r.detail?.plan === 'EXPIRED');
    expect(expired?.at).toBe('2026-12-20T01:00:00.000Z');
    expect(
      ledger.some(
        (r) =>
          r.stage === 'D+3' &&
          r.type === 'CONTACT' &&
          r.at >= (expired?.at ?? '~') &&
          r.attempts.some((a) => a.status === 'SENT'),
      ),
    ).toBe(true);
  });
});
