/** SDK command → IAM request(s), with the expected ARNs written out (never computed by the code under test). */
import { describe, expect, it } from 'vitest';
import {
  iamRequests,
  type RequestEnvironment,
  UnmappedCommandError,
  UnresolvableRequestError,
} from '../../../local/iam/requests.js';

const KEY = 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const MACHINE = 'arn:aws:states:eu-west-1:111122223333:stateMachine:Ladder';
const env: RequestEnvironment = {
  partition: 'aws',
  region: 'eu-west-1',
  account: '111122223333',
  tables: {
    Cases: { partitionKey: 'pk', indexes: { byLoan: 'loanId' } },
    Contacts: { partitionKey: 'borrowerId', indexes: { byPhone: 'phone' } },
  },
  kmsAliases: { 'alias/ladder-mac': KEY },
  stateMachineOfTaskToken: (token) => (token === 'token-1' ? MACHINE : undefined),
};
const map = (client: string, command: string, input: unknown) => iamRequests(env, client, command, input);

describe('DynamoDB', () => {
  it('maps item calls to the table ARN with the partition key as dynamodb:LeadingKeys', () => {
    expect(
      map('DynamoDBClient', 'PutItemCommand', {
        TableName: 'Cases',
        Item: { pk: 'BORROWER#1', sk: 'PROFILE' },
      }),
    ).toEqual([
      {
        action: 'dynamodb:PutItem',
        resource: 'arn:aws:dynamodb:eu-west-1:111122223333:table/Cases',
        context: { 'dynamodb:LeadingKeys': ['BORROWER#1'] },
      },
    ]);
    // DynamoDB's own wire form (a DynamoDBClient command without the document client) too.
    expect(map('DynamoDB', 'GetItem', { TableName: 'Contacts', Key: { borrowerId: { S: 'b-7' } } })).toEqual([
      {
        action: 'dynamodb:GetItem',
        resource: 'arn:aws:dynamodb:eu-west-1:111122223333:table/Contacts',
        context: { 'dynamodb:LeadingKeys': ['b-7'] },
      },
    ]);
    expect(
      map('DynamoDBClient', 'UpdateItemCommand', { TableName: 'Cases', Key: { pk: 'B#2', sk: 'x' } })[0],
    ).toMatchObject({
      action: 'dynamodb:UpdateItem',
    });
    expect(
      map('DynamoDBClient', 'DeleteItemCommand', { TableName: 'Contacts', Key: { borrowerId: 'b' } })[0],
    ).toMatchObject({
      action: 'dynamodb:DeleteItem',
      resource: 'arn:aws:dynamodb:eu-west-1:111122223333:table/Contacts',
    });
  });

  it('maps Query with IndexName to the index ARN, LeadingKeys from the index partition key term', () => {
    const input = {
      TableName: 'Contacts',
      IndexName: 'byPhone',
      KeyConditionExpression: 'phone = :phone',
      ExpressionAttributeValues: { ':phone': '+15550100' },
    };
    expect(map('DynamoDBClient', 'QueryCommand', input)).toEqual([
      {
        action: 'dynamodb:Query',
        resource: 'arn:aws:dynamodb:eu-west-1:111122223333:table/Contacts/index/byPhone',
        context: { 'dynamodb:LeadingKeys': ['+15550100'] },
      },
    ]);
    const byName = {
      TableName: 'Cases',
      KeyConditionExpression: '#pk = :pk AND begins_with(sk, :case)',
      ExpressionAttributeNames: { '#pk': 'pk' },
      ExpressionAttributeValues: { ':pk': 'BORROWER#1', ':case': 'CASE#' },
    };
    expect(map('DynamoDBClient', 'QueryCommand', byName)[0]?.context).toEqual({
      'dynamodb:LeadingKeys': ['BORROWER#1'],
    });
  });

  it('marks LeadingKeys undetermined where it cannot be read, and sets none for Scan (as AWS)', () => {
    const opaque = {
      TableName: 'Cases',
      KeyConditionExpression: 'begins_with(pk, :p)',
      ExpressionAttributeValues: {},
    };
    expect(map('DynamoDBClient', 'QueryCommand', opaque)[0]).toEqual({
      action: 'dynamodb:Query',
      resource: 'arn:aws:dynamodb:eu-west-1:111122223333:table/Cases',
      undetermined: ['dynamodb:LeadingKeys'],
    });
    expect(map('DynamoDBClient', 'ScanCommand', { TableName: 'Ledger' })).toEqual([
      { action: 'dynamodb:Scan', resource: 'arn:aws:dynamodb:eu-west-1:111122223333:table/Ledger' },
    ]);
  });

  it('maps batch calls to one request per table', () => {
    const write = {
      RequestItems: {
        Cases: [
          { PutRequest: { Item: { pk: 'B#1', sk: 'a' } } },
          { DeleteRequest: { Key: { pk: 'B#2', sk: 'b' } } },
        ],
        'arn:aws:dynamodb:eu-west-1:111122223333:table/Contacts': [
          { DeleteRequest: { Key: { borrowerId: 'b-1' } } },
        ],
      },
    };
    expect(map('DynamoDBClient', 'BatchWriteItemCommand', write)).toEqual([
      {
        action: 'dynamodb:BatchWriteItem',
        resource: 'arn:aws:dynamodb:eu-west-1:111122223333:table/Cases',
        context: { 'dynamodb:LeadingKeys': ['B#1', 'B#2'] },
      },
      {
        action: 'dynamodb:BatchWriteItem',
        resource: 'arn:aws:dynamodb:eu-west-1:111122223333:table/Contacts',
        context: { 'dynamodb:LeadingKeys': ['b-1'] },
      },
    ]);
    const get = { RequestItems: { Contacts: { Keys: [{ borrowerId: 'b-1' }, { borrowerId: 'b-1' }] } } };
    expect(map('DynamoDBClient', 'BatchGetItemCommand', get)).toEqual([
      {
        action: 'dynamodb:BatchGetItem',
        resource: 'arn:aws:dynamodb:eu-west-1:111122223333:table/Contacts',
        context: { 'dynamodb:LeadingKeys': ['b-1'] },
      },
    ]);
  });
});

describe('messaging, events, evidence', () => {
  it('maps SNS Publish to a phone number to *, to a topic to its ARN', () => {
    expect(map('SNSClient', 'PublishCommand', { PhoneNumber: '+15550100', Message: 'hi' })).toEqual([
      { action: 'sns:Publish', resource: '*' },
    ]);
    const topic = 'arn:aws:sns:eu-west-1:111122223333:alarms';
    expect(map('SNSClient', 'PublishCommand', { TopicArn: topic, Message: 'x' })).toEqual([
      { action: 'sns:Publish', resource: topic },
    ]);
  });

  it("maps SESv2 SendEmail to the From domain's identity, and the configuration set when named", () => {
    const input = {
      FromEmailAddress: 'Ladder <collections@example.com>',
      Destination: { ToAddresses: ['b@example.org'] },
      ConfigurationSetName: 'ladder',
    };
    const context = {
      'ses:FromAddress': 'collections@example.com',
      'ses:Recipients': ['b@example.org'],
      'ses:ApiVersion': '2',
    };
    expect(map('SESv2Client', 'SendEmailCommand', input)).toEqual([
      {
        action: 'ses:SendEmail',
        resource: 'arn:aws:ses:eu-west-1:111122223333:identity/example.com',
        context,
      },
      {
        action: 'ses:SendEmail',
        resource: 'arn:aws:ses:eu-west-1:111122223333:configuration-set/ladder',
        context,
      },
    ]);
  });

  it('maps SESv2 SendEmail with a sending-authorization identity to that identity', () => {
    const identity = 'arn:aws:ses:eu-west-1:444455556666:identity/lender.example';
    expect(map('SESv2Client', 'SendEmailCommand', { FromEmailAddressIdentityArn: identity })).toEqual([
      {
        action: 'ses:SendEmail',
        resource: identity,
        context: { 'ses:Recipients': [], 'ses:ApiVersion': '2' },
      },
    ]);
    expect(() => map('SESv2Client', 'SendEmailCommand', {})).toThrow(UnresolvableRequestError);
  });

  it('maps EventBridge PutEvents to one request per bus (by name or ARN), with the sets of sources and detail-types', () => {
    const input = {
      Entries: [
        { EventBusName: 'LadderBus', Source: 'ladder', DetailType: 'AgencyPlacement', Detail: '{}' },
        {
          EventBusName: 'arn:aws:events:eu-west-1:111122223333:event-bus/other',
          Source: 's',
          DetailType: 'd',
        },
        { Source: 'ladder', DetailType: 'LegalHandoff' },
        { EventBusName: 'LadderBus', Source: 'lender.loans', DetailType: 'AgencyPlacement' },
      ],
    };
    expect(map('EventBridgeClient', 'PutEventsCommand', input)).toEqual([
      {
        action: 'events:PutEvents',
        resource: 'arn:aws:events:eu-west-1:111122223333:event-bus/LadderBus',
        context: { 'events:source': ['ladder', 'lender.loans'], 'events:detail-type': ['AgencyPlacement'] },
      },
      {
        action: 'events:PutEvents',
        resource: 'arn:aws:events:eu-west-1:111122223333:event-bus/other',
        context: { 'events:source': ['s'], 'events:detail-type': ['d'] },
      },
      {
        action: 'events:PutEvents',
        resource: 'arn:aws:events:eu-west-1:111122223333:event-bus/default',
        context: { 'events:source': ['ladder'], 'events:detail-type': ['LegalHandoff'] },
      },
    ]);
  });

  it('maps S3 object calls to the object ARN', () => {
    expect(
      map('S3Client', 'PutObjectCommand', { Bucket: 'evidence', Key: 'evidence/L1/1.json', Body: '{}' }),
    ).toEqual([{ action: 's3:PutObject', resource: 'arn:aws:s3:::evidence/evidence/L1/1.json' }]);
    expect(map('S3', 'GetObject', { Bucket: 'evidence', Key: 'a b.md' })).toEqual([
      { action: 's3:GetObject', resource: 'arn:aws:s3:::evidence/a b.md' },
    ]);
  });

  it('a PutObject naming its KMS key also asks KMS for a data key as the caller, through S3', () => {
    const key = 'arn:aws:kms:eu-west-1:111122223333:key/k-1';
    expect(
      map('S3Client', 'PutObjectCommand', { Bucket: 'evidence', Key: 'd/L1/x.pdf', SSEKMSKeyId: key }),
    ).toEqual([
      { action: 's3:PutObject', resource: 'arn:aws:s3:::evidence/d/L1/x.pdf' },
      {
        action: 'kms:GenerateDataKey',
        resource: key,
        context: { 'kms:CallerAccount': '111122223333', 'kms:ViaService': 's3.eu-west-1.amazonaws.com' },
      },
    ]);
  });
});

describe('Step Functions and KMS', () => {
  it('maps StartExecution and DescribeExecution to their ARNs, task responses to the issuing state machine', () => {
    expect(map('SFNClient', 'StartExecutionCommand', { stateMachineArn: MACHINE, name: 'L1-1' })).toEqual([
      { action: 'states:StartExecution', resource: MACHINE },
    ]);
    const execution = 'arn:aws:states:eu-west-1:111122223333:execution:Ladder:L1-1';
    expect(map('SFNClient', 'DescribeExecutionCommand', { executionArn: execution })).toEqual([
      { action: 'states:DescribeExecution', resource: execution },
    ]);
    for (const command of ['SendTaskSuccess', 'SendTaskFailure', 'SendTaskHeartbeat']) {
      expect(map('SFNClient', `${command}Command`, { taskToken: 'token-1', output: '{}' })).toEqual([
        { action: `states:${command}`, resource: MACHINE },
      ]);
    }
    expect(() => map('SFNClient', 'SendTaskSuccessCommand', { taskToken: 'unknown' })).toThrow(
      UnresolvableRequestError,
    );
  });

  it('maps KMS KeyId given as ARN, id, alias name or alias ARN to the key ARN', () => {
    const forms = [
      KEY,
      '1234abcd-12ab-34cd-56ef-1234567890ab',
      'alias/ladder-mac',
      'arn:aws:kms:eu-west-1:111122223333:alias/ladder-mac',
    ];
    for (const KeyId of forms) {
      expect(
        map('KMSClient', 'GenerateMacCommand', { KeyId, MacAlgorithm: 'HMAC_SHA_256', Message: 'x' }),
      ).toEqual([
        {
          action: 'kms:GenerateMac',
          resource: KEY,
          context: { 'kms:CallerAccount': '111122223333', 'kms:MacAlgorithm': 'HMAC_SHA_256' },
        },
      ]);
    }
    expect(
      map('KMSClient', 'EncryptCommand', { KeyId: KEY, EncryptionContext: { loan: 'L1' } })[0]?.context,
    ).toEqual({
      'kms:CallerAccount': '111122223333',
      'kms:EncryptionContext:loan': 'L1',
      'kms:EncryptionContextKeys': ['loan'],
    });
    expect(() => map('KMSClient', 'SignCommand', { KeyId: 'alias/missing' })).toThrow(
      /alias\/missing does not exist/,
    );
    expect(() => map('KMSClient', 'DecryptCommand', { CiphertextBlob: new Uint8Array() })).toThrow(
      UnresolvableRequestError,
    );
  });
});

it('refuses a command it does not map, naming it', () => {
  expect(() => map('DynamoDBClient', 'TransactWriteItemsCommand', {})).toThrow(UnmappedCommandError);
  expect(() => map('DynamoDBClient', 'TransactWriteItemsCommand', {})).toThrow(
    /DynamoDBClient TransactWriteItems/,
  );
  expect(() => map('LambdaClient', 'InvokeAsyncCommand', {})).toThrow(/LambdaClient InvokeAsync/);
});

describe('Lambda', () => {
  const WRITER = 'arn:aws:lambda:eu-west-1:111122223333:function:writer';
  it('maps Invoke to lambda:InvokeFunction on the function ARN, from a name, a partial or a full ARN', () => {
    for (const FunctionName of ['writer', '111122223333:function:writer', WRITER]) {
      expect(map('LambdaClient', 'InvokeCommand', { FunctionName })).toEqual([
        { action: 'lambda:InvokeFunction', resource: WRITER },
      ]);
    }
  });

  it('authorizes a qualified invocation on the qualified ARN', () => {
    expect(map('Lambda', 'Invoke', { FunctionName: 'writer', Qualifier: 'live' })).toEqual([
      { action: 'lambda:InvokeFunction', resource: `${WRITER}:live` },
    ]);
    expect(map('Lambda', 'Invoke', { FunctionName: `${WRITER}:3`, Qualifier: '3' })).toEqual([
      { action: 'lambda:InvokeFunction', resource: `${WRITER}:3` },
    ]);
    expect(() => map('Lambda', 'Invoke', {})).toThrow('Invoke without FunctionName');
  });
});
