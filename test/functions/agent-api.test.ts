import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { SendTaskHeartbeatCommand, SendTaskSuccessCommand, SFNClient } from '@aws-sdk/client-sfn';
import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SfnCallbacks } from '../../functions/adapters/workflow.js';
import { buildAgentApiHandler } from '../../functions/agent-api/handler.js';
import { bundledPolicies } from '../../functions/domain/policies.js';
import { borrowerRows, db, fixedClock, lambdaContext, stores } from './fixtures.js';

const ddb = mockClient(db);
const sfn = mockClient(SFNClient);
const AGENT = 'arn:aws:sts::123456789012:assumed-role/agents/alice';
const OTHER = 'arn:aws:sts::123456789012:assumed-role/agents/bob';
const task = {
  taskId: 'L-1#1#D+7#1',
  queue: 'agent-calls',
  loanId: 'L-1',
  cycle: 1,
  borrowerId: 'B-1',
  stage: 'D+7',
  openedAt: '2026-12-17T01:00:00.000Z',
  status: 'OPEN',
  token: 'secret-task-token',
};
/** 11:00 in Shanghai (inside the CN contact hours), and 23:00 (outside). */
const DAY = '2026-12-17T03:00:00Z';
const NIGHT = '2026-12-17T15:00:00Z';
const handler = (at = DAY) =>
  buildAgentApiHandler({
    tasks: stores.tasks,
    cases: stores.cases,
    conversations: stores.conversations,
    callbacks: new SfnCallbacks(new SFNClient({ region: 'us-east-1' })),
    policies: bundledPolicies(),
    clock: fixedClock(at),
  });
const call = (
  httpMethod: string,
  path: string,
  options: { body?: unknown; query?: Record<string, string>; caller?: string | null; at?: string } = {},
) =>
  handler(options.at)(
    {
      httpMethod,
      path,
      body: options.body === undefined ? null : JSON.stringify(options.body),
      queryStringParameters: options.query ?? null,
      requestContext: { identity: { userArn: options.caller === undefined ? AGENT : options.caller } },
    } as never,
    lambdaContext,
  );
const complete = (body: unknown, options: { at?: string; caller?: string } = {}) =>
  call('POST', `/tasks/${encodeURIComponent(task.taskId)}/complete`, { body, ...options });
const taskWith = (extra: Record<string, unknown>) =>
  ddb.on(GetCommand).resolves({ Item: { ...task, ...extra } });
const answer = () => JSON.parse(sfn.commandCalls(SendTaskSuccessCommand)[0]?.args[0].input.output ?? '{}');

beforeEach(() => {
  taskWith({ claimedBy: AGENT });
  ddb.on(QueryCommand, { TableName: 'Tasks' }).resolves({ Items: [{ ...task, openQueue: 'agent-calls' }] });
  ddb.on(QueryCommand, { TableName: 'Cases' }).resolves({ Items: borrowerRows() });
  ddb.on(UpdateCommand).resolves({});
  ddb.on(PutCommand).resolves({});
  sfn.on(SendTaskSuccessCommand).resolves({});
  sfn.on(SendTaskHeartbeatCommand).resolves({});
});
afterEach(() => {
  ddb.reset();
  sfn.reset();
});

describe('agent work-queue API', () => {
  it('lists open tasks of a queue from the sparse open-task index, a page at a time, without tokens', async () => {
    ddb.on(QueryCommand, { TableName: 'Tasks' }).resolves({
      Items: [{ ...task, openQueue: 'agent-calls' }],
      LastEvaluatedKey: { taskId: 'x', openQueue: 'agent-calls', openedAt: 'y' },
    });
    const response = await call('GET', '/tasks', { query: { queue: 'agent-calls', limit: '1' } });
    expect(response.statusCode).toBe(200);
    const page = JSON.parse(response.body);
    expect(page.tasks).toEqual([expect.objectContaining({ taskId: task.taskId, stage: 'D+7' })]);
    expect(response.body).not.toContain('secret-task-token');
    expect(ddb).toHaveReceivedCommandWith(QueryCommand, {
      IndexName: 'openByQueue',
      KeyConditionExpression: 'openQueue = :q',
      Limit: 1,
    });
    await call('GET', '/tasks', { query: { queue: 'agent-calls', after: page.next } });
    expect(ddb).toHaveReceivedCommandWith(QueryCommand, {
      ExclusiveStartKey: { taskId: 'x', openQueue: 'agent-calls', openedAt: 'y' },
    });
    expect((await call('GET', '/tasks', { query: { after: 'not-a-cursor' } })).statusCode).toBe(400);
  });

  it('claim holds the task for the caller and sends a heartbeat; another agent cannot take it', async () => {
    taskWith({});
    const response = await call('POST', `/tasks/${encodeURIComponent(task.taskId)}/claim`);
    expect(response.statusCode).toBe(200);
    expect(ddb).toHaveReceivedCommandWith(UpdateCommand, {
      ConditionExpression: '#s = :open AND (attribute_not_exists(claimedBy) OR claimedBy = :me)',
      ExpressionAttributeValues: expect.objectContaining({ ':me': AGENT }),
    });
    expect(sfn).toHaveReceivedCommandWith(SendTaskHeartbeatCommand, { taskToken: 'secret-task-token' });
    taskWith({ claimedBy: OTHER });
    expect((await call('POST', `/tasks/${encodeURIComponent(task.taskId)}/claim`)).statusCode).toBe(409);
  });

  it('complete returns the outcome to the execution, keeping a visit report out of it', async () => {
    const response = await complete({
      outcome: 'PROMISE_TO_PAY',
      promise: { amount: '100.00', date: '2026-12-24' },
    });
    expect(response.statusCode).toBe(200);
    expect(ddb).toHaveReceivedCommandWith(UpdateCommand, {
      ConditionExpression: '#s = :open AND claimedBy = :me',
    });
    expect(answer()).toEqual({
      outcome: 'PROMISE_TO_PAY',
      promise: { amount: '100.00', date: '2026-12-24' },
      taskId: task.taskId,
    });
    taskWith({ claimedBy: AGENT, queue: 'field-visits' });
    sfn.reset();
    sfn.on(SendTaskSuccessCommand).resolves({});
    await complete({ outcome: 'VISIT_REPORTED', report: 'Lives at 1 Main St' });
    expect(JSON.stringify(answer())).not.toContain('Main St');
  });

  it("an agent's notes go to the conversations table (contact key); the execution gets their id and SHA-256", async () => {
    const notes = 'Borrower lost his job; call his sister at 555-0100 next week.';
    const response = await complete({ outcome: 'REFUSED', notes });
    expect(response.statusCode).toBe(200);
    // SHA-256 of the notes, computed apart from the code (printf '%s' "$notes" | sha256sum).
    const sha = '812c229d42242cf1ab0b1f7c16c10573e6f63f0c082470e8c273568a6e3b38a0';
    const put = ddb.commandCalls(PutCommand, { TableName: 'Conversations' })[0]?.args[0].input;
    expect(put?.Item).toMatchObject({ borrowerId: 'B-1', channel: 'CALL', taskId: task.taskId, text: notes });
    expect(answer()).toEqual({
      outcome: 'REFUSED',
      taskId: task.taskId,
      noteId: put?.Item?.itemId,
      noteSha256: sha,
    });
    expect(JSON.stringify(answer())).not.toContain('sister');
    // The task itself (not under the contact key) never holds them.
    for (const c of ddb.commandCalls(UpdateCommand))
      expect(JSON.stringify(c.args[0].input)).not.toContain('sister');
  });

  it('only the claimer completes: unclaimed and held by another are 403, no caller is 403', async () => {
    taskWith({});
    expect((await complete({ outcome: 'REACHED' })).statusCode).toBe(403);
    taskWith({ claimedBy: OTHER });
    expect((await complete({ outcome: 'REACHED' })).statusCode).toBe(403);
    expect((await call('GET', '/tasks', { caller: null })).statusCode).toBe(403);
    expect(sfn).not.toHaveReceivedCommand(SendTaskSuccessCommand);
  });

  it("a call is not recorded outside the borrower's contact hours (409)", async () => {
    const night = await complete({ outcome: 'NO_ANSWER' }, { at: NIGHT });
    expect(night.statusCode).toBe(409);
    expect(JSON.parse(night.body).error).toMatch(/contact hours \(08:00-22:00 Asia\/Shanghai\)/);
    expect(sfn).not.toHaveReceivedCommand(SendTaskSuccessCommand);
  });

  it('a withdrawn task, a done one and an unknown one are refused: 409, 409, 404', async () => {
    taskWith({ status: 'WITHDRAWN', withdrawnReason: 'DISPUTE_OPENED' });
    const withdrawn = await complete({ outcome: 'HARDSHIP' });
    expect([withdrawn.statusCode, JSON.parse(withdrawn.body).error]).toEqual([
      409,
      `task ${task.taskId} was withdrawn: DISPUTE_OPENED`,
    ]);
    taskWith({ status: 'DONE', claimedBy: AGENT });
    expect((await complete({ outcome: 'REACHED' })).statusCode).toBe(409);
    ddb.on(GetCommand).resolves({});
    expect((await call('POST', '/tasks/nope/claim')).statusCode).toBe(404);
    expect(sfn).not.toHaveReceivedCommand(SendTaskSuccessCommand);
  });

  it('outcomes are checked as the event contract and the policy check them, naming the valid ones', async () => {
    const bad = async (body: unknown) => JSON.parse((await complete(body)).body).error as string;
    expect(await bad({ outcome: 'PAID' })).toBe(
      'outcome: one of REACHED, PROMISE_TO_PAY, HARDSHIP, DISPUTE, REFUSED, NO_ANSWER, WRONG_NUMBER, PLAN_AGREED',
    );
    expect(await bad({ outcome: 'SIGNED' })).toMatch(/for a agent-calls task/);
    expect(await bad({ outcome: 'PROMISE_TO_PAY', promise: { amount: '0', date: '2026-12-24' } })).toBe(
      'promise: AMOUNT_NOT_POSITIVE',
    );
    expect(await bad({ outcome: 'PROMISE_TO_PAY', promise: { amount: '10', date: '2026-02-31' } })).toMatch(
      /^promise\.date: /,
    );
    expect(await bad({ outcome: 'PROMISE_TO_PAY', promise: { amount: '10', date: '9999-12-31' } })).toBe(
      'promise: PROMISE_TOO_FAR',
    );
    expect(await bad({ outcome: 'PROMISE_TO_PAY', promise: { amount: '10', date: '2026-12-01' } })).toBe(
      'promise: DATE_PASSED',
    );
    expect(
      await bad({ outcome: 'PLAN_AGREED', plan: { instalments: [{ amount: '100', date: '2026-13-45' }] } }),
    ).toMatch(/^plan\.instalments\.0\.date: /);
    expect(
      await bad({
        outcome: 'PLAN_AGREED',
        plan: {
          instalments: [
            { amount: '100', date: '2027-01-20' },
            { amount: '100', date: '2027-01-10' },
          ],
        },
      }),
    ).toBe('plan: INSTALMENTS_OUT_OF_ORDER');
    expect(sfn).not.toHaveReceivedCommand(SendTaskSuccessCommand);
  });

  it('the specialist queue is reached only under /specialist/tasks', async () => {
    expect((await call('GET', '/tasks', { query: { queue: 'specialist' } })).statusCode).toBe(403);
    taskWith({ queue: 'specialist', claimedBy: AGENT, token: undefined });
    expect((await call('POST', `/tasks/${encodeURIComponent(task.taskId)}/claim`)).statusCode).toBe(403);
    expect(
      (await call('POST', `/specialist/tasks/${encodeURIComponent(task.taskId)}/claim`)).statusCode,
    ).toBe(200);
    expect((await call('GET', '/specialist/tasks')).statusCode).toBe(200);
    expect(ddb).toHaveReceivedCommandWith(QueryCommand, {
      ExpressionAttributeValues: { ':q': 'specialist' },
    });
  });

  it('a task completed by someone else meanwhile is a 409', async () => {
    ddb.on(UpdateCommand).rejects(new ConditionalCheckFailedException({ message: 'done', $metadata: {} }));
    expect((await complete({ outcome: 'REACHED' })).statusCode).toBe(409);
    expect((await call('GET', '/tasks', { query: { queue: 'nope' } })).statusCode).toBe(400);
    expect(sfn).not.toHaveReceivedCommand(SendTaskSuccessCommand);
  });
});
