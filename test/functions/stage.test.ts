import {
  ConditionalCheckFailedException,
  ProvisionedThroughputExceededException,
} from '@aws-sdk/client-dynamodb';
import { SESv2Client, SendEmailCommand, TooManyRequestsException } from '@aws-sdk/client-sesv2';
import { SFNClient } from '@aws-sdk/client-sfn';
import { PublishCommand, SNSClient, ThrottledException } from '@aws-sdk/client-sns';
import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AwsMessaging } from '../../functions/adapters/messaging.js';
import { metrics } from '../../functions/adapters/powertools.js';
import { SfnContinuer } from '../../functions/adapters/workflow.js';
import { verifyChain } from '../../functions/domain/ledger.js';
import { bundledPolicies, policyRegistry } from '../../functions/domain/policies.js';
import { createStageCore } from '../../functions/stage/core.js';
import { buildStageHandler } from '../../functions/stage/handler.js';
import defaultPolicy from '../../policies/default.json' with { type: 'json' };
import {
  borrowerRows,
  db,
  EMAIL,
  firstStep,
  fixedClock,
  kase,
  lambdaContext,
  ledgerWriter,
  PHONE,
  profile,
  stores,
} from './fixtures.js';

const ddb = mockClient(db);
const sns = mockClient(SNSClient);
const ses = mockClient(SESv2Client);
const published: string[] = [];
const deps = (at = '2026-12-11T01:00:00Z') => ({
  ...stores,
  writer: ledgerWriter(fixedClock(at)),
  messaging: new AwsMessaging(
    new SNSClient({ region: 'us-east-1' }),
    new SESv2Client({ region: 'us-east-1' }),
    'collections@example.com',
  ),
  bus: { publish: async (type: string) => void published.push(type) },
  clock: fixedClock(at),
  policies: bundledPolicies(),
  evidence: { put: async (key: string) => ({ json: `mem:${key}.json`, document: `mem:${key}.md` }) },
  continuer: new SfnContinuer(new SFNClient({ region: 'us-east-1' })),
});
const request = (stage: string) => ({
  action: 'RUN_STAGE',
  stage,
  loanId: 'L-1',
  borrowerId: 'B-1',
  cycle: 1,
  policyId: 'default',
  step: firstStep,
});

beforeEach(() => {
  ddb.on(QueryCommand).resolves({ Items: borrowerRows() });
  ddb.on(GetCommand).resolves({ Item: { borrowerId: 'B-1', name: '王芳', phone: PHONE, email: EMAIL } });
  ddb.on(PutCommand).resolves({});
});
afterEach(() => {
  ddb.reset();
  sns.reset();
  ses.reset();
  published.length = 0;
});

describe('stage executor', () => {
  it("D+1 sends SMS and e-mail in the borrower's locale, records one chained ledger record, and points at D+3", async () => {
    sns.on(PublishCommand).resolves({ MessageId: 'sms-1' });
    ses.on(SendEmailCommand).resolves({ MessageId: 'mail-1' });

    const step = await createStageCore(deps())(request('D+1'));

    expect(step).toMatchObject({
      outcome: 'NEXT',
      stage: 'D+1',
      wakeAt: '2026-12-13T01:00:00.000Z',
      ledger: { seq: 1 },
    });
    expect(sns).toHaveReceivedCommandWith(PublishCommand, { PhoneNumber: PHONE });
    const sms = sns.commandCalls(PublishCommand)[0]?.args[0].input.Message ?? '';
    expect(sms).toContain('¥1,200.00');
    expect(sms).toContain('https://pay.example.com/loans/L-1');
    expect(ses).toHaveReceivedCommandWith(SendEmailCommand, { Destination: { ToAddresses: [EMAIL] } });
    const record = ddb.commandCalls(PutCommand).find((c) => c.args[0].input.TableName === 'Ledger')
      ?.args[0].input;
    expect(record?.TableName).toBe('Ledger');
    expect(record?.ConditionExpression).toBe('attribute_not_exists(seq)');
    expect(record?.Item?.attempts).toEqual([
      expect.objectContaining({
        channel: 'SMS',
        status: 'SENT',
        providerRef: 'sms-1',
        templateId: 'first-overdue',
      }),
      expect.objectContaining({ channel: 'EMAIL', status: 'SENT', providerRef: 'mail-1' }),
    ]);
    expect(verifyChain([record?.Item as never])).toEqual({ ok: true, records: 1 });
    expect(JSON.stringify(record)).not.toMatch(/13800138000|wang\.fang|王芳/);
    expect(ddb).toHaveReceivedCommandTimes(QueryCommand, 1);
    expect(ddb).toHaveReceivedCommandTimes(GetCommand, 1);
    // Idempotency costs a first-time step nothing: Query, the day's send slots taken (one voice per
    // borrower: one conditional PutItem of the profile, before anything is sent), GetItem, the record's
    // PutItem and its seal's, and a note per message of which loan it belongs to (its delivery report
    // names only the message).
    const calls = ddb.calls().map((c) => c.args[0] as { constructor: { name: string }; input: object });
    expect(calls.map((c) => [c.constructor.name, (c.input as { TableName?: string }).TableName])).toEqual([
      ['QueryCommand', 'Cases'],
      ['PutCommand', 'Cases'],
      ['GetCommand', 'Contacts'],
      ['PutCommand', 'Ledger'],
      ['PutCommand', 'Seals'],
      ['PutCommand', 'Cases'],
      ['PutCommand', 'Cases'],
    ]);
  });

  it('with requireVerifiedContactPoints, an unverified phone is BLOCKED and recorded, a verified e-mail is sent', async () => {
    ses.on(SendEmailCommand).resolves({ MessageId: 'mail-2' });
    ddb.on(QueryCommand).resolves({
      Items: borrowerRows(kase, {
        ...profile,
        contactPoints: { SMS: { verified: false }, EMAIL: { verified: true } },
      }),
    });
    const strict = policyRegistry([{ ...defaultPolicy, requireVerifiedContactPoints: true }]);
    await createStageCore({ ...deps(), policies: strict })(request('D+1'));
    expect(sns).not.toHaveReceivedCommand(PublishCommand);
    const record = ddb.commandCalls(PutCommand).find((c) => c.args[0].input.TableName === 'Ledger')
      ?.args[0].input;
    expect(record?.Item?.attempts).toEqual([
      { channel: 'SMS', status: 'BLOCKED', reason: 'UNVERIFIED_CONTACT_POINT' },
      expect.objectContaining({ channel: 'EMAIL', status: 'SENT', providerRef: 'mail-2' }),
    ]);
  });

  it('a cured case is not contacted: the execution ends Cured without reading contact details', async () => {
    ddb.on(QueryCommand).resolves({ Items: borrowerRows({ ...kase, status: 'CURED', paidMinor: 120000 }) });
    const step = await createStageCore(deps())(request('D+3'));
    expect(step.outcome).toBe('CURED');
    expect(ddb).not.toHaveReceivedCommand(GetCommand);
    expect(sns).not.toHaveReceivedCommand(PublishCommand);
  });

  it('when every channel is throttled nothing was sent: TransientError, so the state machine retries the step', async () => {
    sns.on(PublishCommand).rejects(new ThrottledException({ message: 'slow', $metadata: {} }));
    ses.on(SendEmailCommand).rejects(new TooManyRequestsException({ message: 'slow', $metadata: {} }));
    await expect(createStageCore(deps())(request('D+1'))).rejects.toMatchObject({ name: 'TransientError' });
    // Nothing recorded: the only writes are the day's send slots taken and given back (one voice).
    const tables = ddb.commandCalls(PutCommand).map((c) => c.args[0].input.TableName);
    expect(tables.filter((t) => t !== 'Cases')).toEqual([]);
  });

  it('a failed channel with a FIRST_OPEN stage falls back to the next one and records both', async () => {
    sns
      .on(PublishCommand)
      .rejects(Object.assign(new Error('bad number'), { name: 'InvalidParameterException' }));
    ses.on(SendEmailCommand).resolves({ MessageId: 'mail-2' });
    const step = await createStageCore(deps('2026-12-13T01:00:00Z'))(request('D+3'));
    expect(step.outcome).toBe('NEXT');
    expect(
      ddb.commandCalls(PutCommand).find((c) => c.args[0].input.TableName === 'Ledger')?.args[0].input.Item
        ?.attempts,
    ).toEqual([
      expect.objectContaining({ channel: 'SMS', status: 'FAILED', reason: 'InvalidParameterException' }),
      expect.objectContaining({ channel: 'EMAIL', status: 'SENT' }),
    ]);
  });

  it('a race on the ledger record (conditional check fails) is ConcurrentUpdateError, which the state machine retries', async () => {
    sns.on(PublishCommand).resolves({ MessageId: 'sms-1' });
    ses.on(SendEmailCommand).resolves({ MessageId: 'mail-1' });
    ddb.on(PutCommand).rejects(new ConditionalCheckFailedException({ message: 'exists', $metadata: {} }));
    await expect(createStageCore(deps())(request('D+1'))).rejects.toMatchObject({
      name: 'ConcurrentUpdateError',
    });
  });

  it('outside contact hours the stage is DEFERRED to 08:00 local and recorded', async () => {
    const step = await createStageCore(deps('2026-12-11T14:30:00Z'))(request('D+1')); // 22:30 in Shanghai
    expect(step).toMatchObject({ outcome: 'WAIT', wakeAt: '2026-12-12T00:00:00.000Z' });
    expect(
      ddb.commandCalls(PutCommand).find((c) => c.args[0].input.TableName === 'Ledger')?.args[0].input.Item
        ?.attempts,
    ).toEqual([
      expect.objectContaining({ channel: 'SMS', status: 'DEFERRED', reason: 'CN_CONTACT_HOURS' }),
      expect.objectContaining({ channel: 'EMAIL', status: 'DEFERRED', reason: 'CN_CONTACT_HOURS' }),
    ]);
    expect(sns).not.toHaveReceivedCommand(PublishCommand);
  });

  it('agency placement publishes an event with identifiers and balance only', async () => {
    const step = await createStageCore(deps('2027-02-08T01:00:00Z'))(request('D+60'));
    expect(step.outcome).toBe('NEXT');
    expect(published).toEqual(['AgencyPlacementRequested']);
  });

  it('the Lambda handler counts attempts as the metrics the alarms read (SendFailures, ContactsSent)', async () => {
    sns
      .on(PublishCommand)
      .rejects(Object.assign(new Error('bad number'), { name: 'InvalidParameterException' }));
    ses.on(SendEmailCommand).resolves({ MessageId: 'mail-3' });
    const added = vi.spyOn(metrics, 'addMetric');
    await buildStageHandler(deps())(request('D+1'), lambdaContext);
    const names = added.mock.calls.map(([name]) => name);
    expect(names).toEqual(expect.arrayContaining(['SendFailures', 'ContactsSent', 'OutcomeNEXT']));
    added.mockRestore();
  });

  it('bad input through the Lambda handler: ValidationError, nothing read', async () => {
    const handler = buildStageHandler(deps());
    await expect(handler({ action: 'RUN_STAGE' }, lambdaContext)).rejects.toMatchObject({
      name: 'ValidationError',
    });
    expect(ddb.calls()).toHaveLength(0);
  });
});

describe('stage executor: a retried step never sends twice', () => {
  /** The borrower partition as DynamoDB would return it: the rows plus any receipt written since. */
  const partition = () => {
    const receipts = ddb
      .commandCalls(PutCommand)
      .map((c) => c.args[0].input.Item)
      .filter((item) => String(item?.sk ?? '').startsWith('RECEIPT#'));
    return { Items: [...borrowerRows(), ...receipts] };
  };
  const ledgerPuts = () => ddb.commandCalls(PutCommand).filter((c) => c.args[0].input.TableName === 'Ledger');
  /** The first ledger write is throttled (after the sends), the next ones succeed. */
  const ledgerThrottledOnce = () =>
    ddb
      .on(PutCommand, { TableName: 'Ledger' })
      .rejectsOnce(new ProvisionedThroughputExceededException({ message: 'slow down', $metadata: {} }))
      .resolves({});

  beforeEach(() => {
    ddb.on(QueryCommand, { TableName: 'Cases' }).callsFake(partition);
    ddb.on(QueryCommand, { TableName: 'Ledger' }).resolves({ Items: [] });
    sns.on(PublishCommand).resolves({ MessageId: 'sms-1' });
    ses.on(SendEmailCommand).resolves({ MessageId: 'mail-1' });
  });

  it('sent, then the ledger write failed: the retry records what was sent, with its provider ids, and sends nothing', async () => {
    ledgerThrottledOnce();
    const core = createStageCore(deps());

    await expect(core(request('D+1'))).rejects.toMatchObject({ name: 'TransientError' });
    const step = await core({ ...request('D+1'), retryCount: 1 });

    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 1);
    expect(ses).toHaveReceivedCommandTimes(SendEmailCommand, 1);
    expect(step).toMatchObject({ outcome: 'NEXT', stage: 'D+1', ledger: { seq: 1 } });
    const [failed, stored] = ledgerPuts().map((c) => c.args[0].input.Item);
    expect(stored?.attempts).toEqual([
      expect.objectContaining({ channel: 'SMS', status: 'SENT', providerRef: 'sms-1' }),
      expect.objectContaining({ channel: 'EMAIL', status: 'SENT', providerRef: 'mail-1' }),
    ]);
    // The same record, at the time of the sends, so the chain and the contact-hours audit hold.
    expect(stored).toEqual(failed);
    expect(verifyChain([stored as never])).toEqual({ ok: true, records: 1 });
  });

  it('the same request again (no retry count, the receipt alone) still sends nothing', async () => {
    ledgerThrottledOnce();
    const core = createStageCore(deps());
    await expect(core(request('D+1'))).rejects.toMatchObject({ name: 'TransientError' });
    await core(request('D+1'));
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 1);
    expect(ledgerPuts()).toHaveLength(2);
  });

  it('sent, recorded on the retry, then that answer was lost: the next retry takes the record over the receipt', async () => {
    // The receipt stays after its record is written; a step that treated it as unrecorded would
    // append again, or (a plan's instalment already settled) return the old head, and spin.
    ledgerThrottledOnce();
    const core = createStageCore(deps());
    await expect(core(request('D+1'))).rejects.toMatchObject({ name: 'TransientError' });
    const second = await core({ ...request('D+1'), retryCount: 1 });
    const record = ledgerPuts()[1]?.args[0].input.Item;
    ddb.on(QueryCommand, { TableName: 'Ledger' }).resolves({ Items: [record as never] });

    const third = await core(request('D+1'));

    expect(third).toEqual(second);
    expect(third.ledger.seq).toBe(1);
    expect(ledgerPuts()).toHaveLength(2);
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 1);
  });

  it('recorded, then the answer was lost: the retry reads the record, sends nothing, writes nothing, and returns the same step', async () => {
    const core = createStageCore(deps());
    const first = await core(request('D+1'));
    const record = ledgerPuts()[0]?.args[0].input.Item;
    ddb.on(QueryCommand, { TableName: 'Ledger' }).resolves({ Items: [record as never] });

    const again = await core({ ...request('D+1'), retryCount: 1 });

    expect(again).toEqual(first);
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 1);
    expect(ses).toHaveReceivedCommandTimes(SendEmailCommand, 1);
    expect(ledgerPuts()).toHaveLength(1);
  });

  it('a record at the next seq that is not this step is a real conflict: ConcurrentUpdateError', async () => {
    const core = createStageCore(deps());
    await core(request('D+1'));
    const other = { ...ledgerPuts()[0]?.args[0].input.Item, stage: 'D+3' };
    ddb.on(QueryCommand, { TableName: 'Ledger' }).resolves({ Items: [other as never] });
    ddb
      .on(PutCommand, { TableName: 'Ledger' })
      .rejects(new ConditionalCheckFailedException({ message: 'exists', $metadata: {} }));
    await expect(core({ ...request('D+1'), retryCount: 1 })).rejects.toMatchObject({
      name: 'ConcurrentUpdateError',
    });
  });

  it('when the retries run out, the failure recorder writes the sent messages before the failure', async () => {
    ledgerThrottledOnce();
    const core = createStageCore(deps());
    await expect(core(request('D+1'))).rejects.toMatchObject({ name: 'TransientError' });

    const step = await core({
      ...request('D+1'),
      action: 'RECORD_FAILURE',
      error: { Error: 'TransientError' },
    });

    expect(step.outcome).toBe('CLOSED');
    const records = ledgerPuts()
      .slice(1)
      .map((c) => c.args[0].input.Item);
    expect(records.map((r) => [r?.seq, r?.type])).toEqual([
      [1, 'CONTACT'],
      [2, 'FAILURE'],
    ]);
    expect(verifyChain(records as never)).toEqual({ ok: true, records: 2 });
    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 1);
  });
});

describe('stage executor: issue 11 regressions', () => {
  const ledgerPuts = () => ddb.commandCalls(PutCommand).filter((c) => c.args[0].input.TableName === 'Ledger');

  it('Record failure after a step that wrote its own record appends after that record, not over it', async () => {
    sns.on(PublishCommand).resolves({ MessageId: 'sms-1' });
    ses.on(SendEmailCommand).resolves({ MessageId: 'mail-1' });
    // The failed step (D+1) wrote seq 1, then failed; the execution's state still says seq 0.
    await createStageCore(deps())(request('D+1'));
    const own = ledgerPuts()[0]?.args[0].input.Item;
    ddb.on(QueryCommand, { TableName: 'Ledger' }).resolves({ Items: [own as never] });

    const step = await createStageCore(deps())({
      ...request('D+1'),
      action: 'RECORD_FAILURE',
      error: { Error: 'States.TaskFailed' },
    });

    const failure = ledgerPuts()[1]?.args[0].input.Item;
    expect([failure?.seq, failure?.type, failure?.prevHash]).toEqual([2, 'FAILURE', own?.hash]);
    expect(verifyChain([own, failure] as never)).toEqual({ ok: true, records: 2 });
    expect(step.ledger).toEqual({ seq: 2, hash: failure?.hash });
  });

  it('a hardship offer passes the verified-contact rule like any notice: an unverified e-mail is not used', async () => {
    ddb.on(QueryCommand, { TableName: 'Cases' }).resolves({
      Items: borrowerRows(kase, {
        ...profile,
        optOuts: { SMS: '2026-12-01T00:00:00Z' },
        contactPoints: { SMS: { verified: true }, EMAIL: { verified: false } },
      }),
    });
    const strict = policyRegistry([{ ...defaultPolicy, requireVerifiedContactPoints: true }]);
    await createStageCore({ ...deps('2026-12-17T01:30:00Z'), policies: strict })({
      ...request('D+7'),
      action: 'RECORD_HUMAN_OUTCOME',
      taskResult: { outcome: 'HARDSHIP', taskId: 'L-1#1#D+7#0' },
    });
    expect(ses).not.toHaveReceivedCommand(SendEmailCommand);
    expect(sns).not.toHaveReceivedCommand(PublishCommand);
    expect(ledgerPuts()[0]?.args[0].input.Item?.attempts).toEqual([
      { channel: 'CALL', status: 'SENT', outcome: 'HARDSHIP', providerRef: 'L-1#1#D+7#0' },
      { channel: 'SMS', status: 'BLOCKED', reason: 'OPTED_OUT_SMS' },
      { channel: 'EMAIL', status: 'BLOCKED', reason: 'UNVERIFIED_CONTACT_POINT' },
    ]);
  });
});
