/**
 * The stack's IAM enforced in the local runtime: on by default, off with `iam: false`, in the aws-cn
 * partition, and a grant removed from the construct fails the local run as it would fail on AWS.
 */
import { readFileSync } from 'node:fs';
import type { IResolvable, IResolveContext, aws_iam as iam } from 'aws-cdk-lib';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { caseKey } from '../../functions/domain/case.js';
import { signLink } from '../../functions/domain/links.js';
import { LadderStack } from '../../lib/ladder-stack.js';
import { inLane } from '../../local/clock.js';
import { substitute } from '../../local/executions.js';
import { loadStackIam, type StackIam } from '../../local/iam/template.js';
import { createLocalLadder, type ExecutionRecord, type LocalLadder } from '../../local/runtime.js';
import { parseScenario } from '../../local/scenario.js';
import { simulate } from '../../local/simulate.js';
import { definitionFile } from '../../statemachines/render.js';
import { loanDelinquent } from '../borrower.js';

const START = Date.parse('2026-12-06T00:00:00Z');
const DAY = 86_400_000;
const ACCOUNT = '123456789012';

let ladder: LocalLadder | undefined;
afterEach(async () => {
  await ladder?.close();
  ladder = undefined;
});

/** The loan's execution after `days` on the clock. */
async function run(options: Parameters<typeof createLocalLadder>[0], days: number): Promise<ExecutionRecord> {
  ladder = await createLocalLadder(options);
  const l = ladder;
  await l.services.email.clear(); // the local SES store is per process, shared by every test here
  await inLane('B-1', () => l.send('LoanDelinquent', loanDelinquent));
  await l.clock.runUntilIdle({ until: START + days * DAY });
  const [execution] = l.executions.values();
  if (!execution) throw new Error('no execution started');
  return execution;
}

type Statement = { Action: string | string[]; Resource: unknown; [key: string]: unknown };
const list = <T>(value: T | T[]): T[] => (Array.isArray(value) ? value : [value]);

/**
 * Removes `action` on `resource` from the statements of `construct`'s role policy, at synthesis
 * (after every grant is in): what a construct change that drops the grant would synthesize. A
 * statement with other actions or resources keeps them.
 */
function dropGrant(construct: { role?: iam.IRole }, action: string, resourceArn: string): void {
  const policy = construct.role?.node.findChild('DefaultPolicy').node.defaultChild as iam.CfnPolicy;
  const original = policy.policyDocument;
  const withoutGrant: IResolvable = {
    creationStack: [],
    resolve: (context: IResolveContext) => {
      const document = context.resolve(original) as { Statement: Statement[] };
      const target = JSON.stringify(context.resolve(resourceArn));
      const statements = document.Statement.flatMap((s) => {
        const actions = list(s.Action);
        const resources = list(s.Resource);
        if (!actions.includes(action) || !resources.some((r) => JSON.stringify(r) === target)) return [s];
        const others = resources.filter((r) => JSON.stringify(r) !== target);
        return [
          ...(actions.length > 1 ? [{ ...s, Action: actions.filter((a) => a !== action) }] : []),
          ...(others.length > 0 ? [{ ...s, Action: action, Resource: others }] : []),
        ];
      });
      return { ...document, Statement: statements };
    },
    toString: () => 'PolicyDocumentWithoutGrant',
  };
  policy.policyDocument = withoutGrant;
}

describe('the stack IAM in the local runtime', () => {
  it('is enforced by default, as partition aws, the local region and account 123456789012', async () => {
    const execution = await run({ start: START }, 4);
    const l = ladder as LocalLadder;
    expect(l.access).toMatchObject({ enforced: true, partition: 'aws', region: 'local', account: ACCOUNT });
    expect(l.access.functionArn('stage')).toBe(`arn:aws:lambda:local:${ACCOUNT}:function:stage`);
    expect(execution.states).toContain('D-3 pre-due reminder');
    expect(execution.history.filter((h) => h.type === 'StateFailed')).toEqual([]);
  });

  it("lets a retried human task's opening update the task, as the human-task role allows", async () => {
    const execution = await run({ start: START, faults: { invocation: crashOnce() } }, 14);
    const failed = execution.history.filter((h) => h.type === 'StateFailed');
    expect(failed.map((h) => [h.state, h.error])).toEqual([['D+7 agent call', 'Lambda.Unknown']]);
    // Retried and open again, waiting for an agent (nobody answers here).
    expect(execution.history.filter((h) => h.type === 'StateRetried').map((h) => h.state)).toEqual([
      'D+7 agent call',
    ]);
    expect([execution.status, execution.states.at(-1)]).toEqual(['RUNNING', 'D+7 agent call']);
  });

  it('lets the agent API claim a task whose execution this process did not start (a restarted serve)', async () => {
    ladder = await createLocalLadder({ start: START });
    const l = ladder;
    await l.stores.tasks().open({
      taskId: 'L-7#1#D+7#1',
      queue: 'agent-calls',
      loanId: 'L-7',
      cycle: 1,
      borrowerId: 'B-7',
      stage: 'D+7',
      openedAt: new Date(START).toISOString(),
      status: 'OPEN',
      token: 'L-7-c1/1',
    });
    const out = await l.agentApi({
      method: 'POST',
      path: `/tasks/${encodeURIComponent('L-7#1#D+7#1')}/claim`,
      query: {},
      body: null,
      caller: 'agent-1',
    });
    // Checked against the default ladder, then answered as Step Functions would: the task is gone.
    expect(out).toEqual({ status: 200, body: { delivered: false } });
  });

  it('is off with iam: false', async () => {
    await run({ start: START, iam: false }, 1);
    expect((ladder as LocalLadder).access.enforced).toBe(false);
  });

  it('runs as the aws-cn partition: the definitions are filled with its ARNs and its IAM enforced', async () => {
    const execution = await run({ start: START, iam: { partition: 'aws-cn', region: 'cn-north-1' } }, 6);
    const l = ladder as LocalLadder;
    expect(l.access).toMatchObject({ enforced: true, partition: 'aws-cn', region: 'cn-north-1' });
    const stage = l.access.functionArn('stage');
    expect(stage).toBe(`arn:aws-cn:lambda:cn-north-1:${ACCOUNT}:function:stage`);
    expect(l.access.stateMachineArn('default')).toMatch(/^arn:aws-cn:states:cn-north-1:/);
    expect(execution.states).toEqual(
      expect.arrayContaining(['D-3 pre-due reminder', 'D+1 first overdue notice']),
    );
    expect(execution.history.filter((h) => h.type === 'StateFailed')).toEqual([]);
    expect(l.services.sms.outbox().length).toBeGreaterThan(0);
    // The committed definition, as the runtime fills it: the integration ARNs in the run's partition.
    const definition = substitute(readFileSync(definitionFile('default'), 'utf8'), l.access);
    expect(definition).not.toContain('arn:aws:');
    expect(definition).not.toContain('${');
    expect(definition).toContain('"Resource": "arn:aws-cn:states:::lambda:invoke"');
    expect(definition).toContain(`"FunctionName": "${stage}"`);
  });
});

/** The local stack's IAM with one grant dropped from the construct (`drop` edits the built stack). */
const stackIamWithout = (drop: (stack: LadderStack) => void) =>
  loadStackIam({
    partition: 'aws',
    region: 'local',
    account: ACCOUNT,
    stack: (app, id) => {
      const stack = new LadderStack(app, id);
      drop(stack);
      return stack;
    },
  });

/**
 * The first opening of a human task (the D+7 call) crashes after its handler ran, so the task is open:
 * the retry finds it open and re-points it at its own token (UpdateItem on Tasks).
 */
function crashOnce() {
  let crashed = false;
  return ({ fn }: { fn: string }) => {
    if (fn !== 'humanTask' || crashed) return undefined;
    crashed = true;
    return { error: 'crash', when: 'after' } as const;
  };
}

describe('a grant removed from the construct', () => {
  let withoutInvoke: StackIam;
  let withoutRetoken: StackIam;
  let withoutContinuation: StackIam;
  let withoutCodeStore: StackIam;
  beforeAll(async () => {
    // The borrower API may not update contact details: a correction's pending change cannot be stored.
    withoutCodeStore = await stackIamWithout(({ ladder: { borrowerApi, tables } }) =>
      dropGrant(borrowerApi.apiFunction, 'dynamodb:UpdateItem', tables.contacts.tableArn),
    );
    // The stage may not start executions: a ladder longer than a year cannot continue.
    withoutContinuation = await stackIamWithout(({ ladder: { workflow } }) => {
      workflow.node.tryRemoveChild('StageContinuation');
    });
    // The stage may not invoke the ledger writer: every record it appends goes through that invocation.
    withoutInvoke = await stackIamWithout(({ ladder: { workflow, ledgerWriter } }) =>
      dropGrant(workflow.stageFunction, 'lambda:InvokeFunction', ledgerWriter.writerFunction.functionArn),
    );
    // The human-task function may not update a task: a retried opening re-points the open task at the
    // retry's token with UpdateItem.
    withoutRetoken = await stackIamWithout(({ ladder: { workflow, tables } }) =>
      dropGrant(workflow.humanTaskFunction, 'dynamodb:UpdateItem', tables.tasks.tableArn),
    );
  }, 180_000);

  it('refuses a contact correction with AccessDenied when the borrower API may not update the contacts table, and sends no code', async () => {
    ladder = await createLocalLadder({ start: START, iam: { stackIam: withoutCodeStore } });
    const l = ladder;
    await inLane('B-1', () => l.send('LoanDelinquent', loanDelinquent));
    const token = await signLink(l.keys.link, {
      borrowerId: 'B-1',
      loanIds: ['L-1'],
      expiresAt: Math.floor(START / 1000) + DAY / 1000,
      linkId: 'iam',
    });
    const request = {
      method: 'POST',
      path: '/contact/change',
      authorization: `Bearer ${token}`,
      body: JSON.stringify({ channel: 'SMS', value: '+8613912345678' }),
    };
    const role = withoutCodeStore.functions.borrowerApi.role.name;
    await expect(l.borrowerApi(request)).rejects.toThrow(
      `User: arn:aws:sts::${ACCOUNT}:assumed-role/${role}/borrowerApi is not authorized to perform: ` +
        `dynamodb:UpdateItem on resource: arn:aws:dynamodb:local:${ACCOUNT}:table/Contacts`,
    );
    expect(l.services.sms.outbox().filter((m) => m.phoneNumber === '+8613912345678')).toEqual([]);
    // With the stack's own grants the same request is accepted (the oracle of the refusal above).
    ladder = await createLocalLadder({ start: START });
    const ok = ladder;
    await inLane('B-1', () => ok.send('LoanDelinquent', loanDelinquent));
    const okToken = await signLink(ok.keys.link, {
      borrowerId: 'B-1',
      loanIds: ['L-1'],
      expiresAt: Math.floor(START / 1000) + DAY / 1000,
      linkId: 'iam',
    });
    await l.close();
    expect((await ok.borrowerApi({ ...request, authorization: `Bearer ${okToken}` })).status).toBe(202);
  });

  it('fails the local run with AccessDenied naming the function, the action and the resource', async () => {
    const execution = await run({ start: START, iam: { stackIam: withoutInvoke } }, 4);
    const role = withoutInvoke.functions.stage.role.name;
    const message =
      `User: arn:aws:sts::${ACCOUNT}:assumed-role/${role}/stage is not authorized to perform: ` +
      `lambda:InvokeFunction on resource: arn:aws:lambda:local:${ACCOUNT}:function:ledgerWriter ` +
      'because no identity-based policy allows the lambda:InvokeFunction action';
    const failed = execution.history.filter((h) => h.type === 'StateFailed');
    // As on AWS: the stage's Lambda fails with AccessDeniedException, which no Retry matches; the
    // Catch records the failure, whose append is refused the same way, and the execution ends Failed.
    expect(failed.map((h) => [h.state, h.error, h.cause])).toEqual([
      ['D-3 pre-due reminder', 'AccessDeniedException', message],
      ['Record failure', 'AccessDeniedException', message],
      ['Failed', 'LadderFailed', expect.stringContaining('A task failed after its retries')],
    ]);
    expect(execution.history.some((h) => h.type === 'StateRetried')).toBe(false);
    expect(execution.status).toBe('FAILED');
    expect(execution.states.at(-1)).toBe('Failed');
    // Nothing was appended: the writer never ran.
    expect(await (ladder as LocalLadder).stores.ledger().list(caseKey('L-1', 1))).toEqual([]);
  });

  // The fast mode's in-memory tables check the same grants as the SDK path (local/sdk.ts).
  it.each([
    ['on the embedded DynamoDB', {}],
    ['in the fast mode', { dynamodb: 'memory', messaging: 'in-process' } as const],
  ])("fails a retried human task's opening with AccessDenied on the Tasks table %s", async (_, mode) => {
    const options = {
      start: START,
      iam: { stackIam: withoutRetoken },
      faults: { invocation: crashOnce() },
      ...mode,
    };
    const execution = await run(options, 14);
    const role = withoutRetoken.functions.humanTask.role.name;
    const message =
      `User: arn:aws:sts::${ACCOUNT}:assumed-role/${role}/humanTask is not authorized to perform: ` +
      `dynamodb:UpdateItem on resource: arn:aws:dynamodb:local:${ACCOUNT}:table/Tasks ` +
      'because no identity-based policy allows the dynamodb:UpdateItem action';
    const failed = execution.history.filter((h) => h.type === 'StateFailed');
    expect(failed.map((h) => [h.state, h.error, h.cause])).toEqual([
      ['D+7 agent call', 'Lambda.Unknown', expect.stringContaining('Runtime.ExitError')],
      ['D+7 agent call', 'AccessDeniedException', message],
      ['Failed', 'LadderFailed', expect.stringContaining('A task failed after its retries')],
    ]);
    // The failure is recorded (the stage's grants are intact) and the execution ends Failed.
    expect(execution.states.slice(-2)).toEqual(['Record failure', 'Failed']);
    expect(execution.status).toBe('FAILED');
  });

  it('fails a ladder that must continue past its year with AccessDenied on StartExecution, and fails it visibly', async () => {
    const sample = JSON.parse(
      readFileSync(new URL('../../samples/long-ladders.json', import.meta.url), 'utf8'),
    );
    sample.loans = sample.loans.filter((l: { loanId: string }) => l.loanId === 'plan-24');
    let executions: ExecutionRecord[] = [];
    await simulate(parseScenario(sample), {
      iam: { stackIam: withoutContinuation },
      onFinish: (l) => {
        executions = [...l.executions.values()];
      },
    });
    const [execution] = executions;
    expect(executions).toHaveLength(1);
    const role = withoutContinuation.functions.stage.role.name;
    const failed = execution?.history.filter((h) => h.type === 'StateFailed') ?? [];
    expect(failed.map((h) => [h.state, h.error])).toEqual([
      ['Continue in a new execution', 'AccessDeniedException'],
      ['Failed', 'LadderFailed'],
    ]);
    expect(failed[0]?.cause).toMatch(
      new RegExp(
        `assumed-role/${role}/stage is not authorized to perform: states:StartExecution on resource: arn:aws:states:local:${ACCOUNT}:stateMachine:`,
      ),
    );
    expect(execution?.status).toBe('FAILED');
  }, 120_000);
});
