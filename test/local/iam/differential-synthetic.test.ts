/**
 * Differential test on synthetic policies: wildcards, NotAction/NotResource, Deny, every condition
 * operator the evaluator implements, IfExists, ForAllValues/ForAnyValue, each in an Allow and in a
 * Deny, against @cloud-copilot/iam-simulate. The few places where the local evaluator is stricter by
 * design are pinned at the end, each with both verdicts.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  ActionCatalog,
  compilePolicy,
  evaluate,
  evaluateKms,
  IamPolicyError,
  type IamRequest,
  type Verdict,
} from '../../../local/iam/evaluate.js';
import type { ConditionBlock, PolicyStatement } from '../../../local/iam/policy.js';
import { ACCOUNT, referenceVerdict } from './reference.js';

const PRINCIPAL = `arn:aws:sts::${ACCOUNT}:assumed-role/Role/fn`;
const OBJECT = 'arn:aws:s3:::bucket/evidence/1.json';
const TABLE = `arn:aws:dynamodb:eu-west-1:${ACCOUNT}:table/Cases`;
const getObject = (context: IamRequest['context'] = {}): IamRequest => ({
  action: 's3:GetObject',
  resource: OBJECT,
  context,
});

interface Case {
  readonly name: string;
  readonly statements: readonly PolicyStatement[];
  readonly request: IamRequest;
}

/** The condition in an Allow, and in a Deny next to an Allow of everything. */
function conditionCases(name: string, condition: ConditionBlock, contexts: IamRequest['context'][]): Case[] {
  return contexts.flatMap((context) => [
    {
      name: `Allow if ${name} ${JSON.stringify(context)}`,
      statements: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*', Condition: condition }],
      request: getObject(context),
    },
    {
      name: `Deny if ${name} ${JSON.stringify(context)}`,
      statements: [
        { Effect: 'Allow', Action: '*', Resource: '*' },
        { Effect: 'Deny', Action: 's3:*', Resource: OBJECT, Condition: condition },
      ],
      request: getObject(context),
    },
  ]);
}

const STRING_OPERATORS = [
  'StringEquals',
  'StringNotEquals',
  'StringEqualsIgnoreCase',
  'StringNotEqualsIgnoreCase',
  'StringLike',
  'StringNotLike',
];
const NUMERIC_OPERATORS = [
  'NumericEquals',
  'NumericNotEquals',
  'NumericLessThan',
  'NumericLessThanEquals',
  'NumericGreaterThan',
  'NumericGreaterThanEquals',
];
const ARN_OPERATORS = ['ArnEquals', 'ArnLike', 'ArnNotEquals', 'ArnNotLike'];
const withIfExists = (operators: string[]) => operators.flatMap((o) => [o, `${o}IfExists`]);

const TEAM = 'aws:PrincipalTag/team';

/** String operators (with IfExists and the set prefixes) on a single-valued and a multivalued key. */
function stringConditions(): Case[] {
  const team = TEAM;
  const teams: IamRequest['context'][] = [
    {},
    { [team]: 'payments' },
    { [team]: 'PAYMENTS' },
    { [team]: 'collections' },
    { [team]: 'paym3nts' },
  ];
  const tags: IamRequest['context'][] = [
    {},
    { 'aws:TagKeys': [] },
    { 'aws:TagKeys': ['payments'] },
    { 'aws:TagKeys': ['payments', 'other'] },
    { 'aws:TagKeys': ['PAYMENTS', 'collections'] },
  ];
  const stringValues: Array<string | string[]> = [
    'payments',
    ['payments', 'collections'],
    'pay*',
    'Pay?ents',
  ];
  const cases: Case[] = [];
  for (const op of withIfExists(STRING_OPERATORS)) {
    for (const value of stringValues) {
      cases.push(...conditionCases(`${op} ${value}`, { [op]: { [team]: value } }, teams));
      // A single-valued operator on a multivalued key matches nothing (IAM wants a set operator).
      cases.push(...conditionCases(`${op} ${value} (multivalued)`, { [op]: { 'aws:TagKeys': value } }, tags));
      for (const set of ['ForAllValues', 'ForAnyValue']) {
        if (set === 'ForAnyValue' && op.endsWith('IfExists')) continue; // refused: see the end of this file
        cases.push(
          ...conditionCases(`${set}:${op} ${value}`, { [`${set}:${op}`]: { 'aws:TagKeys': value } }, tags),
        );
      }
    }
  }
  return cases;
}

/** Numeric, Bool, Arn and Null operators, and two operators in one block. */
function otherConditions(): Case[] {
  const team = TEAM;
  const ages = ['300', '59', '3600', '3601', '0.5', 'abc'].map((v) => ({ 'aws:MultiFactorAuthAge': v }));
  const sources = [
    `arn:aws:sns:eu-west-1:${ACCOUNT}:topic`,
    `arn:aws:sns:us-east-1:${ACCOUNT}:other`,
    'arn:aws:s3:::bucket/a/b',
    'not-an-arn',
  ].map((v) => ({ 'aws:SourceArn': v }));
  const cases: Case[] = [];
  for (const op of withIfExists(NUMERIC_OPERATORS)) {
    for (const value of ['300', ['60', '3600']]) {
      cases.push(
        ...conditionCases(`${op} ${value}`, { [op]: { 'aws:MultiFactorAuthAge': value } }, [{}, ...ages]),
      );
    }
  }
  for (const op of withIfExists(['Bool'])) {
    const values = [{}, ...['true', 'false', 'TRUE', 'yes'].map((v) => ({ 'aws:SecureTransport': v }))];
    for (const value of ['true', 'false', 'True']) {
      cases.push(...conditionCases(`${op} ${value}`, { [op]: { 'aws:SecureTransport': value } }, values));
    }
  }
  for (const op of withIfExists(ARN_OPERATORS)) {
    for (const value of [
      `arn:aws:sns:eu-west-1:${ACCOUNT}:topic`,
      `arn:aws:sns:*:${ACCOUNT}:*`,
      'arn:aws:s3:::bucket/*',
    ]) {
      cases.push(...conditionCases(`${op} ${value}`, { [op]: { 'aws:SourceArn': value } }, [{}, ...sources]));
    }
  }
  for (const value of ['true', 'false']) {
    cases.push(...conditionCases(`Null ${value}`, { Null: { [team]: value } }, [{}, { [team]: 'x' }]));
  }
  const both = { StringEquals: { [team]: 'payments' }, Bool: { 'AWS:SECURETRANSPORT': 'true' } };
  const contexts = [
    { [team]: 'payments', 'aws:SecureTransport': 'true' },
    { [team]: 'payments', 'aws:SecureTransport': 'false' },
  ];
  cases.push(...conditionCases('two operators, case-insensitive key', both, contexts));
  return cases;
}

/** Action and NotAction patterns, in an Allow and next to a Deny. */
function actionSuite(): Case[] {
  const cases: Case[] = [];
  const requests = ['s3:GetObject', 's3:PutObject', 's3:GetObjectAcl'].map((action) => ({
    action,
    resource: OBJECT,
  }));
  for (const pattern of [
    's3:GetObject',
    's3:Get*',
    'S3:getobject',
    's3:*Object',
    's3:Get?bject',
    '*',
    's3:*',
  ]) {
    for (const request of requests) {
      cases.push({
        name: `Action ${pattern}`,
        statements: [{ Effect: 'Allow', Action: pattern, Resource: '*' }],
        request,
      });
      cases.push({
        name: `NotAction ${pattern}`,
        statements: [{ Effect: 'Allow', NotAction: pattern, Resource: '*' }],
        request,
      });
      cases.push({
        name: `Deny NotAction ${pattern}`,
        statements: [
          { Effect: 'Allow', Action: 's3:*', Resource: '*' },
          { Effect: 'Deny', NotAction: pattern, Resource: '*' },
        ],
        request,
      });
    }
  }
  return cases;
}

/** Resource and NotResource patterns, in an Allow and in a Deny, on S3 objects and DynamoDB tables. */
function resourceSuite(): Case[] {
  const cases: Case[] = [];
  const objects = [
    'bucket/evidence/1.json',
    'bucket/evidence/12.json',
    'bucket/other',
    'other/evidence/1.json',
  ];
  const objectPatterns = [
    'bucket/*',
    'bucket/evidence/*',
    'bucket/evidence/?.json',
    '*',
    'bucket/evidence/1.json',
  ];
  const tables = [TABLE, `${TABLE}/index/byLoan`, `${TABLE}Old`, TABLE.replace('eu-west-1', 'us-east-1')];
  const tablePatterns = [
    TABLE,
    `${TABLE}*`,
    `${TABLE}/index/*`,
    'arn:aws:dynamodb:*:*:table/Cases',
    `arn:aws:dynamodb:eu-west-1:${ACCOUNT}:table/*`,
  ];
  const pairs = [
    ...objects.flatMap((o) =>
      objectPatterns.map((p) => ['s3:GetObject', `arn:aws:s3:::${o}`, `arn:aws:s3:::${p}`]),
    ),
    ...tables.flatMap((t) => tablePatterns.map((p) => ['dynamodb:Query', t, p])),
  ];
  for (const [action = '', resource = '', pattern = ''] of pairs) {
    const request = { action, resource };
    const all = { Effect: 'Allow', Action: '*', Resource: '*' } as const;
    cases.push(
      {
        name: `Resource ${pattern}`,
        statements: [{ Effect: 'Allow', Action: action, Resource: pattern }],
        request,
      },
      {
        name: `NotResource ${pattern}`,
        statements: [{ Effect: 'Allow', Action: action, NotResource: pattern }],
        request,
      },
      {
        name: `Deny ${pattern}`,
        statements: [all, { Effect: 'Deny', Action: action, Resource: pattern }],
        request,
      },
      {
        name: `Deny NotResource ${pattern}`,
        statements: [all, { Effect: 'Deny', Action: action, NotResource: [pattern, 'arn:aws:sns:*:*:*'] }],
        request,
      },
    );
  }
  return cases;
}

describe('local IAM evaluator vs iam-simulate, on synthetic policies', () => {
  let catalog: ActionCatalog;
  beforeAll(async () => {
    catalog = await ActionCatalog.load(['s3', 'dynamodb', 'sns', 'kms']);
  });
  const ours = (statements: readonly PolicyStatement[], request: IamRequest): Verdict =>
    evaluate(compilePolicy(statements, catalog), request);

  it('agrees on every operator, set prefix, IfExists, wildcard, NotAction/NotResource and Deny', async () => {
    const cases = [...stringConditions(), ...otherConditions(), ...actionSuite(), ...resourceSuite()];
    const mismatches: string[] = [];
    for (const c of cases) {
      const theirs = await referenceVerdict({
        identity: c.statements,
        principal: PRINCIPAL,
        request: c.request,
      });
      const mine = ours(c.statements, c.request);
      if (mine !== theirs)
        mismatches.push(
          `${c.name} → ${c.request.action} ${c.request.resource}: ours ${mine}, iam-simulate ${theirs}`,
        );
    }
    expect(mismatches).toEqual([]);
    expect(cases.length).toBeGreaterThan(1_500);
    console.info(`differential (synthetic): ${cases.length} requests compared`);
  });
});

describe('KMS: key policy and IAM policies together, vs iam-simulate', () => {
  const KEY = `arn:aws:kms:eu-west-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
  const ROLE = `arn:aws:iam::${ACCOUNT}:role/Role`;
  const ROOT = `arn:aws:iam::${ACCOUNT}:root`;
  const caller = { account: ACCOUNT, roleArn: ROLE, sessionArn: PRINCIPAL };
  const via = { StringEquals: { 'kms:ViaService': 'dynamodb.eu-west-1.amazonaws.com' } };
  const keyStatement = (principal: PolicyStatement['Principal'], extra: Partial<PolicyStatement> = {}) =>
    ({ Effect: 'Allow', Principal: principal, Action: 'kms:*', Resource: '*', ...extra }) as PolicyStatement;
  const keyPolicies: Record<string, PolicyStatement[]> = {
    'delegates to IAM (CDK default)': [keyStatement({ AWS: ROOT })],
    'delegates by account id': [keyStatement({ AWS: ACCOUNT })],
    'delegates Encrypt only': [keyStatement({ AWS: ROOT }, { Action: 'kms:Encrypt' })],
    'delegates through DynamoDB only': [keyStatement({ AWS: ROOT }, { Condition: via })],
    'allows the role itself': [keyStatement({ AWS: ROLE }, { Action: ['kms:Decrypt', 'kms:GenerateMac'] })],
    'allows the session itself': [keyStatement({ AWS: PRINCIPAL }, { Action: 'kms:Decrypt' })],
    'allows a service only': [keyStatement({ Service: 'logs.amazonaws.com' })],
    'allows everyone': [keyStatement('*', { Action: 'kms:Decrypt' })],
    'delegates, but denies Decrypt to the account': [
      keyStatement({ AWS: ROOT }),
      { Effect: 'Deny', Principal: { AWS: ROOT }, Action: 'kms:Decrypt', Resource: '*' },
    ],
    'delegates, but denies everyone GenerateMac': [
      keyStatement({ AWS: ROOT }),
      { Effect: 'Deny', Principal: '*', Action: 'kms:GenerateMac', Resource: '*' },
    ],
  };
  const identities: Record<string, PolicyStatement[]> = {
    'no grant': [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }],
    'Decrypt on the key': [{ Effect: 'Allow', Action: 'kms:Decrypt', Resource: KEY }],
    'kms:* through DynamoDB': [{ Effect: 'Allow', Action: 'kms:*', Resource: KEY, Condition: via }],
    'denies Encrypt': [
      { Effect: 'Allow', Action: 'kms:*', Resource: '*' },
      { Effect: 'Deny', Action: 'kms:Encrypt', Resource: '*' },
    ],
  };
  const requests: IamRequest[] = ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateMac'].flatMap((action) => [
    { action, resource: KEY },
    { action, resource: KEY, context: { 'kms:ViaService': 'dynamodb.eu-west-1.amazonaws.com' } },
    { action, resource: KEY, context: { 'kms:ViaService': 'sqs.eu-west-1.amazonaws.com' } },
  ]);

  it('agrees for every key policy × identity policy × request', async () => {
    const catalog = await ActionCatalog.load(['kms', 's3']);
    const mismatches: string[] = [];
    let compared = 0;
    for (const [keyName, keyPolicy] of Object.entries(keyPolicies)) {
      const compiledKey = compilePolicy(keyPolicy, catalog, { kind: 'resource' });
      for (const [identityName, identity] of Object.entries(identities)) {
        const compiledIdentity = compilePolicy(identity, catalog);
        for (const request of requests) {
          const ours = evaluateKms(compiledIdentity, compiledKey, caller, request).verdict;
          const theirs = await referenceVerdict({ identity, keyPolicy, principal: PRINCIPAL, request });
          compared += 1;
          if (ours !== theirs)
            mismatches.push(
              `${keyName} / ${identityName} / ${JSON.stringify(request)}: ours ${ours}, iam-simulate ${theirs}`,
            );
        }
      }
    }
    expect(mismatches).toEqual([]);
    expect(compared).toBe(360);
  });
});

describe('where the local evaluator is stricter than iam-simulate, by design', () => {
  let catalog: ActionCatalog;
  beforeAll(async () => {
    catalog = await ActionCatalog.load(['dynamodb']);
  });
  const query: IamRequest = { action: 'dynamodb:Query', resource: TABLE };
  const compare = async (statements: PolicyStatement[]) => ({
    ours: evaluate(compilePolicy(statements, catalog), query),
    theirs: await referenceVerdict({ identity: statements, principal: PRINCIPAL, request: query }),
  });

  it('applies a Deny whose wildcard matches across colons (one of the two readings AWS documents)', async () => {
    const statements: PolicyStatement[] = [
      { Effect: 'Allow', Action: '*', Resource: '*' },
      { Effect: 'Deny', Action: 'dynamodb:Query', Resource: 'arn:*:table/Cases' },
    ];
    expect(await compare(statements)).toEqual({ ours: 'ExplicitlyDenied', theirs: 'Allowed' });
    // The same pattern in an Allow: both readings must match, and the segment-wise one does not.
    expect(
      await compare([{ Effect: 'Allow', Action: 'dynamodb:Query', Resource: 'arn:*:table/Cases' }]),
    ).toEqual({
      ours: 'ImplicitlyDenied',
      theirs: 'ImplicitlyDenied',
    });
  });

  it('does not let an Allow match a region (or partition, service, account) in another case', async () => {
    const upper = TABLE.replace('eu-west-1', 'EU-WEST-1');
    expect(await compare([{ Effect: 'Allow', Action: 'dynamodb:Query', Resource: upper }])).toEqual({
      ours: 'ImplicitlyDenied',
      theirs: 'Allowed',
    });
  });

  it('refuses an action that does not exist, which IAM (and iam-simulate) silently ignore', async () => {
    const statements: PolicyStatement[] = [{ Effect: 'Allow', Action: 'dynamodb:Queryy', Resource: '*' }];
    expect(() => compilePolicy(statements, catalog)).toThrow(/"dynamodb:Queryy" matches no dynamodb action/);
    expect(await referenceVerdict({ identity: statements, principal: PRINCIPAL, request: query })).toBe(
      'ImplicitlyDenied',
    );
    // Action names are case-insensitive in IAM: "dynamodb:query" is the same action, not a typo.
    expect(
      evaluate(
        compilePolicy([{ ...statements[0], Action: 'dynamodb:query' } as PolicyStatement], catalog),
        query,
      ),
    ).toBe('Allowed');
  });

  it('refuses ForAnyValue with IfExists, whose meaning for a missing key is not settled', () => {
    const statement: PolicyStatement = {
      Effect: 'Allow',
      Action: 'dynamodb:Query',
      Resource: '*',
      Condition: { 'ForAnyValue:StringEqualsIfExists': { 'dynamodb:LeadingKeys': 'a' } },
    };
    expect(() => compilePolicy([statement], catalog)).toThrow(IamPolicyError);
  });
});
