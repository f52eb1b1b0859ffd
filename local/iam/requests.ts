/**
 * Which IAM request(s) AWS authorizes for an AWS SDK v3 command: action, resource ARN and the condition
 * context that is cheap to know. A command that is not mapped throws UnmappedCommandError, so a new SDK
 * call in a function cannot slip past the local IAM check.
 *
 * Choices:
 * - DynamoDB: Query/Scan with IndexName are authorized on the index ARN. `dynamodb:LeadingKeys` is set
 *   from the partition key value of the item, key(s) or the `=` term of the KeyConditionExpression (for
 *   an index query: the index's partition key); Scan carries none, as on AWS. Where the value cannot be
 *   read, the key is marked undetermined: a policy conditioned on it then throws instead of guessing.
 * - SNS Publish to a PhoneNumber: resource `*` (SMS has no ARN; AWS names the phone number in its
 *   error, which we keep out of local errors and logs). TopicArn/TargetArn: that ARN.
 * - SESv2 SendEmail: the domain identity of the From address (the stack grants and verifies domains;
 *   SES authorizes the address identity instead only where that address is itself a verified identity),
 *   or FromEmailAddressIdentityArn when given; plus the configuration set's ARN when one is named.
 * - Step Functions SendTask*: the state machine ARN of the execution that issued the token. iam-data
 *   lists these actions as resource-less, but Step Functions authorizes them against the state machine
 *   (its AccessDenied names it) and CDK's grantTaskResponse grants on it; the token is opaque, so the
 *   runtime tells which state machine issued it.
 * - EventBridge PutEvents: `events:source` and `events:detail-type` are multivalued (one value per
 *   entry), so a plain StringEquals on them never matches: the policy needs ForAllValues.
 * - Lambda Invoke: lambda:InvokeFunction on the function's ARN from a name, a partial or a full ARN;
 *   qualified (`:alias` or `:version`, in the name or as Qualifier) when the call is, as Lambda
 *   authorizes a qualified invocation on the qualified ARN only.
 * - KMS KeyId as key ARN, key id or alias (name or ARN): aliases resolve to the key ARN through the
 *   stack's AWS::KMS::Alias resources (IAM authorizes cryptographic operations on the key); an unknown
 *   alias throws, as KMS answers NotFound.
 */
import type { ContextValue, IamRequest } from './evaluate.js';
import type { StackIam } from './template.js';

export class UnmappedCommandError extends Error {
  override readonly name = 'UnmappedCommandError';
}
/** The call names no resource the local runtime can work out (KMS Decrypt without KeyId, ...). */
export class UnresolvableRequestError extends Error {
  override readonly name = 'UnresolvableRequestError';
}

export interface RequestEnvironment {
  readonly partition: string;
  readonly region: string;
  readonly account: string;
  /** By local table name: the partition key attribute of the table and of each index. */
  readonly tables: Readonly<
    Record<string, { partitionKey: string; indexes: Readonly<Record<string, string>> }>
  >;
  /** Key ARN by alias name (`alias/...`). */
  readonly kmsAliases: Readonly<Record<string, string>>;
  /** The ARN of the state machine whose execution issued `taskToken`; undefined if unknown. */
  readonly stateMachineOfTaskToken?: (taskToken: string) => string | undefined;
}

export function requestEnvironment(
  stackIam: StackIam,
  options: Pick<RequestEnvironment, 'stateMachineOfTaskToken'> = {},
): RequestEnvironment {
  const tables = Object.values(stackIam.tables).map((t) => [
    t.name,
    {
      partitionKey: t.partitionKey,
      indexes: Object.fromEntries(Object.entries(t.indexes).map(([name, i]) => [name, i.partitionKey])),
    },
  ]);
  const kmsAliases = Object.values(stackIam.keys).flatMap((k) => k.aliases.map((alias) => [alias, k.arn]));
  return {
    partition: stackIam.partition,
    region: stackIam.region,
    account: stackIam.account,
    tables: Object.fromEntries(tables),
    kmsAliases: Object.fromEntries(kmsAliases),
    ...options,
  };
}

type Input = Record<string, unknown>;
type Mapper = (input: Input, env: RequestEnvironment) => IamRequest[];

const LEADING_KEYS = 'dynamodb:LeadingKeys';
const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
const records = (value: unknown): Input[] => (Array.isArray(value) ? (value as Input[]) : []);
const regional = (env: RequestEnvironment, service: string, resource: string) =>
  `arn:${env.partition}:${service}:${env.region}:${env.account}:${resource}`;

function required(input: Input, field: string, command: string): string {
  const value = text(input[field]);
  if (value === undefined) throw new UnresolvableRequestError(`${command} without ${field}`);
  return value;
}

/** A key attribute's value, from the document client's plain form or DynamoDB's `{ S | N }` form. */
function keyValue(value: unknown): string | undefined {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'bigint')
    return String(value);
  const entries = value && typeof value === 'object' ? Object.entries(value) : [];
  const [type, inner] = entries.length === 1 ? (entries[0] ?? []) : [];
  return (type === 'S' || type === 'N') && typeof inner === 'string' ? inner : undefined;
}

/** A table name or table ARN to the table's ARN and local name. */
function table(env: RequestEnvironment, nameOrArn: string): { arn: string; name: string } {
  if (!nameOrArn.startsWith('arn:'))
    return { arn: regional(env, 'dynamodb', `table/${nameOrArn}`), name: nameOrArn };
  return { arn: nameOrArn, name: nameOrArn.slice(nameOrArn.indexOf(':table/') + ':table/'.length) };
}

/** dynamodb:LeadingKeys from partition key values (undetermined if any cannot be read). */
function leadingKeys(values: unknown[], attribute: string | undefined): Partial<IamRequest> {
  const keys = attribute === undefined ? [undefined] : values.map(keyValue);
  if (keys.some((k) => k === undefined)) return { undetermined: [LEADING_KEYS] };
  return { context: { [LEADING_KEYS]: [...new Set(keys as string[])] } };
}

/** The value compared with `=` to `attribute` in a KeyConditionExpression (or legacy KeyConditions). */
function keyConditionValue(input: Input, attribute: string | undefined): unknown {
  const names = (input.ExpressionAttributeNames ?? {}) as Record<string, string>;
  const values = (input.ExpressionAttributeValues ?? {}) as Record<string, unknown>;
  const expression = text(input.KeyConditionExpression);
  if (expression === undefined) {
    const legacy = (input.KeyConditions as Record<string, Input> | undefined)?.[attribute ?? ''];
    return legacy?.ComparisonOperator === 'EQ' ? records(legacy.AttributeValueList)[0] : undefined;
  }
  const terms = expression.matchAll(/([#\w.]+)\s*=\s*(:\w+)|(:\w+)\s*=\s*([#\w.]+)/g);
  for (const [, left, leftValue, rightValue, right] of terms) {
    const operand = left ?? right ?? '';
    if ((operand.startsWith('#') ? names[operand] : operand) === attribute) {
      return values[leftValue ?? rightValue ?? ''];
    }
  }
  return undefined;
}

function itemRequest(action: string, field: 'Key' | 'Item'): Mapper {
  return (input, env) => {
    const { arn, name } = table(env, required(input, 'TableName', action));
    const attribute = env.tables[name]?.partitionKey;
    const item = (input[field] ?? {}) as Input;
    return [
      { action: `dynamodb:${action}`, resource: arn, ...leadingKeys([item[attribute ?? '']], attribute) },
    ];
  };
}

function readRequest(action: 'Query' | 'Scan'): Mapper {
  return (input, env) => {
    const { arn, name } = table(env, required(input, 'TableName', action));
    const index = text(input.IndexName);
    const resource = index === undefined ? arn : `${arn}/index/${index}`;
    if (action === 'Scan') return [{ action: 'dynamodb:Scan', resource }];
    const keys = env.tables[name];
    const attribute = index === undefined ? keys?.partitionKey : keys?.indexes[index];
    return [
      {
        action: 'dynamodb:Query',
        resource,
        ...leadingKeys([keyConditionValue(input, attribute)], attribute),
      },
    ];
  };
}

/** Batch operations: one request per table, with every partition key of that table's part. */
function batchRequest(action: 'BatchGetItem' | 'BatchWriteItem'): Mapper {
  return (input, env) =>
    Object.entries((input.RequestItems ?? {}) as Record<string, unknown>).map(([tableName, part]) => {
      const { arn, name } = table(env, tableName);
      const attribute = env.tables[name]?.partitionKey ?? '';
      const items =
        action === 'BatchGetItem'
          ? records((part as Input).Keys)
          : records(part).map(
              (w) => ((w.PutRequest as Input)?.Item ?? (w.DeleteRequest as Input)?.Key) as Input,
            );
      const keys = leadingKeys(
        items.map((item) => item?.[attribute]),
        env.tables[name]?.partitionKey,
      );
      return { action: `dynamodb:${action}`, resource: arn, ...keys };
    });
}

function publish(input: Input): IamRequest[] {
  const arn = text(input.TopicArn) ?? text(input.TargetArn);
  if (arn !== undefined) return [{ action: 'sns:Publish', resource: arn }];
  if (text(input.PhoneNumber) !== undefined) return [{ action: 'sns:Publish', resource: '*' }];
  throw new UnresolvableRequestError('Publish without TopicArn, TargetArn or PhoneNumber');
}

function sendEmail(input: Input, env: RequestEnvironment): IamRequest[] {
  const from = text(input.FromEmailAddress);
  const address = from === undefined ? undefined : (/<([^>]+)>/.exec(from)?.[1] ?? from);
  const identity =
    text(input.FromEmailAddressIdentityArn) ??
    (address !== undefined
      ? regional(env, 'ses', `identity/${address.slice(address.lastIndexOf('@') + 1)}`)
      : undefined);
  if (identity === undefined) throw new UnresolvableRequestError('SendEmail without FromEmailAddress');
  const destination = (input.Destination ?? {}) as Record<string, unknown>;
  const recipients = ['ToAddresses', 'CcAddresses', 'BccAddresses'].flatMap((f) => records(destination[f]));
  const context: Record<string, ContextValue> = {
    'ses:Recipients': recipients.map(String),
    'ses:ApiVersion': '2',
  };
  if (address !== undefined) context['ses:FromAddress'] = address;
  const configurationSet = text(input.ConfigurationSetName);
  const resources = [
    identity,
    ...(configurationSet ? [regional(env, 'ses', `configuration-set/${configurationSet}`)] : []),
  ];
  return resources.map((resource) => ({ action: 'ses:SendEmail', resource, context }));
}

/**
 * One request per bus named in the call, whose `events:source` and `events:detail-type` are the sets
 * of its entries' values: both are multivalued keys (ArrayOfString in the Service Authorization
 * Reference), so only a ForAllValues/ForAnyValue condition can match them, as on AWS.
 */
function putEvents(input: Input, env: RequestEnvironment): IamRequest[] {
  const byBus = new Map<string, { sources: Set<string>; detailTypes: Set<string> }>();
  for (const entry of records(input.Entries)) {
    const bus = text(entry.EventBusName) ?? 'default';
    const resource = bus.startsWith('arn:') ? bus : regional(env, 'events', `event-bus/${bus}`);
    const values = byBus.get(resource) ?? { sources: new Set(), detailTypes: new Set() };
    if (text(entry.Source) !== undefined) values.sources.add(String(entry.Source));
    if (text(entry.DetailType) !== undefined) values.detailTypes.add(String(entry.DetailType));
    byBus.set(resource, values);
  }
  return [...byBus].map(([resource, { sources, detailTypes }]) => {
    const context: Record<string, ContextValue> = {};
    if (sources.size > 0) context['events:source'] = [...sources];
    if (detailTypes.size > 0) context['events:detail-type'] = [...detailTypes];
    return { action: 'events:PutEvents', resource, context };
  });
}

function object(action: 'PutObject' | 'GetObject'): Mapper {
  return (input, env) => {
    const bucket = required(input, 'Bucket', action);
    if (bucket.startsWith('arn:')) throw new UnresolvableRequestError(`${action} to an access point or ARN`);
    const requests: IamRequest[] = [
      {
        action: `s3:${action}`,
        resource: `arn:${env.partition}:s3:::${bucket}/${required(input, 'Key', action)}`,
      },
    ];
    // A PutObject that names its KMS key: S3 asks KMS for a data key as the caller (kms:ViaService s3).
    const key = action === 'PutObject' ? text(input.SSEKMSKeyId) : undefined;
    if (key !== undefined) {
      requests.push({
        action: 'kms:GenerateDataKey',
        resource: keyArn(env, key),
        context: { 'kms:CallerAccount': env.account, 'kms:ViaService': `s3.${env.region}.amazonaws.com` },
      });
    }
    return requests;
  };
}

function taskResponse(action: string): Mapper {
  return (input, env) => {
    const token = required(input, 'taskToken', action);
    const stateMachine = env.stateMachineOfTaskToken?.(token);
    if (stateMachine === undefined)
      throw new UnresolvableRequestError(`${action}: no state machine issued this token`);
    return [{ action: `states:${action}`, resource: stateMachine }];
  };
}

function invokeFunction(input: Input, env: RequestEnvironment): IamRequest[] {
  const given = required(input, 'FunctionName', 'Invoke');
  const partial = /^(\d{12}):function:(.+)$/.exec(given);
  const arn = given.startsWith('arn:')
    ? given
    : partial
      ? `arn:${env.partition}:lambda:${env.region}:${partial[1]}:function:${partial[2]}`
      : regional(env, 'lambda', `function:${given}`);
  const qualifier = text(input.Qualifier);
  // arn:partition:lambda:region:account:function:name has 7 segments; an 8th is a qualifier.
  const resource = qualifier !== undefined && arn.split(':').length === 7 ? `${arn}:${qualifier}` : arn;
  return [{ action: 'lambda:InvokeFunction', resource }];
}

function keyArn(env: RequestEnvironment, keyId: string): string {
  const alias = keyId.startsWith('alias/')
    ? keyId
    : /^arn:[^:]+:kms:[^:]*:[^:]*:(alias\/.+)$/.exec(keyId)?.[1];
  if (alias === undefined) return keyId.startsWith('arn:') ? keyId : regional(env, 'kms', `key/${keyId}`);
  const arn = env.kmsAliases[alias];
  if (arn === undefined) throw new UnresolvableRequestError(`KMS alias ${alias} does not exist`);
  return arn;
}

function kms(action: string): Mapper {
  return (input, env) => {
    const context: Record<string, ContextValue> = { 'kms:CallerAccount': env.account };
    const encryptionContext = (input.EncryptionContext ?? {}) as Record<string, string>;
    for (const [key, value] of Object.entries(encryptionContext))
      context[`kms:EncryptionContext:${key}`] = value;
    if (Object.keys(encryptionContext).length > 0)
      context['kms:EncryptionContextKeys'] = Object.keys(encryptionContext);
    for (const [field, key] of [
      ['MacAlgorithm', 'kms:MacAlgorithm'],
      ['SigningAlgorithm', 'kms:SigningAlgorithm'],
      ['EncryptionAlgorithm', 'kms:EncryptionAlgorithm'],
    ] as const) {
      if (text(input[field]) !== undefined) context[key] = String(input[field]);
    }
    return [{ action: `kms:${action}`, resource: keyArn(env, required(input, 'KeyId', action)), context }];
  };
}

const MAPPERS: Readonly<Record<string, Readonly<Record<string, Mapper>>>> = {
  dynamodb: {
    GetItem: itemRequest('GetItem', 'Key'),
    PutItem: itemRequest('PutItem', 'Item'),
    UpdateItem: itemRequest('UpdateItem', 'Key'),
    DeleteItem: itemRequest('DeleteItem', 'Key'),
    Query: readRequest('Query'),
    Scan: readRequest('Scan'),
    BatchGetItem: batchRequest('BatchGetItem'),
    BatchWriteItem: batchRequest('BatchWriteItem'),
  },
  sns: { Publish: publish },
  sesv2: { SendEmail: sendEmail },
  eventbridge: { PutEvents: putEvents },
  s3: { PutObject: object('PutObject'), GetObject: object('GetObject') },
  lambda: { Invoke: invokeFunction },
  sfn: {
    StartExecution: (input) => [
      { action: 'states:StartExecution', resource: required(input, 'stateMachineArn', 'StartExecution') },
    ],
    DescribeExecution: (input) => [
      { action: 'states:DescribeExecution', resource: required(input, 'executionArn', 'DescribeExecution') },
    ],
    SendTaskSuccess: taskResponse('SendTaskSuccess'),
    SendTaskFailure: taskResponse('SendTaskFailure'),
    SendTaskHeartbeat: taskResponse('SendTaskHeartbeat'),
  },
  kms: Object.fromEntries(
    ['GenerateMac', 'VerifyMac', 'Sign', 'Verify', 'Encrypt', 'Decrypt', 'GenerateDataKey'].map((a) => [
      a,
      kms(a),
    ]),
  ),
};

/** `DynamoDBClient` or `DynamoDB` → `dynamodb`; `SESv2Client` → `sesv2`, `SFNClient` → `sfn`. */
export function serviceOf(clientName: string): string {
  return clientName.replace(/Client$/, '').toLowerCase();
}

/** The IAM requests of one SDK command (`PutItem` or `PutItemCommand`) of a service (see serviceOf). */
export function iamRequests(
  env: RequestEnvironment,
  client: string,
  command: string,
  input: unknown,
): IamRequest[] {
  const service = serviceOf(client);
  const name = command.replace(/Command$/, '');
  const mapper = MAPPERS[service]?.[name];
  if (!mapper)
    throw new UnmappedCommandError(`no IAM mapping for ${client} ${name}: add one to local/iam/requests.ts`);
  return mapper((input ?? {}) as Input, env);
}
