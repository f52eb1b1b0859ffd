import { SendTaskHeartbeatCommand, SendTaskSuccessCommand, SFNClient } from '@aws-sdk/client-sfn';
import { GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SfnCallbacks } from '../../functions/adapters/workflow.js';
import { agentFromClaims, buildDeskApiHandler } from '../../functions/desk-api/handler.js';
import { bundledPolicies } from '../../functions/domain/policies.js';
import { borrowerRows, db, fixedClock, lambdaContext, stores } from './fixtures.js';

const ddb = mockClient(db);
const sfn = mockClient(SFNClient);
const PHONE = '+8613800138000';
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
  script: 'Confirm identity, then: CN¥1,200.00 is 7 days overdue.',
};
/** 11:00 in Shanghai: inside the CN contact hours. */
const DAY = '2026-12-17T03:00:00Z';
const handler = buildDeskApiHandler(
  {
    tasks: stores.tasks,
    cases: stores.cases,
    conversations: stores.conversations,
    contacts: stores.contacts,
    ledger: stores.ledger,
    callbacks: new SfnCallbacks(new SFNClient({ region: 'us-east-1' })),
    policies: bundledPolicies(),
    clock: fixedClock(DAY),
  },
  {
    authorizeUrl: 'https://ladder-desk.auth.us-east-1.amazoncognito.com/oauth2/authorize',
    clientId: 'client-1',
    redirectUri: 'https://d1.cloudfront.net/desk/',
  },
);
/** A request as API Gateway's Cognito authorizer passes it: the ID token's claims. */
const call = (
  httpMethod: string,
  path: string,
  claims: Record<string, unknown> | undefined,
  options: { body?: unknown; query?: Record<string, string> } = {},
) =>
  handler(
    {
      httpMethod,
      path: `/api/desk${path}`,
      body: options.body === undefined ? null : JSON.stringify(options.body),
      queryStringParameters: options.query ?? null,
      requestContext: { authorizer: claims ? { claims } : undefined },
    } as never,
    lambdaContext,
  );
const AMY = { sub: 'sub-amy', 'cognito:groups': '[agent-calls field-visits]' };
const BOB = { sub: 'sub-bob', 'cognito:groups': 'agent-calls' };
const VISITS_ONLY = { sub: 'sub-vic', 'cognito:groups': '[field-visits]' };
const taskWith = (extra: Record<string, unknown>) =>
  ddb.on(GetCommand, { TableName: 'Tasks' }).resolves({ Item: { ...task, ...extra } });

beforeEach(() => {
  taskWith({});
  ddb
    .on(GetCommand, { TableName: 'Contacts' })
    .resolves({ Item: { borrowerId: 'B-1', name: 'Li Lei', phone: PHONE, email: 'li@example.com' } });
  ddb.on(QueryCommand, { TableName: 'Tasks' }).resolves({ Items: [{ ...task, openQueue: 'agent-calls' }] });
  ddb.on(QueryCommand, { TableName: 'Cases' }).resolves({ Items: borrowerRows() });
  ddb.on(QueryCommand, { TableName: 'Ledger' }).resolves({ Items: [] });
  ddb.on(UpdateCommand).resolves({});
  sfn.on(SendTaskSuccessCommand).resolves({});
  sfn.on(SendTaskHeartbeatCommand).resolves({});
});
afterEach(() => {
  ddb.reset();
  sfn.reset();
});

describe('the agent desk API (Cognito-authorised)', () => {
  it('reads the queues from the groups claim in each form API Gateway gives it; no sub is no agent', () => {
    expect(agentFromClaims(AMY)).toEqual({ id: 'cognito:sub-amy', queues: ['agent-calls', 'field-visits'] });
    expect(agentFromClaims({ sub: 's', 'cognito:groups': 'agent-calls,plan-signing' })?.queues).toEqual([
      'agent-calls',
      'plan-signing',
    ]);
    expect(agentFromClaims({ sub: 's', 'cognito:groups': ['conversations'] })?.queues).toEqual([
      'conversations',
    ]);
    expect(agentFromClaims({ sub: 's' })?.queues).toEqual([]);
    expect(agentFromClaims({ 'cognito:groups': 'agent-calls' })).toBeUndefined();
  });

  it('answers how to sign in without a token (the open config route), and nothing else without one', async () => {
    const config = await call('GET', '/config', undefined);
    expect(config.statusCode).toBe(200);
    expect(JSON.parse(config.body)).toEqual({
      signIn: 'cognito',
      authorizeUrl: 'https://ladder-desk.auth.us-east-1.amazoncognito.com/oauth2/authorize',
      clientId: 'client-1',
      redirectUri: 'https://d1.cloudfront.net/desk/',
    });
    expect((await call('GET', '/me', undefined)).statusCode).toBe(403);
    expect(JSON.parse((await call('GET', '/me', AMY)).body)).toEqual({
      agent: 'cognito:sub-amy',
      queues: ['agent-calls', 'field-visits'],
    });
  });

  it('lists only a queue of the caller’s groups: another is 403, no claims at all is 403', async () => {
    const mine = await call('GET', '/tasks', AMY, { query: { queue: 'agent-calls' } });
    expect(mine.statusCode).toBe(200);
    expect(JSON.parse(mine.body).tasks).toEqual([
      expect.objectContaining({ taskId: task.taskId, claimed: false, mine: false }),
    ]);
    expect(mine.body).not.toContain('secret-task-token');
    expect(mine.body).not.toContain('Confirm identity');
    expect((await call('GET', '/tasks', VISITS_ONLY, { query: { queue: 'agent-calls' } })).statusCode).toBe(
      403,
    );
    expect((await call('GET', '/tasks', undefined, { query: { queue: 'agent-calls' } })).statusCode).toBe(
      403,
    );
  });

  it('shows a task of another queue as no task at all (404), and never reads its contact details', async () => {
    const response = await call('GET', `/tasks/${encodeURIComponent(task.taskId)}`, VISITS_ONLY);
    expect(response.statusCode).toBe(404);
    expect(ddb).not.toHaveReceivedCommandWith(GetCommand, { TableName: 'Contacts' });
  });

  it('reveals the script and the contact details to the claimer only, after the claim', async () => {
    const before = await call('GET', `/tasks/${encodeURIComponent(task.taskId)}`, AMY);
    expect(JSON.parse(before.body)).toMatchObject({ task: { claimed: false, mine: false } });
    expect(before.body).not.toContain(PHONE);
    expect(before.body).not.toContain('Confirm identity');
    expect(ddb).not.toHaveReceivedCommandWith(GetCommand, { TableName: 'Contacts' });

    taskWith({ claimedBy: 'cognito:sub-amy' });
    const claimed = await call('POST', `/tasks/${encodeURIComponent(task.taskId)}/claim`, AMY);
    expect(claimed.statusCode).toBe(200);
    expect(ddb).toHaveReceivedCommandWith(UpdateCommand, {
      ExpressionAttributeValues: expect.objectContaining({ ':me': 'cognito:sub-amy' }),
    });
    expect(sfn).toHaveReceivedCommandWith(SendTaskHeartbeatCommand, { taskToken: 'secret-task-token' });
    const view = JSON.parse(claimed.body);
    expect(view.contact).toEqual({ name: 'Li Lei', phone: PHONE, email: 'li@example.com' });
    expect(view.script).toBe(task.script);
    expect(view.case.owed.totalMinor).toBeGreaterThan(0);
    expect(claimed.body).not.toContain('secret-task-token');

    // Bob works the same queue and sees the task held, and nothing of the borrower.
    const other = await call('GET', `/tasks/${encodeURIComponent(task.taskId)}`, BOB);
    expect(JSON.parse(other.body)).toMatchObject({ task: { claimed: true, mine: false } });
    expect(other.body).not.toContain(PHONE);
    expect(other.body).not.toContain('li@example.com');
    expect(other.body).not.toContain('Confirm identity');
    expect((await call('POST', `/tasks/${encodeURIComponent(task.taskId)}/claim`, BOB)).statusCode).toBe(409);
  });

  it('shows what the borrower wrote (a conversation item) to its claimer only', async () => {
    const item = {
      ...task,
      taskId: 'B-1#REPLY#r-1',
      queue: 'conversations',
      stage: 'REPLY',
      token: undefined,
      script: undefined,
      conversation: { itemId: 'r-1', channel: 'SMS', intent: 'UNKNOWN', loans: ['L-1'] },
    };
    ddb.on(GetCommand, { TableName: 'Tasks' }).resolves({ Item: item });
    ddb.on(GetCommand, { TableName: 'Conversations' }).resolves({
      Item: { borrowerId: 'B-1', itemId: 'r-1', channel: 'SMS', text: 'I lost my job', receivedAt: DAY },
    });
    const READER = { sub: 'sub-rae', 'cognito:groups': 'conversations' };
    const path = `/tasks/${encodeURIComponent(item.taskId)}`;
    expect((await call('GET', path, READER)).body).not.toContain('I lost my job');
    ddb.on(GetCommand, { TableName: 'Tasks' }).resolves({ Item: { ...item, claimedBy: 'cognito:sub-rae' } });
    const mine = JSON.parse((await call('POST', `${path}/claim`, READER)).body);
    expect(mine.conversation).toMatchObject({ available: true, channel: 'SMS', text: 'I lost my job' });
    const other = await call('GET', path, { sub: 'sub-sam', 'cognito:groups': 'conversations' });
    expect(other.body).not.toContain('I lost my job');
    // An agent without the conversations group does not see the item at all.
    expect((await call('GET', path, AMY)).statusCode).toBe(404);
  });

  it('completes with the work queue’s outcome schema: a malformed promise is a 400 naming the field', async () => {
    taskWith({ claimedBy: 'cognito:sub-amy' });
    const path = `/tasks/${encodeURIComponent(task.taskId)}/complete`;
    const bad = await call('POST', path, AMY, {
      body: { outcome: 'PROMISE_TO_PAY', promise: { amount: '12,50', date: '2026-12-20' } },
    });
    expect(bad.statusCode).toBe(400);
    expect(JSON.parse(bad.body).error).toMatch(/^promise\.amount: /);
    expect(sfn).not.toHaveReceivedCommand(SendTaskSuccessCommand);
    const good = await call('POST', path, AMY, {
      body: { outcome: 'PROMISE_TO_PAY', promise: { amount: '100.00', date: '2026-12-20' } },
    });
    expect(good.statusCode).toBe(200);
    expect(JSON.parse(sfn.commandCalls(SendTaskSuccessCommand)[0]?.args[0].input.output ?? '{}')).toEqual({
      outcome: 'PROMISE_TO_PAY',
      promise: { amount: '100.00', date: '2026-12-20' },
      taskId: task.taskId,
    });
    // Once done the task is no longer the caller's to see into: no contact details in the answer.
    taskWith({ claimedBy: 'cognito:sub-amy', status: 'DONE' });
    const after = await call('GET', `/tasks/${encodeURIComponent(task.taskId)}`, AMY);
    expect(after.body).not.toContain(PHONE);
  });
});
