import { beforeAll, describe, expect, it } from 'vitest';
import type { LedgerRecord } from '../../functions/domain/ledger.js';
import type { ExecutionRecord, LocalLadder } from '../../local/runtime.js';
import { samplePortfolio } from '../../local/sample.js';
import { type SimulationFaults, type SimulationResult, simulate } from '../../local/simulate.js';

/**
 * The sample mix under faults: SMS and e-mail throttled and down, DynamoDB throttled and unavailable,
 * and Lambda invocations that crash, time out or run out of memory, before or after their handler ran,
 * or are throttled or lost to a Lambda service error, at every kind of step. The faults are
 * deterministic (every n-th call), so the run is repeatable.
 */
const loans = samplePortfolio(30, 11);
const every = (n: number) => {
  let calls = 0;
  return () => ++calls % n === 0;
};

function faults(): SimulationFaults {
  const ledgerPut = every(5);
  const casesQuery = every(11);
  const stage = every(6);
  const stageTimeout = every(17);
  const humanTask = every(3);
  const humanThrottle = every(5);
  const stageService = every(13);
  const stageMemory = every(19);
  const events = every(4);
  return {
    sms: { throttleNext: 6, failNext: 4 },
    email: { throttleNext: 6, failNext: 3 },
    // Not on the Cases PutItem: a send receipt is written only after another write failed, and a
    // fault on it too is the window the README leaves open (it would send once more).
    dynamodb: ({ operation, table }) => {
      if (table === 'Ledger' && operation === 'PutItem' && ledgerPut()) return 'throttle';
      if (table === 'Cases' && operation === 'Query' && casesQuery()) return 'unavailable';
      return undefined;
    },
    invocation: ({ fn }) => {
      if (fn === 'stage' && stage()) return { error: 'crash', when: 'after' };
      if (fn === 'stage' && stageTimeout()) return { error: 'timeout', when: 'before' };
      if (fn === 'stage' && stageService()) return { error: 'serviceError', when: 'after' };
      if (fn === 'stage' && stageMemory()) return { error: 'outOfMemory', when: 'after' };
      if (fn === 'humanTask' && humanTask()) return { error: 'crash', when: 'after' };
      if (fn === 'humanTask' && humanThrottle()) return { error: 'throttle', when: 'before' };
      if ((fn === 'events' || fn === 'intake') && events()) return { error: 'timeout', when: 'after' };
      return undefined;
    },
  };
}

interface Observed {
  sms: Array<{ messageId: string }>;
  mail: Array<{ messageId: string }>;
  executions: ExecutionRecord[];
}
let clean: SimulationResult;
let faulty: SimulationResult;
let seen: Observed;

beforeAll(async () => {
  // The local SES keeps its mail per process: each run empties it when it is done.
  const emptyInbox = (l: LocalLadder) => l.services.email.clear();
  clean = await simulate({ seed: 11, loans: structuredClone(loans) }, { onFinish: emptyInbox });
  faulty = await simulate(
    { seed: 11, loans: structuredClone(loans) },
    {
      faults: faults(),
      onFinish: async (l) => {
        seen = {
          sms: l.services.sms.outbox(),
          mail: await l.services.email.messages(),
          executions: [...l.executions.values()],
        };
        await l.services.email.clear();
      },
    },
  );
}, 180_000);

const sent = (ledgers: Map<string, LedgerRecord[]>, channel: string) =>
  [...ledgers.values()]
    .flat()
    .flatMap((r) => r.attempts)
    .filter((a) => a.channel === channel && a.status === 'SENT')
    .map((a) => a.providerRef);

describe('faults at every step', () => {
  it('the faults were really injected, named as Step Functions names them, and retried with exponential backoff on the virtual clock', () => {
    const failed = seen.executions.flatMap((e) => e.history.filter((h) => h.type === 'StateFailed'));
    // Lambda's own failures are Lambda.Unknown to a lambda:invoke Task, with what Lambda said as the
    // cause; a throttled or failed Invoke is Lambda.<exception> (docs/limits.md).
    expect(new Set(failed.map((h) => h.error))).toEqual(
      new Set([
        'Lambda.Unknown',
        'Lambda.TooManyRequestsException',
        'Lambda.ServiceException',
        'TransientError',
      ]),
    );
    const unknown = failed
      .filter((h) => h.error === 'Lambda.Unknown')
      .map((h) => JSON.parse(h.cause ?? '{}'));
    expect(new Set(unknown.map((c: { errorType: string }) => c.errorType))).toEqual(
      new Set(['Runtime.ExitError', 'Sandbox.Timedout', 'Runtime.OutOfMemory']),
    );
    // Each retry waits a full-jitter backoff: at most 2 s x 2^n for the n-th retry of a run, capped
    // at 120 s (statemachines/render.ts), and not all at once.
    const waits: Array<{ n: number; seconds: number }> = [];
    for (const e of seen.executions) {
      let failedAt: number | undefined;
      let n = 0;
      for (const h of e.history) {
        if (h.type === 'StateFailed') failedAt = h.at;
        else if (h.type === 'StateRetried' && failedAt !== undefined) {
          waits.push({ n, seconds: (h.at - failedAt) / 1000 });
          n += 1;
        } else if (h.type === 'StateExited' || h.type === 'StateEntered') n = 0;
      }
    }
    expect(waits.length).toBeGreaterThan(10);
    expect(waits.some((w) => w.n >= 1)).toBe(true);
    for (const w of waits) expect(w.seconds).toBeLessThanOrEqual(Math.min(120, 2 * 2 ** w.n));
    expect(waits.some((w) => w.seconds > 0)).toBe(true);
  });

  it('no execution is stuck: every one ends as it does without faults', () => {
    expect(faulty.summary.executions).toEqual({ SUCCEEDED: loans.length });
    expect(faulty.summary.deadLetters).toBe(0);
    const status = (r: SimulationResult) => r.loans.map((l) => [l.loanId, l.finalStatus]);
    expect(status(faulty)).toEqual(status(clean));
  });

  it('every message in the SMS outbox and the e-mail inbox is in the ledger once, and every SENT in the ledger was delivered', () => {
    const smsInLedger = sent(faulty.ledgers, 'SMS');
    const mailInLedger = sent(faulty.ledgers, 'EMAIL');
    expect(new Set(smsInLedger).size).toBe(smsInLedger.length);
    expect(new Set(mailInLedger).size).toBe(mailInLedger.length);
    expect([...smsInLedger].sort()).toEqual(seen.sms.map((m) => m.messageId).sort());
    expect([...mailInLedger].sort()).toEqual(seen.mail.map((m) => m.messageId).sort());
  });

  it('a FIRST_OPEN stage whose SMS is throttled past the SDK retries falls back to e-mail and records both', async () => {
    // One loan, so the throttles meet its D+3 notice (09:00 Shanghai on 2026-12-13) and nothing else.
    const [loan] = loans.filter((l) => l.borrower.timeZone === 'Asia/Shanghai');
    if (!loan) throw new Error('no Shanghai loan in the sample');
    const single = { ...structuredClone(loan), dueDate: '2026-12-10', events: [] };
    const result = await simulate(
      { seed: 11, loans: [single] },
      {
        onStart: (l) => {
          const before = Date.parse('2026-12-13T08:00:00+08:00') - l.clock.now();
          l.clock.setTimeout(() => l.services.sms.injectFaults({ throttleNext: 3 }), before);
        },
        onFinish: (l) => l.services.email.clear(),
      },
    );
    const d3 = result.ledgers.get(single.loanId)?.find((r) => r.stage === 'D+3');
    expect(d3?.attempts).toEqual([
      expect.objectContaining({ channel: 'SMS', status: 'FAILED', reason: 'Throttling' }),
      expect.objectContaining({ channel: 'EMAIL', status: 'SENT' }),
    ]);
  });

  it('every ledger still verifies as a chain', async () => {
    const { verifyChain } = await import('../../functions/domain/ledger.js');
    for (const [loanId, records] of faulty.ledgers)
      expect(verifyChain(records), loanId).toMatchObject({ ok: true });
  });
});
