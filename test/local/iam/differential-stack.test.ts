/**
 * Differential test on the synthesized stack: for every function role × every (action, resource,
 * context) a function could request (its own grants, the same actions on every other table, index, bus,
 * bucket, key, topic, queue and state machine of the stack, unrelated ARNs, and the condition keys
 * varied), the local guard's verdict must equal @cloud-copilot/iam-simulate's.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { ActionCatalog, compilePolicy, evaluate, type IamRequest } from '../../../local/iam/evaluate.js';
import { createIamGuard, type IamGuard } from '../../../local/iam/guard.js';
import { asArray } from '../../../local/iam/policy.js';
import { loadStackIam, type StackIam } from '../../../local/iam/template.js';
import { ACCOUNT, REGION, referenceVerdict } from './reference.js';

const OTHER_ACCOUNT = '444455556666';
type Context = NonNullable<IamRequest['context']>;

/** The actions the functions' SDK calls make (requests.ts), whether or not any role grants them. */
const SDK_ACTIONS = [
  'dynamodb:GetItem',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:Query',
  'dynamodb:Scan',
  'dynamodb:BatchGetItem',
  'dynamodb:BatchWriteItem',
  'sns:Publish',
  'ses:SendEmail',
  'events:PutEvents',
  's3:PutObject',
  's3:GetObject',
  'states:StartExecution',
  'states:DescribeExecution',
  'states:SendTaskSuccess',
  'states:SendTaskFailure',
  'states:SendTaskHeartbeat',
  'kms:Decrypt',
  'kms:Encrypt',
  'kms:GenerateDataKey',
  'kms:GenerateMac',
  'kms:VerifyMac',
  'kms:Sign',
  'lambda:InvokeFunction',
];

const arn = (service: string, resource: string, account = ACCOUNT, region = REGION) =>
  `arn:aws:${service}:${region}:${account}:${resource}`;

interface Target {
  readonly resource: string;
  readonly context: Context;
  readonly referenceResource?: string;
}
const plain = (resources: string[], contexts: Context[] = [{}]): Target[] =>
  resources.flatMap((resource) => contexts.map((context) => ({ resource, context })));

/**
 * Per service: every resource (the stack's own of that kind, and unrelated ones) and context a request
 * for the action `name` is tried with; `granted` are the resources the roles grant the action on.
 */
const TARGETS: Record<string, (iam: StackIam, name: string, granted: readonly string[]) => Target[]> = {
  dynamodb: (iam, name) => {
    const tables = Object.values(iam.tables);
    const indexes = tables.flatMap((t) => Object.values(t.indexes).map((i) => i.arn));
    const resources = [
      ...tables.map((t) => t.arn),
      ...(name === 'Query' || name === 'Scan' ? indexes : []),
      arn('dynamodb', 'table/Other'),
      arn('dynamodb', 'table/Cases', OTHER_ACCOUNT),
      arn('dynamodb', 'table/Cases', ACCOUNT, 'us-east-1'),
    ];
    // Scan carries no dynamodb:LeadingKeys (requests.ts), the others may.
    return plain(resources, name === 'Scan' ? [{}] : [{}, { 'dynamodb:LeadingKeys': ['BORROWER#1'] }]);
  },
  kms: (iam, name) =>
    plain(
      [
        ...[iam.caseKey, iam.contactKey, iam.sealKey, iam.lineKey].map((k) => k.arn),
        arn('kms', 'key/00000000-0000-0000-0000-000000000000'),
      ],
      [
        {},
        // The HMAC keys' calls carry their algorithm (requests.ts); only MAC actions know the key.
        ...(name.endsWith('Mac') ? [{ 'kms:MacAlgorithm': 'HMAC_SHA_256' }] : []),
        ...['dynamodb', 'sqs', 's3', 'sns'].map((s) => ({
          'kms:ViaService': `${s}.${REGION}.amazonaws.com`,
        })),
      ],
    ),
  lambda: (iam) =>
    plain([
      ...Object.values(iam.functions).map((f) => f.arn),
      // A qualified invocation is authorized on the qualified ARN, which the grants do not name.
      `${iam.functions.ledgerWriter.arn}:1`,
      arn('lambda', 'function:Other'),
    ]),
  sns: (iam) => [
    ...plain([...Object.values(iam.topics).map((t) => t.arn), arn('sns', 'Other')]),
    { resource: '*', context: {}, referenceResource: '+15550100' },
  ],
  ses: () =>
    plain(
      [
        'identity/example.com',
        'identity/collections@example.com',
        'identity/other.example',
        'configuration-set/c',
      ].map((r) => arn('ses', r)),
      [{ 'ses:FromAddress': 'collections@example.com', 'ses:Recipients': ['borrower@example.org'] }],
    ),
  events: (iam) =>
    plain(
      [iam.bus.arn, arn('events', 'event-bus/default'), arn('events', 'event-bus/Other')],
      // Ladder's functions may publish as 'ladder' only, never as an upstream producer. Both keys
      // are multivalued: one value per entry of the call (requests.ts).
      [['ladder'], ['lender.loans'], ['Ladder'], ['ladder', 'lender.loans']].map((sources) => ({
        'events:source': sources,
        'events:detail-type': ['AgencyPlacement'],
      })),
    ),
  s3: (iam) => {
    const bucket = iam.evidenceBucket.name;
    const objects = [`${bucket}/evidence/L1/1.json`, `${bucket}/other/x.json`, 'other-bucket/evidence/x'];
    return plain(objects.map((o) => `arn:aws:s3:::${o}`));
  },
  states: (iam, name) => {
    const machines = [
      ...Object.values(iam.stateMachines).map((m) => m.arn),
      arn('states', 'stateMachine:Other'),
    ];
    const executions = machines.map((m) => `${m.replace(':stateMachine:', ':execution:')}:run-1`);
    return plain(name === 'DescribeExecution' ? executions : machines);
  },
  logs: (_iam, _name, granted) =>
    plain([...granted, arn('logs', 'log-group:Other:*')].map((g) => g.replace(/:\*$/, ':log-stream:s1'))),
  sqs: (iam) => plain([...Object.values(iam.queues).map((q) => q.arn), arn('sqs', 'Other')]),
  xray: () => plain(['*']),
};

function targets(iam: StackIam, action: string, granted: readonly string[]): Target[] {
  const [service = '', name = ''] = action.split(':');
  const of = TARGETS[service];
  if (!of) throw new Error(`no targets for ${action}`);
  return of(iam, name, granted);
}

describe('local IAM evaluator vs iam-simulate, on the synthesized stack', () => {
  let iam: StackIam;
  let guard: IamGuard;
  beforeAll(async () => {
    iam = await loadStackIam({ partition: 'aws', region: REGION, account: ACCOUNT });
    guard = await createIamGuard(iam);
  });

  it('agrees on every function role × every request the functions could make', async () => {
    const statements = Object.values(iam.functions).flatMap((f) =>
      f.role.policies.flatMap((p) => p.statements),
    );
    const granted = new Map<string, Set<string>>();
    for (const s of statements) {
      for (const action of asArray(s.Action)) {
        if (action.includes('*')) continue;
        const set = granted.get(action) ?? new Set<string>();
        for (const resource of asArray(s.Resource)) set.add(resource);
        granted.set(action, set);
      }
    }
    const actions = [...new Set([...SDK_ACTIONS, ...granted.keys()])].sort();
    const mismatches: string[] = [];
    const verdicts = new Map<string, number>();
    let compared = 0;
    for (const [name, fn] of Object.entries(iam.functions)) {
      const identity = fn.role.policies.flatMap((p) => p.statements);
      const principal = `arn:aws:sts::${ACCOUNT}:assumed-role/${fn.role.name}/${name}`;
      for (const action of actions) {
        for (const target of targets(iam, action, [...(granted.get(action) ?? [])])) {
          const request: IamRequest = { action, resource: target.resource, context: target.context };
          const ours = guard.authorize(name, request).verdict;
          const keyPolicy = action.startsWith('kms:') ? iam.keys[target.resource]?.policy : undefined;
          const theirs = await referenceVerdict({ identity, keyPolicy, principal, request, ...target });
          compared += 1;
          verdicts.set(theirs, (verdicts.get(theirs) ?? 0) + 1);
          if (ours !== theirs)
            mismatches.push(
              `${name} ${action} ${target.resource} ${JSON.stringify(target.context)}: ours ${ours}, iam-simulate ${theirs}`,
            );
        }
      }
    }
    expect(mismatches).toEqual([]);
    // 9 roles × every action × its targets: a comparison this size cannot pass by accident.
    expect(compared).toBeGreaterThan(2_000);
    // ...and exercises every outcome, not only denials.
    expect(Object.fromEntries(verdicts)).toEqual({
      Allowed: expect.any(Number),
      ExplicitlyDenied: expect.any(Number),
      ImplicitlyDenied: expect.any(Number),
    });
    console.info(`differential (stack): ${compared} requests compared`, Object.fromEntries(verdicts));
  });

  it('agrees on the state machine roles (lambda:InvokeFunction on every function)', async () => {
    const catalog = await ActionCatalog.load(['lambda']);
    const functionArns = [...Object.values(iam.functions).map((f) => f.arn), arn('lambda', 'function:Other')];
    for (const [id, machine] of Object.entries(iam.stateMachines)) {
      const identity = machine.role.policies.flatMap((p) => p.statements);
      const compiled = compilePolicy(identity, await ActionCatalog.load(ActionCatalog.servicesOf(identity)));
      const principal = `arn:aws:sts::${ACCOUNT}:assumed-role/${machine.role.name}/${id}`;
      for (const resource of functionArns) {
        const request = { action: 'lambda:InvokeFunction', resource };
        expect(catalog.has(request.action)).toBe(true);
        expect(evaluate(compiled, request), `${id} ${resource}`).toBe(
          await referenceVerdict({ identity, principal, request }),
        );
      }
    }
  });
});
