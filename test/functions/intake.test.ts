import {
  ConditionalCheckFailedException,
  ProvisionedThroughputExceededException,
} from '@aws-sdk/client-dynamodb';
import { ExecutionAlreadyExists, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { SfnStarter } from '../../functions/adapters/workflow.js';
import { bundledPolicies } from '../../functions/domain/policies.js';
import { createIntakeCore } from '../../functions/intake/core.js';
import { buildIntakeHandler } from '../../functions/intake/handler.js';
import {
  borrowerRows,
  db,
  EMAIL,
  fixedClock,
  lambdaContext,
  loanDelinquent,
  PHONE,
  stores,
} from './fixtures.js';

const ddb = mockClient(db);
const sfn = mockClient(SFNClient);
const deps = () => ({
  cases: stores.cases,
  contacts: stores.contacts,
  starter: new SfnStarter(new SFNClient({ region: 'us-east-1' }), {
    default: 'arn:aws:states:us-east-1:1:stateMachine:default',
    'early-call': 'arn:aws:states:us-east-1:1:stateMachine:early-call',
  }),
  clock: fixedClock('2026-12-06T00:00:00Z'),
  policies: bundledPolicies(),
});

afterEach(() => {
  ddb.reset();
  sfn.reset();
});

describe('intake', () => {
  it('stores contact, profile and case, and starts one execution named loan+cycle whose input has no contact details', async () => {
    ddb.on(QueryCommand).resolves({ Items: [] });
    ddb.on(PutCommand).resolves({});
    sfn.on(StartExecutionCommand).resolves({ executionArn: 'arn' });

    const result = await createIntakeCore(deps())(loanDelinquent);

    expect(result).toEqual({ executionName: 'L-1-c1', started: true, newCase: true });
    expect(ddb).toHaveReceivedCommandWith(PutCommand, {
      TableName: 'Contacts',
      Item: { borrowerId: 'B-1', name: 'Wang Fang', phone: PHONE, email: EMAIL },
    });
    expect(ddb).toHaveReceivedCommandWith(PutCommand, {
      TableName: 'Cases',
      ConditionExpression: 'attribute_not_exists(pk)',
    });
    const caseWrites = ddb.commandCalls(PutCommand).filter((c) => c.args[0].input.TableName === 'Cases');
    expect(JSON.stringify(caseWrites.map((c) => c.args[0].input))).not.toMatch(
      /13800138000|wang\.fang|Wang Fang/,
    );
    const start = sfn.commandCalls(StartExecutionCommand)[0]?.args[0].input;
    expect(start?.name).toBe('L-1-c1');
    expect(start?.input).not.toContain(PHONE);
    expect(start?.input).not.toContain(EMAIL);
    expect(JSON.parse(start?.input ?? '{}')).toMatchObject({
      loanId: 'L-1',
      borrowerId: 'B-1',
      cycle: 1,
      step: { stage: '', resumeStage: '' },
    });
  });

  it('a repeated event writes no new case and starts nothing new', async () => {
    ddb.on(QueryCommand).resolves({ Items: borrowerRows() });
    ddb.on(PutCommand).resolves({});
    sfn.on(StartExecutionCommand).rejects(new ExecutionAlreadyExists({ message: 'exists', $metadata: {} }));

    const result = await createIntakeCore(deps())(loanDelinquent);

    expect(result).toEqual({ executionName: 'L-1-c1', started: false, newCase: false });
    const caseWrites = ddb
      .commandCalls(PutCommand)
      .filter((c) => String(c.args[0].input.Item?.sk ?? '').startsWith('CASE#'));
    expect(caseWrites).toHaveLength(0);
  });

  it('a concurrent duplicate (conditional check fails on the case) still starts the same execution, once', async () => {
    ddb.on(QueryCommand).resolves({ Items: [] });
    ddb.on(PutCommand).resolves({});
    ddb
      .on(PutCommand, { TableName: 'Cases', Item: { sk: 'CASE#L-1#1' } } as never)
      .rejects(new ConditionalCheckFailedException({ message: 'exists', $metadata: {} }));
    sfn.on(StartExecutionCommand).resolves({ executionArn: 'arn' });

    const result = await createIntakeCore(deps())(loanDelinquent);

    expect(result.newCase).toBe(false);
    expect(sfn).toHaveReceivedCommandTimes(StartExecutionCommand, 1);
  });

  it('DynamoDB throttling becomes TransientError (retried) and starts nothing', async () => {
    ddb.on(QueryCommand).resolves({ Items: [] });
    ddb
      .on(PutCommand)
      .rejects(new ProvisionedThroughputExceededException({ message: 'slow down', $metadata: {} }));
    await expect(createIntakeCore(deps())(loanDelinquent)).rejects.toMatchObject({ name: 'TransientError' });
    expect(sfn).not.toHaveReceivedCommand(StartExecutionCommand);
  });

  it('bad input is a ValidationError naming the field, never echoing the value, and writes nothing', async () => {
    const handler = buildIntakeHandler(deps());
    const bad = { ...loanDelinquent, borrower: { ...loanDelinquent.borrower, phone: '138 0013 8000' } };
    const error = await handler(
      { 'detail-type': 'LoanDelinquent', detail: bad } as never,
      lambdaContext,
    ).catch((e: Error) => e);
    expect(error).toMatchObject({ name: 'ValidationError' });
    expect((error as Error).message).toMatch(/borrower\.phone/);
    expect((error as Error).message).not.toContain('138 0013 8000');
    expect(ddb.calls()).toHaveLength(0);
    expect(sfn.calls()).toHaveLength(0);
  });
});

describe('intake from the queue (SQS batches)', () => {
  const record = (id: string, detail: unknown) => ({
    messageId: id,
    body: JSON.stringify({ 'detail-type': 'LoanDelinquent', source: 'upstream', detail }),
  });

  it('takes each good event and reports only the failed ones back, by message id', async () => {
    ddb.on(QueryCommand).resolves({ Items: [] });
    ddb.on(PutCommand).resolves({});
    sfn.on(StartExecutionCommand).resolves({ executionArn: 'arn' });
    const handler = buildIntakeHandler(deps());
    const bad = { ...loanDelinquent, borrower: { ...loanDelinquent.borrower, phone: 'not a phone' } };

    const response = await handler(
      {
        Records: [record('m-1', loanDelinquent), record('m-2', bad), { messageId: 'm-3', body: '{' }],
      } as never,
      lambdaContext,
    );

    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'm-2' }, { itemIdentifier: 'm-3' }] });
    expect(sfn).toHaveReceivedCommandTimes(StartExecutionCommand, 1);
    expect(sfn).toHaveReceivedCommandWith(StartExecutionCommand, { name: 'L-1-c1' });
  });

  it('a throttled start is reported back for redelivery, not lost', async () => {
    ddb.on(QueryCommand).resolves({ Items: [] });
    ddb.on(PutCommand).resolves({});
    sfn
      .on(StartExecutionCommand)
      .rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));
    const response = await buildIntakeHandler(deps())(
      { Records: [record('m-1', loanDelinquent)] } as never,
      lambdaContext,
    );
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'm-1' }] });
  });
});
