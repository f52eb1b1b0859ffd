import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { SendTaskHeartbeatCommand, SendTaskSuccessCommand, SFNClient } from '@aws-sdk/client-sfn';
import { GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SfnCallbacks } from '../../functions/adapters/workflow.js';
import { buildAgentApiHandler } from '../../functions/agent-api/handler.js';
import { db, lambdaContext, stores } from './fixtures.js';

const ddb = mockClient(db);
const sfn = mockClient(SFNClient);
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
const handler = buildAgentApiHandler({
  tasks: stores.tasks,
  callbacks: new SfnCallbacks(new SFNClient({ region: 'us-east-1' })),
});
const call = (httpMethod: string, path: string, body?: unknown, queue?: string) =>
  handler(
    {
      httpMethod,
      path,
      body: body === undefined ? null : JSON.stringify(body),
      queryStringParameters: queue ? { queue } : null,
    } as never,
    lambdaContext,
  );

beforeEach(() => {
  ddb.on(GetCommand).resolves({ Item: task });
  ddb.on(QueryCommand).resolves({ Items: [task] });
  ddb.on(UpdateCommand).resolves({});
  sfn.on(SendTaskSuccessCommand).resolves({});
  sfn.on(SendTaskHeartbeatCommand).resolves({});
});
afterEach(() => {
  ddb.reset();
  sfn.reset();
});

describe('agent work-queue API', () => {
  it('lists open tasks of a queue without their callback tokens', async () => {
    const response = await call('GET', '/tasks', undefined, 'agent-calls');
    expect(response.statusCode).toBe(200);
    expect(JSON.parse(response.body)).toEqual([
      expect.objectContaining({ taskId: task.taskId, stage: 'D+7' }),
    ]);
    expect(response.body).not.toContain('secret-task-token');
  });

  it('claim sends a heartbeat to the waiting execution', async () => {
    const response = await call('POST', `/tasks/${encodeURIComponent(task.taskId)}/claim`);
    expect(response.statusCode).toBe(200);
    expect(sfn).toHaveReceivedCommandWith(SendTaskHeartbeatCommand, { taskToken: 'secret-task-token' });
  });

  it('complete records the task done and returns the outcome to the execution, keeping a visit report out of it', async () => {
    const response = await call('POST', `/tasks/${encodeURIComponent(task.taskId)}/complete`, {
      outcome: 'PROMISE_TO_PAY',
      promise: { amount: '100.00', date: '2026-12-24' },
    });
    expect(response.statusCode).toBe(200);
    expect(ddb).toHaveReceivedCommandWith(UpdateCommand, { ConditionExpression: '#s = :open' });
    const output = JSON.parse(sfn.commandCalls(SendTaskSuccessCommand)[0]?.args[0].input.output ?? '{}');
    expect(output).toEqual({
      outcome: 'PROMISE_TO_PAY',
      promise: { amount: '100.00', date: '2026-12-24' },
      taskId: task.taskId,
    });

    await call('POST', `/tasks/${encodeURIComponent(task.taskId)}/complete`, {
      outcome: 'VISIT_REPORTED',
      report: 'Lives at 1 Main St',
    });
    const visit = JSON.parse(sfn.commandCalls(SendTaskSuccessCommand)[1]?.args[0].input.output ?? '{}');
    expect(JSON.stringify(visit)).not.toContain('Main St');
  });

  it('a task completed by someone else first is a 409; a bad outcome a 400 naming the field; an unknown queue a 400', async () => {
    ddb.on(UpdateCommand).rejects(new ConditionalCheckFailedException({ message: 'done', $metadata: {} }));
    expect((await call('POST', `/tasks/x/complete`, { outcome: 'REACHED' })).statusCode).toBe(409);
    const bad = await call('POST', `/tasks/x/complete`, { outcome: 'PROMISE_TO_PAY' });
    expect(bad.statusCode).toBe(400);
    expect(JSON.parse(bad.body).error).toMatch(/promise/);
    expect((await call('GET', '/tasks', undefined, 'nope')).statusCode).toBe(400);
    expect(sfn).not.toHaveReceivedCommand(SendTaskSuccessCommand);
  });
});
