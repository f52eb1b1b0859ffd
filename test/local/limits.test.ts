import { afterEach, describe, expect, it } from 'vitest';
import { GENESIS_HASH } from '../../functions/domain/ledger.js';
import { bundledPolicies } from '../../functions/domain/policies.js';
import { inLane } from '../../local/clock.js';
import { countHistory, HISTORY_MAX_EVENTS, PAYLOAD_MAX_BYTES } from '../../local/limits.js';
import { formatSummary } from '../../local/report.js';
import { createLocalLadder, type ExecutionRecord, type LocalLadder } from '../../local/runtime.js';
import { parseScenario } from '../../local/scenario.js';
import { collect } from '../../local/summary.js';
import { renderLadderJson } from '../../statemachines/render.js';
import { loanDelinquent as delinquent } from '../borrower.js';

/**
 * Step Functions' quotas on an execution, each exceeded on purpose on the local runtime: the
 * execution must end as AWS ends it (status, error, cause), and the test process must not hang.
 */
const START = Date.parse('2026-12-06T00:00:00Z');
const DAY = 86_400_000;

let ladder: LocalLadder | undefined;
afterEach(async () => {
  await ladder?.close();
  ladder = undefined;
});

const input = {
  loanId: 'L-1',
  borrowerId: 'B-1',
  cycle: 1,
  policyId: 'default',
  step: {
    outcome: 'NEXT',
    stage: '',
    wakeAt: new Date(START + DAY).toISOString(),
    resumeStage: '',
    ledger: { seq: 0, hash: GENESIS_HASH },
  },
};

/** Runs one execution of `definition` (the default policy's state machine) until nothing is left to do. */
async function runDefinition(
  definition: unknown,
  options: { noopHandlers?: boolean } = {},
): Promise<ExecutionRecord> {
  const text = typeof definition === 'string' ? definition : JSON.stringify(definition);
  ladder = await createLocalLadder({ start: START, iam: false, definitions: { default: text }, ...options });
  const l = ladder;
  await inLane('B-1', () => l.start('L-1-c1', input));
  await l.clock.runUntilIdle({ until: START + 800 * DAY });
  const execution = l.executions.get('L-1-c1');
  if (!execution) throw new Error('no execution');
  await execution.done;
  return execution;
}

describe('one year per Standard execution', () => {
  it('an execution still running 365 days after its start ends TIMED_OUT with States.Timeout, and the summary counts it', async () => {
    const execution = await runDefinition({
      StartAt: 'Wait 400 days',
      States: {
        'Wait 400 days': { Type: 'Wait', Seconds: 400 * 86_400, Next: 'Done' },
        Done: { Type: 'Succeed' },
      },
    });
    expect([execution.status, execution.error]).toEqual(['TIMED_OUT', 'States.Timeout']);
    expect(execution.cause).toMatch(/1-year maximum/);
    expect(execution.stoppedAt).toBe(START + 365 * DAY);
    expect(execution.history.at(-1)).toMatchObject({ type: 'ExecutionTimedOut', state: 'Wait 400 days' });
    expect(execution.states).not.toContain('Done');
    // The aborted Wait let go of the clock: nothing ran past the year.
    const l = ladder as LocalLadder;
    expect(l.clock.now()).toBe(START + 365 * DAY);
    const policy = bundledPolicies().get('default');
    const loan = parseScenario({ loans: [{ ...delinquent, events: [] }] });
    const { summary } = await collect(l, loan, policy, START);
    expect(summary.executions).toEqual({ TIMED_OUT: 1 });
    expect(formatSummary(summary, 0, 'v24.0.0')).toContain('executions: TIMED_OUT 1;');
  });
});

describe('25,000 history events per execution', () => {
  it('the AWS count: event 25,000 may only be ExecutionSucceeded', () => {
    expect(countHistory(HISTORY_MAX_EVENTS - 1, 1, 'ExecutionSucceeded')).toEqual({ count: 25_000 });
    expect(countHistory(HISTORY_MAX_EVENTS - 2, 1, 'StateExited')).toEqual({ count: 24_999 });
    for (const [count, events, type] of [
      [24_999, 1, 'StateExited'],
      [24_998, 4, 'StateEntered'],
      [24_999, 2, 'ExecutionSucceeded'],
    ] as const) {
      expect(countHistory(count, events, type).over?.error, `${count}+${events} ${type}`).toBe(
        'States.Runtime',
      );
    }
  });

  it('a definition that loops at one instant ends FAILED with States.Runtime at the limit instead of spinning forever', async () => {
    const execution = await runDefinition({
      StartAt: 'Spin',
      States: {
        Spin: { Type: 'Pass', Next: 'Again?' },
        'Again?': {
          Type: 'Choice',
          Choices: [{ Variable: '$.stop', IsPresent: true, Next: 'Done' }],
          Default: 'Spin',
        },
        Done: { Type: 'Succeed' },
      },
    });
    expect([execution.status, execution.error, execution.cause]).toEqual([
      'FAILED',
      'States.Runtime',
      'The execution reached the maximum number of history events (25000).',
    ]);
    expect(execution.historyEvents).toBe(25_000);
    // ExecutionStarted, then Entered and Exited for each Pass and Choice: 6,249 turns and a half.
    expect(execution.states.length).toBe(12_499);
    expect((ladder as LocalLadder).clock.now()).toBe(START);
  });

  it('a stage that keeps answering with a past wake time (Wait, Task, Choice at one instant) fails the same way', async () => {
    const definition = JSON.parse(renderLadderJson(bundledPolicies().get('default'))) as {
      States: Record<string, { Default?: string }>;
    };
    // Every stage "answers NEXT" (no-op handlers) and the Choice after D-3 sends NEXT back to its Wait,
    // whose wakeAt has passed: a loop at one virtual instant, as a stage with a stale wake time makes.
    const after = definition.States['After D-3 pre-due reminder'];
    if (after) after.Default = 'Wait for D-3 pre-due reminder';
    const execution = await runDefinition(definition, { noopHandlers: true });
    expect([execution.status, execution.error]).toEqual(['FAILED', 'States.Runtime']);
    expect(execution.historyEvents).toBe(25_000);
    const instants = new Set(execution.history.filter((h) => h.at > START).map((h) => h.at));
    expect([...instants]).toEqual([START + DAY]);
  });
});

describe('256 KiB of state', () => {
  const big = 'x'.repeat(PAYLOAD_MAX_BYTES);

  it("a state's output over the quota fails the execution with States.DataLimitExceeded", async () => {
    const execution = await runDefinition({
      StartAt: 'Too much',
      States: {
        'Too much': { Type: 'Pass', Result: { big }, ResultPath: '$.big', Next: 'After' },
        After: { Type: 'Succeed' },
      },
    });
    expect([execution.status, execution.error]).toEqual(['FAILED', 'States.DataLimitExceeded']);
    expect(execution.cause).toMatch(/^the output of "Too much" is \d+ bytes, more than the 262144 bytes/);
    expect(execution.states).toEqual(['Too much']);
  });

  it("a task's input over the quota is a terminal error: no Retry, and a States.ALL Catch does not take it", async () => {
    const execution = await runDefinition({
      StartAt: 'Big task',
      States: {
        'Big task': {
          Type: 'Task',
          Resource: 'arn:${Partition}:states:::lambda:invoke',
          Parameters: { FunctionName: '${StageFunctionArn}', Payload: { big } },
          Retry: [{ ErrorEquals: ['States.ALL'], MaxAttempts: 3 }],
          Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Caught' }],
          Next: 'Done',
        },
        Caught: { Type: 'Succeed' },
        Done: { Type: 'Succeed' },
      },
    });
    expect([execution.status, execution.error]).toEqual(['FAILED', 'States.DataLimitExceeded']);
    expect(execution.cause).toMatch(/the task input of "Big task"/);
    expect(execution.states).toEqual(['Big task']);
    expect(execution.history.filter((h) => h.type === 'StateRetried')).toEqual([]);
    // The stage function never ran: Step Functions refuses the input before scheduling the task.
    expect((ladder as LocalLadder).counters.lambdaInvocations).toBe(0);
  });
});

describe('Lambda failures, as a lambda:invoke Task names them', () => {
  it('timeout and out-of-memory are Lambda.Unknown, throttling and service errors Lambda.<exception>; all retried', async () => {
    const faults = ['timeout', 'outOfMemory', 'throttle', 'serviceError'] as const;
    let stageCalls = 0;
    ladder = await createLocalLadder({
      start: START,
      iam: false,
      faults: {
        invocation: ({ fn }) => {
          const fault = fn === 'stage' ? faults[stageCalls++] : undefined;
          return fault ? { error: fault, when: fault === 'outOfMemory' ? 'after' : 'before' } : undefined;
        },
      },
    });
    const l = ladder;
    await inLane('B-1', () => l.send('LoanDelinquent', delinquent));
    await l.clock.runUntilIdle({ until: START + 2 * DAY });
    const [execution] = l.executions.values();
    const failed = execution?.history.filter((h) => h.type === 'StateFailed') ?? [];
    expect(failed.map((h) => [h.state, h.error])).toEqual([
      ['D-3 pre-due reminder', 'Lambda.Unknown'],
      ['D-3 pre-due reminder', 'Lambda.Unknown'],
      ['D-3 pre-due reminder', 'Lambda.TooManyRequestsException'],
      ['D-3 pre-due reminder', 'Lambda.ServiceException'],
    ]);
    // Lambda.Unknown carries what Lambda said, as its cause.
    expect(
      failed.slice(0, 2).map((h) => (JSON.parse(h.cause ?? '{}') as { errorType: string }).errorType),
    ).toEqual(['Sandbox.Timedout', 'Runtime.OutOfMemory']);
    expect(execution?.history.filter((h) => h.type === 'StateRetried')).toHaveLength(4);
    expect(execution?.states).toContain('After D-3 pre-due reminder');
  });
});
