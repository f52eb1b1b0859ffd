import { ExecutionAlreadyExists, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { SfnContinuer, SfnStarter } from '../../functions/adapters/workflow.js';
import { continuationName, continueAt, type StageAction } from '../../functions/domain/continuation.js';
import type { Outcome, Step } from '../../functions/domain/decide.js';
import { bundledPolicies } from '../../functions/domain/policies.js';
import { createIntakeCore } from '../../functions/intake/core.js';
import { createStageCore } from '../../functions/stage/core.js';
import {
  borrowerRows,
  db,
  firstStep,
  fixedClock,
  kase,
  ledgerWriter,
  loanDelinquent,
  stores,
} from './fixtures.js';

const DAY = 86_400_000;
const policy = bundledPolicies().get('default');
const STARTED = '2026-12-06T00:00:00.000Z';
const started = Date.parse(STARTED);
const iso = (ms: number) => new Date(ms).toISOString();

describe('continuation names', () => {
  it('the first continuation adds -r1, each next one counts up', () => {
    expect(continuationName('L-1-c1')).toBe('L-1-c1-r1');
    expect(continuationName('L-1-c1-r1')).toBe('L-1-c1-r2');
    expect(continuationName('L-1-c1-r9')).toBe('L-1-c1-r10');
  });
  it('stay within 80 characters and distinct when the first name is already long', () => {
    const a = `${'A'.repeat(76)}-c1`;
    const b = `${'A'.repeat(75)}B-c1`;
    let name = a;
    const seen = new Set<string>();
    for (let n = 1; n <= 12; n++) {
      name = continuationName(name);
      expect(name.length, name).toBeLessThanOrEqual(80);
      expect(name.endsWith(`-r${n}`), name).toBe(true);
      seen.add(name);
    }
    expect(seen.size).toBe(12);
    expect(continuationName(a)).not.toBe(continuationName(b));
  });
});

describe('when a step continues in a fresh execution', () => {
  const step = (outcome: Outcome, wakeAt: number, stage = 'D+15'): Step => ({
    ...firstStep,
    outcome,
    stage,
    wakeAt: iso(wakeAt),
  });
  const decide = (action: StageAction, s: Step, now: number, stage?: string) =>
    continueAt(policy, { action, stage, startedAt: STARTED }, s, now);

  it('a Wait that ends within 330 days of the start stays; one that ends later continues at that Wait', () => {
    const now = started + 320 * DAY;
    expect(decide('RUN_STAGE', step('WAIT', started + 329 * DAY), now, 'D+15')).toBeUndefined();
    expect(decide('RUN_STAGE', step('WAIT', started + 331 * DAY), now, 'D+15')).toBe('D+15');
    // NEXT waits for the following stage.
    expect(decide('RUN_STAGE', step('NEXT', started + 331 * DAY), now, 'D+15')).toBe('D+28');
    expect(decide('CHECK_PLAN', step('WAIT', started + 331 * DAY), now)).toBe('PLAN');
    expect(decide('RECORD_SIGNATURE', step('PLAN', started + 331 * DAY), now)).toBe('PLAN');
    expect(decide('CHECK_PROMISE', step('WAIT', started + 331 * DAY), now)).toBe('PROMISE');
    expect(decide('RUN_STAGE', step('PAUSE', started + 331 * DAY), now, 'D+28')).toBe('PROMISE');
  });
  it("a human stage's Wait counts its task's timeout after it (72 h and a day)", () => {
    const now = started + 300 * DAY;
    expect(decide('RUN_STAGE', step('NEXT', started + 325 * DAY), now, 'D+3')).toBeUndefined();
    expect(decide('RUN_STAGE', step('NEXT', started + 327 * DAY), now, 'D+3')).toBe('D+7');
  });
  it('a dispute hold counts its 180-day timeout from now; a plan signing its expiry', () => {
    expect(
      decide('RUN_STAGE', step('HOLD', started + 149 * DAY), started + 149 * DAY, 'D+7'),
    ).toBeUndefined();
    expect(decide('AFTER_HOLD', step('HOLD', started + 151 * DAY), started + 151 * DAY)).toBe('HOLD');
    expect(
      decide('RECORD_HUMAN_OUTCOME', step('SIGN', started + 324 * DAY), started + 324 * DAY, 'D+7'),
    ).toBe('SIGN');
  });
  it('an ending, a failure recorded, or an execution started by an older definition never continues', () => {
    const late = started + 400 * DAY;
    for (const outcome of ['CURED', 'SETTLED', 'CLOSED', 'HANDED_OVER', 'RESUME'] as const)
      expect(decide('RUN_STAGE', step(outcome, late), late, 'D+15'), outcome).toBeUndefined();
    expect(decide('RECORD_FAILURE', step('WAIT', late), late)).toBeUndefined();
    expect(
      continueAt(policy, { action: 'RUN_STAGE', stage: 'D+15' }, step('WAIT', late), late),
    ).toBeUndefined();
  });
});

const ddb = mockClient(db);
const sfn = mockClient(SFNClient);
afterEach(() => {
  ddb.reset();
  sfn.reset();
});

const EXECUTION = 'arn:aws:states:cn-north-1:123456789012:execution:LadderStateMachine:L-1-c1';
const MACHINE = 'arn:aws:states:cn-north-1:123456789012:stateMachine:LadderStateMachine';
const continuing: Step = {
  ...firstStep,
  outcome: 'CONTINUE',
  stage: 'D+15',
  wakeAt: '2027-11-20T01:00:00.000Z',
  resumeStage: 'D+15',
  ledger: { seq: 17, hash: 'a'.repeat(64) },
  continueAt: 'PLAN',
};
const stageDeps = () => ({
  ...stores,
  writer: ledgerWriter(),
  messaging: {} as never,
  bus: { publish: async () => undefined },
  clock: fixedClock('2027-11-01T01:00:00Z'),
  policies: bundledPolicies(),
  evidence: { put: async () => ({ json: '', document: '' }) },
  continuer: new SfnContinuer(new SFNClient({ region: 'cn-north-1' })),
});
const request = (retryCount = 0) => ({
  action: 'CONTINUE',
  loanId: 'L-1',
  borrowerId: 'B-1',
  cycle: 1,
  policyId: 'default',
  step: continuing,
  execution: EXECUTION,
  retryCount,
});

describe('the CONTINUE step', () => {
  it('names the new execution on the case, then starts it on the same state machine with the step and the link back', async () => {
    ddb.on(QueryCommand).resolves({ Items: borrowerRows() });
    ddb.on(PutCommand).resolves({});
    sfn.on(StartExecutionCommand).resolves({ executionArn: `${MACHINE}:L-1-c1-r1` });

    const out = await createStageCore(stageDeps())(request());

    expect(out).toMatchObject({
      ...continuing,
      continuedAs: {
        name: 'L-1-c1-r1',
        executionArn: `${MACHINE.replace(':stateMachine:', ':execution:')}:L-1-c1-r1`,
      },
    });
    const caseWrite = ddb.commandCalls(PutCommand)[0]?.args[0].input;
    expect(caseWrite?.Item?.doc).toMatchObject({ execution: 'L-1-c1-r1' });
    const start = sfn.commandCalls(StartExecutionCommand)[0]?.args[0].input;
    expect(start?.stateMachineArn).toBe(MACHINE);
    expect(start?.name).toBe('L-1-c1-r1');
    expect(JSON.parse(start?.input ?? '{}')).toEqual({
      loanId: 'L-1',
      borrowerId: 'B-1',
      cycle: 1,
      policyId: 'default',
      step: continuing,
      continuedFrom: EXECUTION,
    });
  });

  it('a retry, once the case names it and Step Functions has it, changes nothing and answers the same', async () => {
    ddb.on(QueryCommand).resolves({ Items: borrowerRows({ ...kase, execution: 'L-1-c1-r1' }) });
    ddb.on(GetCommand).resolves({});
    sfn.on(StartExecutionCommand).rejects(new ExecutionAlreadyExists({ message: 'exists', $metadata: {} }));

    const out = await createStageCore(stageDeps())(request(1));

    expect(out).toMatchObject({ continuedAs: { name: 'L-1-c1-r1' } });
    expect(ddb).not.toHaveReceivedCommand(PutCommand);
    expect(sfn).toHaveReceivedCommandTimes(StartExecutionCommand, 1);
  });

  it('a stage step whose next wait outlasts the year answers CONTINUE with where to resume', async () => {
    // The first execution started on 2026-12-06; on 2027-11-01 the D+15 letter is still 21 days away.
    ddb.on(QueryCommand).resolves({ Items: borrowerRows({ ...kase, shiftDays: 330 }) });
    const out = await createStageCore(stageDeps())({
      ...request(),
      action: 'RUN_STAGE',
      stage: 'D+15',
      step: firstStep,
      execution: undefined,
      startedAt: STARTED,
    });
    expect(out).toMatchObject({ outcome: 'CONTINUE', continueAt: 'D+15', stage: 'D+15' });
    expect(sfn).not.toHaveReceivedCommand(StartExecutionCommand);
  });
});

describe('intake after a continuation', () => {
  it('starts nothing when the case names a later execution: the first one is closed and must stay so', async () => {
    ddb.on(QueryCommand).resolves({ Items: borrowerRows({ ...kase, execution: 'L-1-c1-r2' }) });
    ddb.on(PutCommand).resolves({});
    const intake = createIntakeCore({
      cases: stores.cases,
      contacts: stores.contacts,
      starter: new SfnStarter(new SFNClient({ region: 'us-east-1' }), { default: MACHINE }),
      clock: fixedClock('2027-12-06T00:00:00Z'),
      policies: bundledPolicies(),
    });
    const result = await intake({ ...loanDelinquent, dueDate: '2027-12-10' });
    expect(result).toEqual({ executionName: 'L-1-c1-r2', started: false, newCase: false });
    expect(sfn).not.toHaveReceivedCommand(StartExecutionCommand);
  });
});
