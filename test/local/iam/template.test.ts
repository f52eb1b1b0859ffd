/** The stack's IAM read from the synthesized template: local names, partitions, the cache. */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../../lib/ladder.js';
import { readTemplate, type Template } from '../../../local/iam/extract.js';
import { asArray } from '../../../local/iam/policy.js';
import {
  LOCAL_FUNCTION_NAMES,
  loadStackIam,
  type StackIam,
  stackIamCacheKey,
  synthesizeLadder,
} from '../../../local/iam/template.js';
import { ACCOUNT, REGION } from './reference.js';

/** Every string in a JSON value. */
const strings = (value: unknown): string[] =>
  typeof value === 'string'
    ? [value]
    : Array.isArray(value)
      ? value.flatMap(strings)
      : value && typeof value === 'object'
        ? Object.values(value).flatMap(strings)
        : [];
const allStatements = (iam: StackIam) => [
  ...Object.values(iam.functions).flatMap((f) => f.role.policies.flatMap((p) => p.statements)),
  ...Object.values(iam.stateMachines).flatMap((m) => m.role.policies.flatMap((p) => p.statements)),
  ...Object.values(iam.keys).flatMap((k) => k.policy),
];

describe('the stack IAM, resolved to local names', () => {
  let synthesized: Template;
  let iam: StackIam;
  beforeAll(async () => {
    synthesized = await synthesizeLadder();
    iam = readTemplate(synthesized, { partition: 'aws', region: REGION, account: ACCOUNT });
  });

  it('has every function with its role policies, by the local function names', () => {
    expect(Object.keys(iam.functions).sort()).toEqual([...LOCAL_FUNCTION_NAMES].sort());
    expect(iam.functions.stage).toMatchObject({
      name: 'stage',
      arn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:stage`,
    });
    for (const fn of Object.values(iam.functions)) {
      expect(fn.role.arn).toBe(`arn:aws:iam::${ACCOUNT}:role/${fn.role.name}`);
      expect(fn.role.policies.length).toBeGreaterThan(0);
      expect(fn.role.managedPolicyArns).toEqual([]);
    }
    // The task-response grant is a policy of its own (not the default policy): it is found too.
    expect(iam.functions.humanTask.role.policies.map((p) => p.kind)).toEqual([
      'AWS::IAM::Policy',
      'AWS::IAM::Policy',
    ]);
  });

  it('names tables as the local store does and resolves every intrinsic', () => {
    expect(iam.tables.contacts).toEqual({
      logicalId: expect.stringContaining('Contacts'),
      name: 'Contacts',
      arn: `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/Contacts`,
      partitionKey: 'borrowerId',
      indexes: {
        byPhone: {
          arn: `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/Contacts/index/byPhone`,
          partitionKey: 'phone',
        },
        byEmail: {
          arn: `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/Contacts/index/byEmail`,
          partitionKey: 'email',
        },
      },
    });
    const inboundSms = iam.functions.inboundSms.role.policies.flatMap((p) => p.statements);
    const queries = inboundSms.filter((st) => st.Action === 'dynamodb:Query').flatMap((st) => st.Resource);
    expect(queries).toEqual(
      expect.arrayContaining([
        `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/Contacts/index/byPhone`,
        `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/Contacts/index/byEmail`,
      ]),
    );
    expect(queries).not.toContain(`arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/Contacts`);
    expect(JSON.stringify(allStatements(iam))).not.toMatch(/"(Ref|Fn::[A-Za-z]+)"/);
    expect(iam.stateMachines.default?.arn).toBe(
      `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:${iam.stateMachines.default?.logicalId}`,
    );
    expect(iam.bus.arn).toBe(`arn:aws:events:${REGION}:${ACCOUNT}:event-bus/${iam.bus.logicalId}`);
  });

  it('keeps the KMS key policies by key ARN, with the delegation to the account', () => {
    const named = [iam.caseKey, iam.contactKey, iam.sealKey, iam.lineKey, iam.linkKey];
    expect(Object.keys(iam.keys).sort()).toEqual(named.map((k) => k.arn).sort());
    for (const key of Object.values(iam.keys)) {
      expect(key.arn).toBe(`arn:aws:kms:${REGION}:${ACCOUNT}:key/${key.keyId}`);
      expect(key.policy).toContainEqual({
        Action: 'kms:*',
        Effect: 'Allow',
        Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` },
        Resource: '*',
      });
    }
  });

  it('resolves to aws-cn ARNs for partition aws-cn, region cn-north-1', () => {
    const cn = readTemplate(synthesized, { partition: 'aws-cn', region: 'cn-north-1', account: ACCOUNT });
    expect(cn.tables.cases.arn).toBe(`arn:aws-cn:dynamodb:cn-north-1:${ACCOUNT}:table/Cases`);
    expect(cn.functions.stage.role.arn).toMatch(/^arn:aws-cn:iam::111122223333:role\//);
    const arns = allStatements(cn).flatMap((s) => [
      ...asArray(s.Resource),
      ...strings(s.Principal),
      ...strings(s.Condition),
    ]);
    const notChinese = arns.filter(
      (a) => a.startsWith('arn:') && !a.startsWith('arn:aws-cn:') && !a.startsWith('arn:*:'),
    );
    expect(notChinese).toEqual([]);
    expect(arns.filter((a) => a.startsWith('arn:aws-cn:')).length).toBeGreaterThan(50);
  });

  it('finds no ARN hard-coding the aws partition in the template or in the state machine definitions', () => {
    expect(strings(synthesized.template).filter((s) => s.includes('arn:aws:'))).toEqual([]);
    // Deployed as the definitions' S3 assets, with ${Partition} substituted (lib/workflow.ts).
    const dir = path.join(PROJECT_ROOT, 'statemachines');
    const definitions = readdirSync(dir).filter((f) => f.endsWith('.asl.json'));
    expect(definitions.length).toBeGreaterThan(1);
    for (const file of definitions) {
      const text = readFileSync(path.join(dir, file), 'utf8');
      expect(text, file).not.toContain('arn:aws:');
      expect(text, file).toContain('arn:${Partition}:states:::lambda:invoke');
    }
  });
});

describe('loadStackIam cache', () => {
  const options = { partition: 'aws', region: REGION, account: ACCOUNT };

  it('is keyed by the options, and a hit takes milliseconds', async () => {
    expect(stackIamCacheKey(options)).toMatch(/^[0-9a-f]{64}$/);
    expect(stackIamCacheKey({ ...options, partition: 'aws-cn' })).not.toBe(stackIamCacheKey(options));
    expect(stackIamCacheKey({ ...options, account: '444455556666' })).not.toBe(stackIamCacheKey(options));
    const first = await loadStackIam(options); // synthesizes unless another test file already has
    const start = performance.now();
    const second = await loadStackIam(options);
    expect(performance.now() - start).toBeLessThan(250);
    expect(second).toEqual(first);
  });
});
