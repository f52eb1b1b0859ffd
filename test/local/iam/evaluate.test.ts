/** The evaluator fails closed: what it does not implement is refused when compiled, never allowed. */
import { beforeAll, describe, expect, it } from 'vitest';
import { ActionCatalog, compilePolicy, evaluate, IamPolicyError } from '../../../local/iam/evaluate.js';
import type { PolicyStatement } from '../../../local/iam/policy.js';

const TABLE = 'arn:aws:dynamodb:eu-west-1:111122223333:table/Cases';

describe('local IAM evaluator', () => {
  let catalog: ActionCatalog;
  beforeAll(async () => {
    catalog = await ActionCatalog.load(['dynamodb', 'kms', 'nosuchservice']);
  });
  const allow = (extra: Partial<PolicyStatement>): PolicyStatement =>
    ({ Effect: 'Allow', Action: 'dynamodb:Query', Resource: '*', ...extra }) as PolicyStatement;
  const compile = (statements: PolicyStatement[], kind?: 'identity' | 'resource') =>
    compilePolicy(statements, catalog, { kind, name: 'test' });

  it.each([
    ['DateGreaterThan', { DateGreaterThan: { 'aws:CurrentTime': '2030-01-01T00:00:00Z' } }],
    ['IpAddress', { IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } }],
    ['BinaryEquals', { BinaryEquals: { 'aws:PrincipalTag/x': 'QmluYXJ5' } }],
    ['an unknown operator', { StringSorta: { 'aws:PrincipalTag/x': 'a' } }],
    ['Null with IfExists', { NullIfExists: { 'aws:PrincipalTag/x': 'true' } }],
    ['a set operator on Null', { 'ForAnyValue:Null': { 'aws:TagKeys': 'true' } }],
    ['Bool with a non-boolean', { Bool: { 'aws:SecureTransport': 'yes' } }],
    ['Numeric with a non-number', { NumericLessThan: { 'aws:MultiFactorAuthAge': 'ten' } }],
    ['ArnLike with a non-ARN', { ArnLike: { 'aws:SourceArn': 'topic' } }],
    ['a policy variable', { StringEquals: { 'aws:PrincipalTag/team': '${aws:username}' } }],
    ['no values', { StringEquals: { 'aws:PrincipalTag/team': [] } }],
  ])('refuses %s', (_name, Condition) => {
    expect(() => compile([allow({ Condition } as Partial<PolicyStatement>)])).toThrow(IamPolicyError);
  });

  it.each([
    ['an unknown action', allow({ Action: 'dynamodb:PutItemm' }), /matches no dynamodb action/],
    ['an unknown service', allow({ Action: 'nosuchservice:Get' }), /no IAM service "nosuchservice"/],
    ['a wildcard in the service', allow({ Action: 'dynamo*:Query' }), /is not service:Action/],
    ['Action and NotAction', allow({ NotAction: 'dynamodb:Scan' }), /exactly one of Action and NotAction/],
    ['neither Resource nor NotResource', allow({ Resource: undefined }), /exactly one of Resource/],
    ['a policy variable in a resource', allow({ Resource: `${TABLE}/\${aws:username}` }), /policy variables/],
    [
      'a wildcard in the resource type',
      allow({ Resource: 'arn:aws:dynamodb:*:*:tab*/Cases' }),
      /resource type/,
    ],
    ['a Principal in an identity policy', allow({ Principal: '*' }), /Principal not allowed/],
    ['NotPrincipal', allow({ NotPrincipal: { AWS: '*' } }), /NotPrincipal is not supported/],
    [
      'an Effect other than Allow or Deny',
      allow({ Effect: 'allow' as 'Allow' }),
      /Effect must be Allow or Deny/,
    ],
  ])('refuses %s', (_name, statement, message) => {
    expect(() => compile([statement])).toThrow(message);
  });

  it('refuses a key policy statement without Principal, or with an unknown principal type', () => {
    expect(() => compile([allow({})], 'resource')).toThrow(/Principal missing/);
    expect(() => compile([allow({ Principal: { Robot: 'r2' } })], 'resource')).toThrow(
      /unknown principal type/,
    );
  });

  it('throws when a context key it could not work out would decide the request, and only then', () => {
    const leading = compile([
      allow({ Condition: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': 'BORROWER#1' } } }),
    ]);
    const request = { action: 'dynamodb:Query', resource: TABLE, undetermined: ['dynamodb:LeadingKeys'] };
    expect(() => evaluate(leading, request)).toThrow(/dynamodb:leadingkeys is not known locally/);
    expect(evaluate(compile([allow({})]), request)).toBe('Allowed');
    expect(
      evaluate(leading, { ...request, undetermined: [], context: { 'dynamodb:LeadingKeys': ['X'] } }),
    ).toBe('ImplicitlyDenied');
  });

  it('records the condition keys a policy reads (the guard caches decisions on those only)', () => {
    const policy = compile([
      allow({ Condition: { StringEquals: { 'KMS:ViaService': 'dynamodb.eu-west-1.amazonaws.com' } } }),
      allow({ Condition: { Bool: { 'aws:SecureTransport': 'true' } } }),
    ]);
    expect([...policy.conditionKeys].sort()).toEqual(['aws:securetransport', 'kms:viaservice']);
  });
});
