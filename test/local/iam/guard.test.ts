/** The guard: AccessDenied errors shaped as the SDK throws them, grants that matter, and the middleware. */
import { AsyncLocalStorage } from 'node:async_hooks';
import { DynamoDBClient, DynamoDBServiceException } from '@aws-sdk/client-dynamodb';
import { AccessDeniedException as EventBridgeAccessDenied } from '@aws-sdk/client-eventbridge';
import { KMSServiceException } from '@aws-sdk/client-kms';
import { AccessDenied } from '@aws-sdk/client-s3';
import { SESv2ServiceException } from '@aws-sdk/client-sesv2';
import { SFNServiceException } from '@aws-sdk/client-sfn';
import { AuthorizationErrorException, PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { DeleteCommand, DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IamPolicyError } from '../../../local/iam/evaluate.js';
import { createIamGuard, type IamGuard } from '../../../local/iam/guard.js';
import type { PolicyStatement } from '../../../local/iam/policy.js';
import { UnmappedCommandError } from '../../../local/iam/requests.js';
import { loadStackIam, type StackIam } from '../../../local/iam/template.js';
import {
  createTables,
  LOCAL_CREDENTIALS,
  type LocalStore,
  startStore,
} from '../../../local/services/store.js';
import { ACCOUNT, REGION } from './reference.js';

const thrown = (f: () => void): Error & { $fault?: string; $metadata?: { httpStatusCode?: number } } => {
  try {
    f();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected an error');
};

describe('IAM guard', () => {
  let iam: StackIam;
  let guard: IamGuard;
  let user: (fn: keyof StackIam['functions']) => string;
  beforeAll(async () => {
    iam = await loadStackIam({ partition: 'aws', region: REGION, account: ACCOUNT });
    guard = await createIamGuard(iam, { stateMachineOfTaskToken: () => iam.stateMachines.default?.arn });
    user = (fn) => `User: arn:aws:sts::${ACCOUNT}:assumed-role/${iam.functions[fn].role.name}/${fn}`;
  });

  it('lets each function make the calls its role allows', () => {
    guard.check('stage', 'DynamoDBClient', 'PutItemCommand', {
      TableName: 'Cases',
      Item: { pk: 'B#1', sk: 'x' },
    });
    guard.check('stage', 'SNSClient', 'PublishCommand', { PhoneNumber: '+15550100', Message: 'x' });
    guard.check('stage', 'SESv2Client', 'SendEmailCommand', { FromEmailAddress: 'collections@example.com' });
    guard.check('stage', 'S3Client', 'PutObjectCommand', {
      Bucket: iam.evidenceBucket.name,
      Key: 'evidence/L1/1.json',
    });
    guard.check('inboundSms', 'DynamoDB', 'Query', { TableName: 'Contacts', IndexName: 'byPhone' });
    guard.check('intake', 'SFNClient', 'StartExecutionCommand', {
      stateMachineArn: iam.stateMachines.default?.arn,
    });
    guard.check('agentApi', 'SFNClient', 'SendTaskHeartbeatCommand', { taskToken: 't' });
    guard.check('audit', 'DynamoDBClient', 'ScanCommand', { TableName: 'Ledger' });
    // A segment of the daily audit Queries the chains and seals another segment's Scan holds.
    guard.check('audit', 'DynamoDBClient', 'QueryCommand', { TableName: 'Ledger' });
    guard.check('audit', 'DynamoDBClient', 'QueryCommand', { TableName: 'Seals' });
  });

  it('knows the ledger writer, the HMAC keys, the Seals table and the bus source condition', () => {
    const decide = (fn: keyof StackIam['functions'], action: string, resource: string, context = {}) =>
      guard.authorize(fn, { action, resource, context }).verdict;
    const writer = iam.functions.ledgerWriter.arn;
    const mac = { 'kms:MacAlgorithm': 'HMAC_SHA_256' };
    expect(decide('stage', 'lambda:InvokeFunction', writer)).toBe('Allowed');
    expect(decide('stage', 'lambda:InvokeFunction', `${writer}:1`)).toBe('ImplicitlyDenied');
    // The events function appends PROFILE records (BorrowerPreferencesChanged) through the writer; intake none.
    expect(decide('events', 'lambda:InvokeFunction', writer)).toBe('Allowed');
    expect(decide('intake', 'lambda:InvokeFunction', writer)).toBe('ImplicitlyDenied');
    expect(decide('ledgerWriter', 'kms:GenerateMac', iam.sealKey.arn, mac)).toBe('Allowed');
    expect(decide('stage', 'kms:GenerateMac', iam.sealKey.arn, mac)).toBe('ImplicitlyDenied');
    expect(decide('audit', 'kms:VerifyMac', iam.sealKey.arn, mac)).toBe('Allowed');
    expect(decide('audit', 'kms:GenerateMac', iam.sealKey.arn, mac)).toBe('ImplicitlyDenied');
    expect(decide('audit', 'dynamodb:PutItem', iam.tables.ledger.arn)).toBe('ImplicitlyDenied');
    expect(decide('audit', 'dynamodb:PutItem', iam.tables.seals.arn)).toBe('ImplicitlyDenied');
    expect(decide('intake', 'kms:GenerateMac', iam.lineKey.arn, mac)).toBe('Allowed');
    expect(decide('intake', 'kms:GenerateMac', iam.sealKey.arn, mac)).toBe('ImplicitlyDenied');
    expect(decide('ledgerWriter', 'dynamodb:PutItem', iam.tables.seals.arn)).toBe('Allowed');
    expect(decide('stage', 'dynamodb:PutItem', iam.tables.seals.arn)).toBe('ImplicitlyDenied');
    expect(decide('stage', 'dynamodb:PutItem', iam.tables.ledger.arn)).toBe('ImplicitlyDenied');
    expect(decide('agentApi', 'dynamodb:Query', iam.tables.cases.arn)).toBe('Allowed');
    const put = (sources: string[]) => ({ 'events:source': sources });
    expect(decide('stage', 'events:PutEvents', iam.bus.arn, put(['ladder']))).toBe('Allowed');
    expect(decide('events', 'events:PutEvents', iam.bus.arn, put(['ladder']))).toBe('Allowed');
    expect(decide('stage', 'events:PutEvents', iam.bus.arn, put(['lender.loans']))).toBe('ImplicitlyDenied');
    expect(decide('stage', 'events:PutEvents', iam.bus.arn, put(['ladder', 'x']))).toBe('ImplicitlyDenied');
    expect(decide('stage', 'events:PutEvents', iam.bus.arn)).toBe('ImplicitlyDenied');
  });

  it('throws DynamoDB AccessDeniedException (400) with the AWS message naming role, function, action, resource', () => {
    const error = thrown(() =>
      guard.check('stage', 'DynamoDBClient', 'DeleteItemCommand', {
        TableName: 'Contacts',
        Key: { borrowerId: 'b' },
      }),
    );
    expect(error).toBeInstanceOf(DynamoDBServiceException);
    expect(error.name).toBe('AccessDeniedException');
    expect(error.$fault).toBe('client');
    expect(error.$metadata?.httpStatusCode).toBe(400);
    expect(error.message).toBe(
      `${user('stage')} is not authorized to perform: dynamodb:DeleteItem on resource: ` +
        `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/Contacts because no identity-based policy allows the dynamodb:DeleteItem action`,
    );
  });

  it("throws each service's own denial: SNS AuthorizationErrorException (403), explicit deny", () => {
    const topic = iam.topics.alarm.arn;
    const error = thrown(() =>
      guard.check('stage', 'SNSClient', 'PublishCommand', { TopicArn: topic, Message: 'x' }),
    );
    expect(error).toBeInstanceOf(AuthorizationErrorException);
    expect(error.name).toBe('AuthorizationErrorException');
    expect(error.$metadata?.httpStatusCode).toBe(403);
    expect(error.message).toBe(
      `${user('stage')} is not authorized to perform: SNS:Publish on resource: ${topic} with an explicit deny in an identity-based policy`,
    );
  });

  it('throws SESv2 (403), EventBridge (400), S3 AccessDenied (403), Step Functions (400) and KMS (400) denials', () => {
    const cases: Array<[() => void, new (...args: never[]) => Error, string, number, string]> = [
      [
        () => guard.check('events', 'SESv2Client', 'SendEmailCommand', { FromEmailAddress: 'x@example.com' }),
        SESv2ServiceException,
        'AccessDeniedException',
        403,
        `ses:SendEmail on resource: arn:aws:ses:${REGION}:${ACCOUNT}:identity/example.com because`,
      ],
      [
        () =>
          guard.check('intake', 'EventBridgeClient', 'PutEventsCommand', {
            Entries: [{ EventBusName: iam.bus.name }],
          }),
        EventBridgeAccessDenied,
        'AccessDeniedException',
        400,
        `events:PutEvents on resource: ${iam.bus.arn} because`,
      ],
      [
        () =>
          guard.check('stage', 'S3Client', 'GetObjectCommand', {
            Bucket: iam.evidenceBucket.name,
            Key: 'evidence/a',
          }),
        AccessDenied,
        'AccessDenied',
        403,
        `s3:GetObject on resource: "arn:aws:s3:::${iam.evidenceBucket.name}/evidence/a" because`,
      ],
      [
        () => guard.check('events', 'SFNClient', 'SendTaskHeartbeatCommand', { taskToken: 't' }),
        SFNServiceException,
        'AccessDeniedException',
        400,
        `states:SendTaskHeartbeat on resource: ${iam.stateMachines.default?.arn} because`,
      ],
      [
        () => guard.check('intake', 'KMSClient', 'EncryptCommand', { KeyId: iam.contactKey.arn }),
        KMSServiceException,
        'AccessDeniedException',
        400,
        `kms:Encrypt on resource: ${iam.contactKey.arn} because no identity-based policy allows`,
      ],
    ];
    for (const [call, type, name, status, text] of cases) {
      const error = thrown(call);
      expect(error).toBeInstanceOf(type);
      expect([error.name, error.$fault, error.$metadata?.httpStatusCode]).toEqual([name, 'client', status]);
      expect(error.message).toContain(text);
    }
  });

  it('denies a key its key policy does not delegate, naming the resource-based policy', async () => {
    const key = iam.keys[iam.caseKey.arn];
    if (!key) throw new Error('no case key');
    const grantsDecrypt = { Effect: 'Allow', Action: 'kms:Decrypt', Resource: key.arn } as const;
    const edited = withStatements(iam, 'audit', (s) => [...s, grantsDecrypt]);
    const keysWithoutDelegation = Object.fromEntries(
      Object.entries(edited.keys).map(([arn, k]) => [
        arn,
        { ...k, policy: k.policy.filter((s) => s.Action !== 'kms:*') },
      ]),
    );
    const strict = await createIamGuard({ ...edited, keys: keysWithoutDelegation });
    (await createIamGuard(edited)).check('audit', 'KMSClient', 'DecryptCommand', { KeyId: key.keyId });
    const error = thrown(() => strict.check('audit', 'KMSClient', 'DecryptCommand', { KeyId: key.keyId }));
    expect(error.message).toContain('because no resource-based policy allows the kms:Decrypt action');
  });

  it('turns a removed grant into AccessDenied naming the function, the action and the resource', async () => {
    const call = () =>
      guard.check('stage', 'DynamoDBClient', 'GetItemCommand', {
        TableName: 'Contacts',
        Key: { borrowerId: 'b' },
      });
    call();
    const edited = withStatements(iam, 'stage', (s) => s.filter((st) => st.Action !== 'dynamodb:GetItem'));
    const withoutGrant = await createIamGuard(edited);
    const error = thrown(() =>
      withoutGrant.check('stage', 'DynamoDBClient', 'GetItemCommand', {
        TableName: 'Contacts',
        Key: { borrowerId: 'b' },
      }),
    );
    expect(error.name).toBe('AccessDeniedException');
    expect(error.message).toMatch(
      /assumed-role\/[^/]+\/stage is not authorized to perform: dynamodb:GetItem/,
    );
    expect(error.message).toContain(`on resource: arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/Contacts`);
  });

  it('never names the phone number of a refused SMS (AWS would: the local error and logs do not)', async () => {
    const phone = '+8613800138000';
    const edited = withStatements(iam, 'stage', (s) => s.filter((st) => st.Sid !== 'SendSms'));
    const withoutSms = await createIamGuard(edited);
    const error = thrown(() =>
      withoutSms.check('stage', 'SNSClient', 'PublishCommand', { PhoneNumber: phone, Message: 'x' }),
    );
    expect(error).toBeInstanceOf(AuthorizationErrorException);
    expect(error.message).toContain('SNS:Publish on resource: * because');
    expect(JSON.stringify({ ...error, message: error.message, stack: error.stack })).not.toContain(phone);
  });

  it('refuses, when created, a role policy with an action that does not exist', async () => {
    const typo = withStatements(iam, 'stage', (s) => [
      ...s,
      { Effect: 'Allow', Action: 'dynamodb:PutItemm', Resource: '*' },
    ]);
    await expect(createIamGuard(typo)).rejects.toThrow(IamPolicyError);
    await expect(createIamGuard(typo)).rejects.toThrow(/dynamodb:PutItemm/);
  });

  it('refuses an unmapped command and an unknown function', () => {
    expect(() => guard.check('stage', 'DynamoDBClient', 'TransactWriteItemsCommand', {})).toThrow(
      UnmappedCommandError,
    );
    expect(() => guard.check('nobody', 'DynamoDBClient', 'GetItemCommand', {})).toThrow(
      /"nobody" is not a function/,
    );
  });

  it('decides repeated calls from its cache (a local run makes hundreds of thousands)', () => {
    const start = performance.now();
    for (let i = 0; i < 50_000; i += 1) {
      guard.check('stage', 'DynamoDBClient', 'PutItemCommand', {
        TableName: 'Cases',
        Item: { pk: `B#${i}`, sk: 'x' },
      });
    }
    expect(performance.now() - start).toBeLessThan(2_000);
  });

  describe('as SDK middleware, with the real clients and the local store', () => {
    let store: LocalStore;
    const invocation = new AsyncLocalStorage<string>();
    let doc: DynamoDBDocumentClient;
    beforeAll(async () => {
      store = await startStore();
      const config = { endpoint: store.endpoint, region: 'local', credentials: LOCAL_CREDENTIALS };
      await createTables(new DynamoDBClient(config));
      const client = new DynamoDBClient(config);
      client.middlewareStack.use(guard.middleware(() => invocation.getStore()));
      doc = DynamoDBDocumentClient.from(client);
    });
    afterAll(() => store.close());

    it("checks the current function's calls and leaves the runtime's own calls alone", async () => {
      await invocation.run('intake', () =>
        doc.send(new PutCommand({ TableName: 'Contacts', Item: { borrowerId: 'b-1' } })),
      );
      await expect(
        invocation.run('stage', () =>
          doc.send(new DeleteCommand({ TableName: 'Contacts', Key: { borrowerId: 'b-1' } })),
        ),
      ).rejects.toThrow(
        /stage is not authorized to perform: dynamodb:DeleteItem on resource: .*table\/Contacts/,
      );
      // Outside any invocation (the runtime reading results): not checked.
      const read = await doc.send(new GetCommand({ TableName: 'Contacts', Key: { borrowerId: 'b-1' } }));
      expect(read.Item).toEqual({ borrowerId: 'b-1' });
    });

    it('stops a denied call before it leaves the process', async () => {
      const sns = new SNSClient({
        endpoint: 'http://127.0.0.1:9',
        region: 'local',
        credentials: LOCAL_CREDENTIALS,
      });
      sns.middlewareStack.use(guard.middleware(() => invocation.getStore()));
      const publish = new PublishCommand({ TopicArn: iam.topics.inboundSms.arn, Message: 'x' });
      await expect(invocation.run('stage', () => sns.send(publish))).rejects.toBeInstanceOf(
        AuthorizationErrorException,
      );
    });
  });
});

/** A copy of `iam` whose `fn` role has `edit(statements)` as its only policy. */
function withStatements(
  iam: StackIam,
  fn: keyof StackIam['functions'],
  edit: (statements: PolicyStatement[]) => PolicyStatement[],
): StackIam {
  const copy = structuredClone(iam) as StackIam;
  const role = copy.functions[fn].role;
  const statements = edit(role.policies.flatMap((p) => [...p.statements]));
  return {
    ...copy,
    functions: {
      ...copy.functions,
      [fn]: {
        ...copy.functions[fn],
        role: { ...role, policies: [{ name: 'edited', kind: 'inline', statements }] },
      },
    },
  };
}
