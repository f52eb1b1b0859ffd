import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import {
  ConditionalCheckFailedException,
  DescribeTableCommand,
  DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { InternalErrorException, PublishCommand, SNSClient, ThrottledException } from '@aws-sdk/client-sns';
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TABLE_ENV, TABLES } from '../../functions/adapters/tables.js';
import {
  type LocalServices,
  localAwsEnv,
  startLocalServices,
  startStore,
} from '../../local/services/index.js';

const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
const region = 'local';

function sendEmail(to: string, subject: string) {
  return new SendEmailCommand({
    FromEmailAddress: 'collections@lender.example',
    Destination: { ToAddresses: [to] },
    Content: {
      Simple: { Subject: { Data: subject }, Body: { Text: { Data: 'Your payment is 7 days late.' } } },
    },
  });
}

describe('local services', () => {
  let services: LocalServices;
  let ddb: DynamoDBClient;
  let doc: DynamoDBDocumentClient;
  let sns: SNSClient;
  let ses: SESv2Client;

  beforeAll(async () => {
    services = await startLocalServices({ quiet: true });
    ddb = new DynamoDBClient({ endpoint: services.endpoints.dynamodb, region, credentials });
    doc = DynamoDBDocumentClient.from(ddb);
    sns = new SNSClient({ endpoint: services.endpoints.sns, region, credentials, maxAttempts: 1 });
    ses = new SESv2Client({ endpoint: services.endpoints.sesv2, region, credentials, maxAttempts: 1 });
  });

  afterAll(async () => {
    ddb?.destroy();
    sns?.destroy();
    ses?.destroy();
    await services?.close();
  });

  describe('store', () => {
    it('creates every table with its keys and GSIs (their projections, on demand)', async () => {
      const cases = (await ddb.send(new DescribeTableCommand({ TableName: 'Cases' }))).Table;
      expect(cases?.TableStatus).toBe('ACTIVE');
      expect(cases?.KeySchema).toEqual([
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ]);
      expect(cases?.BillingModeSummary?.BillingMode).toBe('PAY_PER_REQUEST');
      expect(cases?.GlobalSecondaryIndexes).toHaveLength(1);
      expect(cases?.GlobalSecondaryIndexes?.[0]).toMatchObject({
        IndexName: 'byLoan',
        KeySchema: [
          { AttributeName: 'loanId', KeyType: 'HASH' },
          { AttributeName: 'sk', KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      });

      const ledger = (await ddb.send(new DescribeTableCommand({ TableName: 'Ledger' }))).Table;
      expect(ledger?.KeySchema).toEqual([
        { AttributeName: 'ledgerId', KeyType: 'HASH' },
        { AttributeName: 'seq', KeyType: 'RANGE' },
      ]);
      expect(ledger?.AttributeDefinitions).toContainEqual({ AttributeName: 'seq', AttributeType: 'N' });
      expect(ledger?.GlobalSecondaryIndexes ?? []).toHaveLength(0);

      const contacts = (await ddb.send(new DescribeTableCommand({ TableName: 'Contacts' }))).Table;
      expect(contacts?.KeySchema).toEqual([{ AttributeName: 'borrowerId', KeyType: 'HASH' }]);
      expect(contacts?.GlobalSecondaryIndexes?.[0]).toMatchObject({
        IndexName: 'byPhone',
        KeySchema: [{ AttributeName: 'phone', KeyType: 'HASH' }],
        Projection: { ProjectionType: 'KEYS_ONLY' },
      });

      const tasks = (await ddb.send(new DescribeTableCommand({ TableName: 'Tasks' }))).Table;
      expect(tasks?.GlobalSecondaryIndexes?.[0]).toMatchObject({
        IndexName: 'openByQueue',
        KeySchema: [
          { AttributeName: 'openQueue', KeyType: 'HASH' },
          { AttributeName: 'openedAt', KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      });

      const seals = (await ddb.send(new DescribeTableCommand({ TableName: 'Seals' }))).Table;
      expect(seals?.KeySchema).toEqual([
        { AttributeName: 'ledgerId', KeyType: 'HASH' },
        { AttributeName: 'seq', KeyType: 'RANGE' },
      ]);
    });

    it('answers a GSI query', async () => {
      await doc.send(
        new PutCommand({
          TableName: 'Cases',
          Item: { pk: 'BORROWER#b-gsi', sk: 'CASE#L-9#1', loanId: 'L-9' },
        }),
      );
      const { Items } = await doc.send(
        new QueryCommand({
          TableName: 'Cases',
          IndexName: 'byLoan',
          KeyConditionExpression: 'loanId = :l',
          ExpressionAttributeValues: { ':l': 'L-9' },
        }),
      );
      expect(Items).toEqual([{ pk: 'BORROWER#b-gsi', sk: 'CASE#L-9#1', loanId: 'L-9' }]);
    });

    it('rejects a second conditional put with ConditionalCheckFailedException', async () => {
      const put = () =>
        doc.send(
          new PutCommand({
            TableName: 'Ledger',
            Item: { ledgerId: 'L-1#1', seq: 1, decision: 'sms' },
            ConditionExpression: 'attribute_not_exists(ledgerId)',
          }),
        );
      await put();
      await expect(put()).rejects.toBeInstanceOf(ConditionalCheckFailedException);
    });

    it('keeps data on disk across a restart', async () => {
      const dataDir = join(await mkdtemp(join(tmpdir(), 'ladder-store-')), 'db');
      try {
        const first = await startStore({ dataDir });
        const firstDdb = new DynamoDBClient({ endpoint: first.endpoint, region, credentials });
        const firstClient = DynamoDBDocumentClient.from(firstDdb);
        await firstClient.send(
          new PutCommand({ TableName: 'Contacts', Item: { borrowerId: 'b-1', phone: '+15550100' } }),
        );
        firstDdb.destroy();
        await first.close();

        const second = await startStore({ dataDir });
        const secondDdb = new DynamoDBClient({ endpoint: second.endpoint, region, credentials });
        const secondClient = DynamoDBDocumentClient.from(secondDdb);
        const { Item } = await secondClient.send(
          new GetCommand({ TableName: 'Contacts', Key: { borrowerId: 'b-1' } }),
        );
        secondDdb.destroy();
        await second.close();
        expect(Item).toEqual({ borrowerId: 'b-1', phone: '+15550100' });
      } finally {
        await rm(dirname(dataDir), { recursive: true, force: true });
      }
    });
  });

  describe('SMS sink', () => {
    it('puts a publish in the outbox with phone number, message and attributes', async () => {
      services.sms.clear();
      const { MessageId } = await sns.send(
        new PublishCommand({
          PhoneNumber: '+15550123',
          Message: 'Your payment of $120.00 is due.',
          MessageAttributes: { 'AWS.SNS.SMS.SMSType': { DataType: 'String', StringValue: 'Transactional' } },
        }),
      );
      const outbox = services.sms.outbox();
      expect(outbox).toHaveLength(1);
      expect(outbox[0]).toMatchObject({
        messageId: MessageId,
        phoneNumber: '+15550123',
        message: 'Your payment of $120.00 is due.',
        attributes: { 'AWS.SNS.SMS.SMSType': 'Transactional' },
      });
      const viaHttp = (await (await fetch(`${services.endpoints.sns}/outbox`)).json()) as unknown[];
      expect(viaHttp).toHaveLength(1);
      await fetch(`${services.endpoints.sns}/clear`, { method: 'POST' });
      expect(services.sms.outbox()).toHaveLength(0);
    });

    it('fails with Throttling, then InternalError, when faults are injected', async () => {
      services.sms.clear();
      services.sms.injectFaults({ throttleNext: 1, failNext: 1 });
      const publish = () => sns.send(new PublishCommand({ PhoneNumber: '+15550123', Message: 'hi' }));
      await expect(publish()).rejects.toMatchObject({
        name: 'Throttling',
        $metadata: { httpStatusCode: 400 },
      });
      await expect(publish()).rejects.toBeInstanceOf(InternalErrorException);
      await publish();
      expect(services.sms.outbox()).toHaveLength(1);
    });

    it("throttles as SNS's modelled ThrottledException when asked", async () => {
      services.sms.injectFaults({ throttleNext: 1, throttleAs: 'Throttled' });
      await expect(
        sns.send(new PublishCommand({ PhoneNumber: '+15550123', Message: 'hi' })),
      ).rejects.toBeInstanceOf(ThrottledException);
    });

    it('lets the SDK retry through an injected failure', async () => {
      services.sms.clear();
      services.sms.injectFaults({ failNext: 1 });
      const retrying = new SNSClient({
        endpoint: services.endpoints.sns,
        region,
        credentials,
        maxAttempts: 2,
      });
      try {
        await retrying.send(new PublishCommand({ PhoneNumber: '+15550123', Message: 'retry' }));
      } finally {
        retrying.destroy();
      }
      expect(services.sms.outbox().map((m) => m.message)).toEqual(['retry']);
    });
  });

  describe('email', () => {
    it('stores a sent message', async () => {
      await services.email.clear();
      const { MessageId } = await ses.send(sendEmail('borrower@example.com', 'Payment reminder'));
      const messages = await services.email.messages();
      expect(messages).toHaveLength(1);
      expect(messages[0]).toMatchObject({
        messageId: MessageId,
        from: 'collections@lender.example',
        destination: { to: ['borrower@example.com'] },
        subject: 'Payment reminder',
        body: { text: 'Your payment is 7 days late.' },
      });
      const inbox = await fetch(services.endpoints.inbox);
      expect(inbox.status).toBe(200);
      expect(inbox.headers.get('content-type')).toContain('text/html');
      await inbox.body?.cancel();
    });

    it('fails with TooManyRequestsException when throttling is injected', async () => {
      await services.email.clear();
      services.email.injectFaults({ throttleNext: 1 });
      await expect(ses.send(sendEmail('borrower@example.com', 'x'))).rejects.toMatchObject({
        name: 'TooManyRequestsException',
        $metadata: { httpStatusCode: 429 },
      });
      await ses.send(sendEmail('borrower@example.com', 'y'));
      expect((await services.email.messages()).map((m) => m.subject)).toEqual(['y']);
    });
  });

  describe('localAwsEnv', () => {
    it('points SDK clients created without an endpoint at the local services', async () => {
      const env = localAwsEnv(services);
      expect(env[TABLE_ENV.cases]).toBe(TABLES.cases.id);
      const saved = { ...process.env };
      // Make sure nothing from the developer's shell or ~/.aws decides the outcome.
      for (const key of Object.keys(process.env)) {
        if (key.startsWith('AWS_')) delete process.env[key];
      }
      Object.assign(process.env, env, {
        AWS_CONFIG_FILE: '/nonexistent',
        AWS_SHARED_CREDENTIALS_FILE: '/nonexistent',
      });
      const envDdb = new DynamoDBClient({});
      const envDoc = DynamoDBDocumentClient.from(envDdb);
      const envSns = new SNSClient({});
      const envSes = new SESv2Client({});
      try {
        services.sms.clear();
        await services.email.clear();
        const table = process.env[TABLE_ENV.tasks];
        await envDoc.send(new PutCommand({ TableName: table, Item: { taskId: 't-env', queue: 'agents' } }));
        const { Item } = await envDoc.send(new GetCommand({ TableName: table, Key: { taskId: 't-env' } }));
        expect(Item).toEqual({ taskId: 't-env', queue: 'agents' });

        await envSns.send(new PublishCommand({ PhoneNumber: '+15550199', Message: 'via env' }));
        expect(services.sms.outbox().map((m) => [m.phoneNumber, m.message])).toEqual([
          ['+15550199', 'via env'],
        ]);

        await envSes.send(sendEmail('env@example.com', 'via env'));
        expect((await services.email.messages()).map((m) => m.destination.to)).toEqual([['env@example.com']]);
      } finally {
        envDdb.destroy();
        envSns.destroy();
        envSes.destroy();
        for (const key of Object.keys(process.env)) {
          if (!(key in saved)) delete process.env[key];
        }
        Object.assign(process.env, saved);
      }
    });
  });
});
