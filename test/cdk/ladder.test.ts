import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { CfnElement } from 'aws-cdk-lib';
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { beforeAll, describe, expect, it } from 'vitest';
import { BORROWER_EVENT_TYPES } from '../../functions/domain/events.js';
import { bundledPolicies } from '../../functions/domain/policies.js';
import {
  BORROWER_DETAIL_TYPES,
  ERASURE_DETAIL_TYPES,
  INTAKE_DETAIL_TYPES,
  Ladder,
  PROJECT_ROOT,
} from '../../lib/ladder.js';
import { FUNCTION_GB } from '../../local/cost.js';

type Json = Record<string, unknown>;
interface Resource {
  Type: string;
  Properties?: Json;
  DeletionPolicy?: string;
  DependsOn?: string | string[];
}
interface Statement {
  Effect: 'Allow' | 'Deny';
  Action: string | string[];
  Resource: unknown;
}
/** One statement of an identity policy, with the roles it is attached to. */
interface Grant {
  roles: string[];
  actions: string[];
  resources: unknown[];
}

const FORBIDDEN_ON_LEDGER = [
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
  'dynamodb:*',
];
const READS = ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query', 'dynamodb:Scan', 'dynamodb:*'];

const asArray = <T>(value: T | T[] | undefined): T[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];
const mentions = (value: unknown, logicalId: string): boolean =>
  JSON.stringify(value).includes(`"${logicalId}"`);

/** Every Allow statement of every identity policy (AWS::IAM::Policy and inline role policies). */
function grantsOf(resources: Record<string, Resource>): Grant[] {
  const grants: Grant[] = [];
  for (const [logicalId, resource] of Object.entries(resources)) {
    const documents: Array<{ roles: string[]; statements: Statement[] }> = [];
    if (resource.Type === 'AWS::IAM::Policy' || resource.Type === 'AWS::IAM::ManagedPolicy') {
      const props = resource.Properties as {
        Roles?: Array<{ Ref: string }>;
        PolicyDocument: { Statement: Statement[] };
      };
      documents.push({
        roles: asArray(props.Roles).map((r) => r.Ref),
        statements: props.PolicyDocument.Statement,
      });
    }
    if (resource.Type === 'AWS::IAM::Role') {
      const props = resource.Properties as {
        Policies?: Array<{ PolicyDocument: { Statement: Statement[] } }>;
      };
      for (const policy of asArray(props.Policies)) {
        documents.push({ roles: [logicalId], statements: policy.PolicyDocument.Statement });
      }
    }
    for (const { roles, statements } of documents) {
      for (const statement of statements) {
        if (statement.Effect !== 'Allow') continue;
        grants.push({ roles, actions: asArray(statement.Action), resources: asArray(statement.Resource) });
      }
    }
  }
  return grants;
}

describe('Ladder construct', () => {
  let stack: Stack;
  let ladder: Ladder;
  let template: Template;
  let resources: Record<string, Resource>;
  let grants: Grant[];
  const logicalId = (element: { node: { defaultChild?: unknown } }): string =>
    stack.getLogicalId(element.node.defaultChild as CfnElement);
  const roleId = (fn: { role?: { node: { defaultChild?: unknown } } }): string => {
    if (!fn.role) throw new Error('function without a role');
    return logicalId(fn.role);
  };

  beforeAll(() => {
    const cdkJson = JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'cdk.json'), 'utf8')) as {
      context: Json;
    };
    // Same feature flags as the CLI; no esbuild here (bundling is covered by the synth test).
    const app = new App({ context: { ...cdkJson.context, 'aws:cdk:bundling-stacks': [] } });
    stack = new Stack(app, 'Test');
    ladder = new Ladder(stack, 'Ladder', { alarmEmail: 'ops@example.com' });
    template = Template.fromStack(stack);
    resources = template.toJSON().Resources as Record<string, Resource>;
    grants = grantsOf(resources);
  });

  /** dynamodb:* actions granted per role on a table (statements naming the table or its indexes). */
  const tableActions = (tableLogicalId: string): Map<string, Set<string>> => {
    const byRole = new Map<string, Set<string>>();
    for (const grant of grants) {
      if (!grant.resources.some((r) => mentions(r, tableLogicalId) || r === '*')) continue;
      for (const role of grant.roles) {
        const set = byRole.get(role) ?? new Set<string>();
        for (const action of grant.actions.filter((a) => a.startsWith('dynamodb:'))) set.add(action);
        if (set.size > 0) byRole.set(role, set);
      }
    }
    return byRole;
  };

  it('has STANDARD state machines (one per policy, and the audit), logging ALL without execution data, traced', () => {
    template.resourceCountIs(
      'AWS::StepFunctions::StateMachine',
      Object.keys(ladder.workflow.stateMachines).length + 1,
    );
    template.allResourcesProperties('AWS::StepFunctions::StateMachine', {
      StateMachineType: 'STANDARD',
      LoggingConfiguration: { Level: 'ALL', IncludeExecutionData: false },
      TracingConfiguration: { Enabled: true },
    });
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      StateMachineType: 'STANDARD',
      LoggingConfiguration: {
        Level: 'ALL',
        IncludeExecutionData: false,
        Destinations: [{ CloudWatchLogsLogGroup: { LogGroupArn: Match.anyValue() } }],
      },
      TracingConfiguration: { Enabled: true },
      DefinitionS3Location: Match.anyValue(),
      DefinitionSubstitutions: {
        Partition: { Ref: 'AWS::Partition' },
        StageFunctionArn: { 'Fn::GetAtt': [logicalId(ladder.workflow.stageFunction), 'Arn'] },
        HumanTaskFunctionArn: { 'Fn::GetAtt': [logicalId(ladder.workflow.humanTaskFunction), 'Arn'] },
        EventBusName: { Ref: logicalId(ladder.routing.bus) },
      },
    });
  });

  it('runs twelve functions on nodejs24.x, arm64, traced, each with its own log group', () => {
    // Ladder's own; the thirteenth is CDK's BucketDeployment handler (Python), which deploys the pages.
    const functions = Object.fromEntries(
      Object.entries(template.findResources('AWS::Lambda::Function')).filter(
        ([, fn]) => !String(fn.Properties?.Runtime).startsWith('python'),
      ),
    );
    expect(Object.keys(functions)).toHaveLength(12);
    const logGroups = new Set<string>();
    for (const fn of Object.values(functions)) {
      expect(fn.Properties).toMatchObject({
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        TracingConfig: { Mode: 'Active' },
        Environment: {
          Variables: {
            POWERTOOLS_SERVICE_NAME: 'ladder',
            POWERTOOLS_METRICS_NAMESPACE: 'Ladder',
            POWERTOOLS_LOG_LEVEL: 'INFO',
            NODE_OPTIONS: '--enable-source-maps',
          },
        },
      });
      logGroups.add(JSON.stringify(fn.Properties.LoggingConfig.LogGroup));
    }
    expect(logGroups.size).toBe(Object.keys(functions).length);
    // The cost model prices the functions at their memory (the audit's own 1 GB aside).
    const sizes = Object.values(functions).map((fn) => fn.Properties.MemorySize);
    expect(sizes.filter((mb) => mb === FUNCTION_GB * 1024).length).toBeGreaterThanOrEqual(sizes.length - 1);
    for (const group of Object.values(template.findResources('AWS::Logs::LogGroup'))) {
      expect(group.Properties).toMatchObject({ RetentionInDays: 365, KmsKeyId: expect.anything() });
    }
    // No AWS managed policy (AWSLambdaBasicExecutionRole): each role writes to its own log group only.
    // The one exception is API Gateway's account-level CloudWatch role, whose policy AWS defines.
    const account = template.findResources('AWS::ApiGateway::Account');
    const accountRole = JSON.stringify(Object.values(account)[0]?.Properties.CloudWatchRoleArn);
    for (const [id, role] of Object.entries(template.findResources('AWS::IAM::Role'))) {
      if (accountRole.includes(`"${id}"`)) continue;
      expect(role.Properties.ManagedPolicyArns, id).toBeUndefined();
    }
  });

  it('gives each function the environment its handler reads', () => {
    const env = (fn: { node: { defaultChild?: unknown } }): Json => {
      const props = resources[logicalId(fn)]?.Properties as
        | { Environment?: { Variables?: Json } }
        | undefined;
      return props?.Environment?.Variables ?? {};
    };
    expect(Object.keys(env(ladder.intake.intakeFunction))).toEqual(
      expect.arrayContaining(['CASES_TABLE', 'CONTACTS_TABLE', 'STATE_MACHINE_ARNS']),
    );
    expect(Object.keys(env(ladder.workflow.stageFunction))).toEqual(
      expect.arrayContaining([
        'CASES_TABLE',
        'CONTACTS_TABLE',
        'LEDGER_TABLE',
        'EVENT_BUS_NAME',
        'SENDER_EMAIL',
      ]),
    );
    expect(env(ladder.workflow.stageFunction).SENDER_EMAIL).toBe('collections@example.com');
    expect(Object.keys(env(ladder.workflow.humanTaskFunction))).toEqual(
      expect.arrayContaining(['CASES_TABLE', 'TASKS_TABLE']),
    );
    expect(Object.keys(env(ladder.borrowerEvents.eventsFunction))).toEqual(
      expect.arrayContaining(['CASES_TABLE', 'TASKS_TABLE', 'EVENT_BUS_NAME']),
    );
    expect(Object.keys(env(ladder.workflow.stageFunction))).toEqual(
      expect.arrayContaining(['EVIDENCE_BUCKET']),
    );
    expect(Object.keys(env(ladder.workQueue.agentApiFunction))).toEqual(
      expect.arrayContaining(['TASKS_TABLE']),
    );
    expect(Object.keys(env(ladder.erasure.erasureFunction))).toEqual(
      expect.arrayContaining(['CASES_TABLE', 'CONTACTS_TABLE']),
    );
    expect(Object.keys(env(ladder.consent.inboundSmsFunction))).toEqual(
      expect.arrayContaining(['CASES_TABLE', 'CONTACTS_TABLE']),
    );
    expect(Object.keys(env(ladder.audit.auditFunction))).toEqual(
      expect.arrayContaining(['LEDGER_TABLE', 'CASES_TABLE']),
    );
    expect(Object.keys(env(ladder.audit.auditFunction))).not.toContain('CONTACTS_TABLE');
  });

  it('encrypts every table with a customer-managed key, PITR on, retained, deletion-protected', () => {
    const tables = template.findResources('AWS::DynamoDB::Table');
    expect(Object.keys(tables)).toHaveLength(6);
    // What borrowers wrote is kept like their contact details: under the contact key.
    const underContactKey = [logicalId(ladder.tables.contacts), logicalId(ladder.tables.conversations)];
    for (const [id, table] of Object.entries(tables)) {
      const key = underContactKey.includes(id) ? ladder.keys.contactKey : ladder.keys.caseKey;
      expect(table.Properties).toMatchObject({
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        SSESpecification: {
          SSEEnabled: true,
          SSEType: 'KMS',
          KMSMasterKeyId: { 'Fn::GetAtt': [logicalId(key), 'Arn'] },
        },
        DeletionProtectionEnabled: true,
      });
      expect(table.DeletionPolicy).toBe('Retain');
    }
    // Finding a borrower by phone (inbound STOP) or by e-mail address (an e-mail reply) copies no name,
    // and neither contact point into the other's index.
    expect(resources[logicalId(ladder.tables.contacts)]?.Properties?.GlobalSecondaryIndexes).toEqual([
      {
        IndexName: 'byPhone',
        KeySchema: [{ AttributeName: 'phone', KeyType: 'HASH' }],
        Projection: { ProjectionType: 'KEYS_ONLY' },
      },
      {
        IndexName: 'byEmail',
        KeySchema: [{ AttributeName: 'email', KeyType: 'HASH' }],
        Projection: { ProjectionType: 'KEYS_ONLY' },
      },
    ]);
  });

  it("sets API Gateway's account CloudWatch role (a logging stage cannot deploy without it), unless told not to", () => {
    template.resourceCountIs('AWS::ApiGateway::Account', 1);
    const without = Template.fromStack(
      (() => {
        const stack = new Stack(new App({ context: { 'aws:cdk:bundling-stacks': [] } }), 'NoAccountRole');
        new Ladder(stack, 'Ladder', { apiGatewayCloudWatchRole: false });
        return stack;
      })(),
    );
    without.resourceCountIs('AWS::ApiGateway::Account', 0);
  });

  it('has two customer-managed encryption keys with rotation, and three HMAC keys for seals, phone lines and links', () => {
    template.resourceCountIs('AWS::KMS::Key', 5);
    const keys = template.findResources('AWS::KMS::Key');
    for (const key of [ladder.keys.caseKey, ladder.keys.contactKey]) {
      expect(keys[logicalId(key)]?.Properties.EnableKeyRotation).toBe(true);
    }
    for (const key of [ladder.keys.sealKey, ladder.keys.lineKey, ladder.keys.linkKey]) {
      expect(keys[logicalId(key)]?.Properties).toMatchObject({
        KeySpec: 'HMAC_256',
        KeyUsage: 'GENERATE_VERIFY_MAC',
      });
    }
    for (const key of Object.values(keys)) expect(key.DeletionPolicy).toBe('Retain');
  });

  it('lets only the ledger writer make seals and phone pseudonyms only intake and a verified correction; the auditor may only verify', () => {
    const macActions = (key: kms.IKey) =>
      Object.fromEntries(
        grants
          .filter(
            (g) =>
              g.resources.some((r) => mentions(r, logicalId(key))) &&
              g.actions.some((a) => a.includes('Mac')),
          )
          .map((g) => [g.roles.join(','), g.actions.sort()]),
      );
    expect(macActions(ladder.keys.sealKey)).toEqual({
      [roleId(ladder.ledgerWriter.writerFunction)]: ['kms:GenerateMac'],
      [roleId(ladder.audit.auditFunction)]: ['kms:VerifyMac'],
    });
    // A phone number the borrower corrects on the page is a new line: the borrower API makes its pseudonym.
    expect(macActions(ladder.keys.lineKey)).toEqual({
      [roleId(ladder.intake.intakeFunction)]: ['kms:GenerateMac'],
      [roleId(ladder.borrowerApi.apiFunction)]: ['kms:GenerateMac'],
    });
    // Borrower links: the stage signs them into messages, the borrower API only checks them.
    expect(macActions(ladder.keys.linkKey)).toEqual({
      [roleId(ladder.workflow.stageFunction)]: ['kms:GenerateMac'],
      [roleId(ladder.borrowerApi.apiFunction)]: ['kms:VerifyMac'],
    });
    expect(grants.some((g) => g.actions.some((a) => a === 'kms:*' || a === 'kms:GenerateMac*'))).toBe(false);
  });

  it('routes the detail-types from the upstream source only to the intake queue and the events function, with a DLQ and a retry policy', () => {
    template.resourceCountIs('AWS::Events::EventBus', 1);
    const busId = logicalId(ladder.routing.bus);
    const dlqArn = (queue: sqs.IQueue) => ({ 'Fn::GetAtt': [logicalId(queue), 'Arn'] });
    const intakeQueueId = logicalId(ladder.intake.queue);
    // The rule of SES's delivery events is on the account's default bus (functions/delivery): not routed here.
    const onBus = Object.values(template.findResources('AWS::Events::Rule')).filter(
      (r) => r.Properties.EventBusName !== 'default',
    );
    // Ladder's own events (source 'ladder') go out, never in: with no consumers, to the unconsumed queue.
    const outbound = onBus.filter((r) => r.Properties.EventPattern.source.includes('ladder'));
    expect(outbound.map((r) => r.Properties.Targets.map((t: Json) => JSON.stringify(t.Arn)))).toEqual([
      [JSON.stringify({ 'Fn::GetAtt': [logicalId(ladder.outbound.unconsumedQueue as sqs.Queue), 'Arn'] })],
    ]);
    const rules = onBus.filter((r) => !outbound.includes(r));
    const routed = new Map<string, string>();
    for (const rule of rules) {
      expect(rule.Properties.EventBusName).toEqual({ Ref: busId });
      // Ladder's own source ('ladder', the only one its functions may publish with) reaches no function.
      expect(rule.Properties.EventPattern.source).toEqual(['lender.loans']);
      const [target, ...others] = rule.Properties.Targets as Array<
        Json & { Arn: { 'Fn::GetAtt': [string] } }
      >;
      expect(others).toHaveLength(0);
      // LoanDelinquent carries contact details: its dead letters stay under the contact key.
      const toIntake = target?.Arn['Fn::GetAtt'][0] === intakeQueueId;
      expect(target).toMatchObject({
        DeadLetterConfig: {
          Arn: dlqArn(toIntake ? ladder.intake.deadLetterQueue : ladder.routing.deadLetterQueue),
        },
        RetryPolicy: {
          MaximumRetryAttempts: expect.any(Number),
          MaximumEventAgeInSeconds: expect.any(Number),
        },
      });
      for (const type of rule.Properties.EventPattern['detail-type'] as string[]) {
        routed.set(type, target?.Arn['Fn::GetAtt'][0] ?? '');
      }
    }
    const intake = logicalId(ladder.intake.queue);
    const events = logicalId(ladder.borrowerEvents.eventsFunction);
    const erasure = logicalId(ladder.erasure.erasureFunction);
    const delivery = logicalId(ladder.delivery.deliveryFunction);
    expect(Object.fromEntries(routed)).toEqual({
      LetterDispatched: delivery,
      LoanDelinquent: intake,
      PaymentReceived: events,
      BalanceChanged: events,
      BorrowerOptedOut: events,
      BorrowerOptedIn: events,
      DisputeOpened: events,
      DisputeResolved: events,
      PromiseToPayMade: events,
      RepaymentPlanAccepted: events,
      HardshipReported: events,
      BorrowerStatusChanged: events,
      ContactPointVerified: events,
      BorrowerPreferencesChanged: events,
      BorrowerErasureRequested: erasure,
    });
    // Every borrower event is routed: to the events function, or (erasure) to the erasure function.
    expect([...BORROWER_DETAIL_TYPES, ...ERASURE_DETAIL_TYPES].sort()).toEqual(
      [...BORROWER_EVENT_TYPES].sort(),
    );
    expect(INTAKE_DETAIL_TYPES).toEqual(['LoanDelinquent']);
    template.hasResourceProperties('AWS::SQS::Queue', {
      KmsMasterKeyId: { 'Fn::GetAtt': [logicalId(ladder.keys.caseKey), 'Arn'] },
    });
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  it('alarms on failures, timeouts, errors, send failures and dead letters through an encrypted topic', () => {
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm'));
    expect(alarms.length).toBeGreaterThanOrEqual(3);
    const topicRef = { Ref: logicalId(ladder.monitoring.alarmTopic) };
    for (const alarm of alarms) expect(alarm.Properties.AlarmActions).toEqual([topicRef]);
    const metrics = alarms.map((a) => `${a.Properties.Namespace}/${a.Properties.MetricName}`);
    expect(metrics).toEqual(
      expect.arrayContaining([
        'AWS/States/ExecutionsFailed',
        'AWS/States/ExecutionsTimedOut',
        'AWS/Lambda/Errors',
        'Ladder/SendFailures',
        'Ladder/LedgerChainsBroken',
        'Ladder/ComplianceViolations',
        'AWS/SQS/ApproximateNumberOfMessagesVisible',
      ]),
    );
    expect(metrics.filter((m) => m === 'AWS/Lambda/Errors')).toHaveLength(11);
    // A broken chain (> 0) alarms, and stays in alarm until the next daily audit finds the ledger intact.
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'Ladder',
      MetricName: 'LedgerChainsBroken',
      Dimensions: [{ Name: 'service', Value: 'ladder' }],
      Period: 86_400,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
    // A compliance violation in the day the audit checked alarms for that day's period.
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'Ladder',
      MetricName: 'ComplianceViolations',
      Dimensions: [{ Name: 'service', Value: 'ladder' }],
      Period: 86_400,
      Statistic: 'Maximum',
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'Ladder',
      MetricName: 'SendFailures',
      Dimensions: [{ Name: 'service', Value: 'ladder' }],
    });
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'ops@example.com',
    });
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    const body = JSON.stringify(template.findResources('AWS::CloudWatch::Dashboard'));
    for (const metric of [
      'ExecutionsStarted',
      'ExecutionsSucceeded',
      'ExecutionsFailed',
      'SendFailures',
      'ContactsBlocked',
    ]) {
      expect(body).toContain(metric);
    }
  });

  it('never lets any role update, delete or batch-write the ledger', () => {
    const ledger = logicalId(ladder.tables.ledger);
    let statementsOnLedger = 0;
    for (const grant of grants) {
      const onLedger = grant.resources.some((r) => mentions(r, ledger));
      const onEverything = grant.resources.includes('*');
      if (!onLedger && !onEverything) continue;
      if (onLedger) statementsOnLedger++;
      for (const action of grant.actions) {
        expect(FORBIDDEN_ON_LEDGER).not.toContain(action);
        // A '*' resource would reach the ledger too: no DynamoDB action may be granted on it.
        if (onEverything) expect(action.startsWith('dynamodb:')).toBe(false);
      }
    }
    expect(statementsOnLedger).toBeGreaterThan(0);
    // Only the ledger writer appends to the ledger (PutItem + Query); the stage may only read it (it asks
    // the writer, which seals every record); the auditor only reads it (Scan its segment, Query the
    // chains other segments hold), and the audit state machine only reads its item count.
    expect(
      Object.fromEntries([...tableActions(ledger)].map(([role, actions]) => [role, [...actions].sort()])),
    ).toEqual({
      [roleId(ladder.ledgerWriter.writerFunction)]: ['dynamodb:PutItem', 'dynamodb:Query'],
      [roleId(ladder.workflow.stageFunction)]: ['dynamodb:Query'],
      [roleId(ladder.delivery.deliveryFunction)]: ['dynamodb:Query'],
      // It reads a loan's conversation chain to append a reply's REPLY record through the writer.
      [roleId(ladder.consent.inboundSmsFunction)]: ['dynamodb:Query'],
      // The agent desk shows a task's case timeline (read only).
      [roleId(ladder.desk.deskApiFunction)]: ['dynamodb:Query'],
      // PROFILE records (preferences, contact corrections) on the profile chains, through the writer.
      [roleId(ladder.borrowerEvents.eventsFunction)]: ['dynamodb:Query'],
      [roleId(ladder.borrowerApi.apiFunction)]: ['dynamodb:Query'],
      [roleId(ladder.audit.auditFunction)]: ['dynamodb:Query', 'dynamodb:Scan'],
      [logicalId(ladder.audit.stateMachine.role)]: ['dynamodb:DescribeTable'],
    });
    const seals = logicalId(ladder.tables.seals);
    expect(
      Object.fromEntries([...tableActions(seals)].map(([role, actions]) => [role, [...actions].sort()])),
    ).toEqual({
      [roleId(ladder.ledgerWriter.writerFunction)]: ['dynamodb:PutItem'],
      [roleId(ladder.audit.auditFunction)]: ['dynamodb:Query', 'dynamodb:Scan'],
    });
  });

  it('paces intake: the queue drains into the intake function at most intakeConcurrency at a time, failures alone', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: logicalId(ladder.intake.intakeFunction) },
      EventSourceArn: { 'Fn::GetAtt': [logicalId(ladder.intake.queue), 'Arn'] },
      BatchSize: 10,
      ScalingConfig: { MaximumConcurrency: 5 },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
    template.resourceCountIs('AWS::Lambda::EventSourceMapping', 1);
    const contactKeyArn = { 'Fn::GetAtt': [logicalId(ladder.keys.contactKey), 'Arn'] };
    const queue = resources[logicalId(ladder.intake.queue)]?.Properties as Json;
    expect(queue).toMatchObject({
      KmsMasterKeyId: contactKeyArn,
      VisibilityTimeout: 180,
      RedrivePolicy: {
        deadLetterTargetArn: { 'Fn::GetAtt': [logicalId(ladder.intake.deadLetterQueue), 'Arn'] },
        maxReceiveCount: 5,
      },
    });
    // The events it holds carry contact details: the queue, its dead letters and EventBridge's way in
    // are under the contact key, and an alarm watches the dead letters.
    const dlq = resources[logicalId(ladder.intake.deadLetterQueue)]?.Properties as Json;
    expect(dlq).toMatchObject({ KmsMasterKeyId: contactKeyArn });
    template.hasResourceProperties('AWS::KMS::Key', {
      Description: Match.stringLikeRegexp('contact details'),
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Sid: 'AllowEventsToIntakeQueues',
            Principal: { Service: 'events.amazonaws.com' },
            Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
          }),
        ]),
      },
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Dimensions: [
        {
          Name: 'QueueName',
          Value: { 'Fn::GetAtt': [logicalId(ladder.intake.deadLetterQueue), 'QueueName'] },
        },
      ],
    });
    // Nothing invokes intake asynchronously any more: it has no async dead-letter config.
    const fn = resources[logicalId(ladder.intake.intakeFunction)]?.Properties as Json;
    expect(fn.DeadLetterConfig).toBeUndefined();
  });

  it('refuses, at synth, to grant anything but PutItem, Query and Scan on the ledger', () => {
    const fn = ladder.audit.auditFunction;
    expect(() => ladder.tables.bind(fn, 'ledger', ['dynamodb:DeleteItem' as never])).toThrow(/append-only/);
    expect(() => ladder.tables.bind(fn, 'ledger', ['dynamodb:UpdateItem' as never])).toThrow(/append-only/);
  });

  it('starts the audit state machine daily through EventBridge Scheduler, with a role that may start only it', () => {
    const machine = logicalId(ladder.audit.stateMachine);
    const schedules = Object.values(template.findResources('AWS::Scheduler::Schedule'));
    expect(schedules).toHaveLength(1);
    expect(schedules[0]?.Properties).toMatchObject({
      ScheduleExpression: 'cron(17 3 * * ? *)',
      Target: { Arn: { Ref: machine }, Input: '{}' },
    });
    const target = schedules[0]?.Properties.Target as { RoleArn: { 'Fn::GetAtt': [string] } };
    const roleRef = target.RoleArn['Fn::GetAtt'][0];
    expect(grants.filter((g) => g.roles.includes(roleRef))).toEqual([
      { roles: [roleRef], actions: ['states:StartExecution'], resources: [{ Ref: machine }] },
    ]);
  });

  it('takes two-way SMS on a topic under the contact key, delivered to the inbound function', () => {
    const topic = logicalId(ladder.consent.inboundSmsTopic);
    expect(resources[topic]?.Properties?.KmsMasterKeyId).toEqual({
      'Fn::GetAtt': [logicalId(ladder.keys.contactKey), 'Arn'],
    });
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'lambda',
      TopicArn: { Ref: topic },
      Endpoint: { 'Fn::GetAtt': [logicalId(ladder.consent.inboundSmsFunction), 'Arn'] },
    });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      Topics: [{ Ref: topic }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Principal: { Service: 'sms-voice.amazonaws.com' },
            Action: 'sns:Publish',
            Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
          }),
        ]),
      },
    });
  });

  it("lets only the stage function, the desk (for the claimer) and the borrower API (the link's own borrower) read contact details; the inbound function may only look a phone up in byPhone and an address in byEmail", () => {
    const contacts = logicalId(ladder.tables.contacts);
    const readers = [...tableActions(contacts)]
      .filter(([, actions]) => [...actions].some((a) => READS.includes(a)))
      .map(([role]) => role);
    expect(readers.sort()).toEqual(
      [
        roleId(ladder.workflow.stageFunction),
        roleId(ladder.consent.inboundSmsFunction),
        roleId(ladder.desk.deskApiFunction),
        // The pending correction and its code's hash: GetItem and UpdateItem of the link's borrower.
        roleId(ladder.borrowerApi.apiFunction),
      ].sort(),
    );
    const inboundOnContacts = grants.filter(
      (g) =>
        g.roles.includes(roleId(ladder.consent.inboundSmsFunction)) &&
        g.resources.some((r) => mentions(r, contacts)),
    );
    // CDK merges statements: each (action, resource) pair on the contacts table, whatever statement holds it.
    const pairs = inboundOnContacts.flatMap((g) =>
      g.resources.filter((r) => mentions(r, contacts)).flatMap((r) => g.actions.map((a) => [a, r])),
    );
    const index = (name: string) => ({
      'Fn::Join': ['', [{ 'Fn::GetAtt': [contacts, 'Arn'] }, `/index/${name}`]],
    });
    expect(pairs).toHaveLength(2);
    expect(pairs).toEqual(
      expect.arrayContaining([
        ['dynamodb:Query', index('byPhone')],
        ['dynamodb:Query', index('byEmail')],
      ]),
    );
    // The contact key is usable by the functions that touch contacts only, and only through DynamoDB.
    const contactKey = logicalId(ladder.keys.contactKey);
    const keyGrants = grants.filter((g) => g.resources.some((r) => mentions(r, contactKey)));
    expect([...new Set(keyGrants.flatMap((g) => g.roles))].sort()).toEqual(
      [
        roleId(ladder.intake.intakeFunction),
        roleId(ladder.workflow.stageFunction),
        roleId(ladder.consent.inboundSmsFunction),
        roleId(ladder.erasure.erasureFunction),
        // The conversations table (what borrowers wrote) is under the contact key: its text is shown to
        // the agent who claims the item, so the work-queue API may read it (GetItem only: see below).
        roleId(ladder.workQueue.agentApiFunction),
        // The agent desk shows the claimer the borrower's contact details and what they wrote.
        roleId(ladder.desk.deskApiFunction),
        roleId(ladder.borrowerApi.apiFunction),
      ].sort(),
    );
    for (const grant of keyGrants) expect(JSON.stringify(grant)).not.toContain('"kms:*"');
  });

  it('lets only the erasure function delete contact details and replies, and no function delete anything else', () => {
    const deleters = grants.filter((g) => g.actions.includes('dynamodb:DeleteItem'));
    expect([...new Set(deleters.flatMap((g) => g.roles))]).toEqual([roleId(ladder.erasure.erasureFunction)]);
    expect(deleters.flatMap((g) => g.resources)).toEqual([
      { 'Fn::GetAtt': [logicalId(ladder.tables.contacts), 'Arn'] },
      { 'Fn::GetAtt': [logicalId(ladder.tables.conversations), 'Arn'] },
    ]);
  });

  it('serves the work queue with IAM authorisation on every method but the desk’s (Cognito), and keeps evidence locked and encrypted', () => {
    const methodsOf = (api: { node: { defaultChild?: unknown } }) =>
      Object.values(template.findResources('AWS::ApiGateway::Method')).filter(
        (m) => JSON.stringify(m.Properties.RestApiId) === JSON.stringify({ Ref: logicalId(api) }),
      ) as Array<{ Properties: { AuthorizationType: string; RequestParameters?: Json } }>;
    const desk = logicalId(ladder.desk.deskApiFunction);
    const toDesk = (m: unknown) => JSON.stringify(m).includes(desk);
    const methods = methodsOf(ladder.workQueue.api).filter((m) => !toDesk(m));
    expect(methods.length).toBeGreaterThanOrEqual(6);
    for (const method of methods) expect(method.Properties.AuthorizationType).toBe('AWS_IAM');
    // The desk's routes on the same API: its proxy behind the Cognito authorizer, the sign-in config open.
    expect(
      methodsOf(ladder.workQueue.api)
        .filter(toDesk)
        .map((m) => m.Properties.AuthorizationType)
        .sort(),
    ).toEqual(['COGNITO_USER_POOLS', 'NONE']);
    // The borrower page's API: no account to sign in with, so no IAM; every method needs the link's
    // token in Authorization (the function verifies it with KMS before anything else).
    const borrower = methodsOf(ladder.borrowerApi.api);
    expect(borrower).toHaveLength(2);
    for (const method of borrower) {
      expect(method.Properties.AuthorizationType).toBe('NONE');
      expect(method.Properties.RequestParameters).toEqual({ 'method.request.header.Authorization': true });
    }
    template.hasResourceProperties('AWS::S3::Bucket', {
      ObjectLockEnabled: true,
      VersioningConfiguration: { Status: 'Enabled' },
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms' } }],
      },
    });
  });

  it('grants each function exactly its listed table actions', () => {
    const expected: Record<string, Record<string, string[]>> = {
      [roleId(ladder.intake.intakeFunction)]: {
        cases: ['PutItem', 'Query'],
        contacts: ['PutItem'],
      },
      [roleId(ladder.workflow.stageFunction)]: {
        cases: ['PutItem', 'Query'],
        contacts: ['GetItem'],
        conversations: ['GetItem'],
        ledger: ['Query'],
      },
      [roleId(ladder.ledgerWriter.writerFunction)]: {
        ledger: ['PutItem', 'Query'],
        seals: ['PutItem'],
      },
      [roleId(ladder.delivery.deliveryFunction)]: {
        cases: ['PutItem', 'Query'],
        ledger: ['Query'],
      },
      [roleId(ladder.workflow.humanTaskFunction)]: {
        cases: ['PutItem', 'Query'],
        tasks: ['GetItem', 'PutItem', 'UpdateItem'],
      },
      [roleId(ladder.borrowerEvents.eventsFunction)]: {
        cases: ['PutItem', 'Query'],
        ledger: ['Query'],
        tasks: ['PutItem', 'UpdateItem'],
      },
      [roleId(ladder.borrowerApi.apiFunction)]: {
        cases: ['PutItem', 'Query'],
        contacts: ['GetItem', 'UpdateItem'],
        ledger: ['Query'],
        tasks: ['GetItem', 'PutItem', 'UpdateItem'],
      },
      [roleId(ladder.workQueue.agentApiFunction)]: {
        cases: ['PutItem', 'Query'],
        conversations: ['GetItem', 'PutItem'],
        tasks: ['GetItem', 'Query', 'UpdateItem'],
      },
      [roleId(ladder.desk.deskApiFunction)]: {
        cases: ['PutItem', 'Query'],
        contacts: ['GetItem'],
        conversations: ['GetItem', 'PutItem'],
        ledger: ['Query'],
        tasks: ['GetItem', 'Query', 'UpdateItem'],
      },
      [roleId(ladder.erasure.erasureFunction)]: {
        cases: ['PutItem', 'Query'],
        contacts: ['DeleteItem'],
        conversations: ['DeleteItem', 'Query'],
        tasks: ['UpdateItem'],
      },
      [roleId(ladder.consent.inboundSmsFunction)]: {
        cases: ['PutItem', 'Query'],
        contacts: ['Query'],
        conversations: ['PutItem'],
        ledger: ['Query'],
        tasks: ['PutItem'],
      },
      [roleId(ladder.audit.auditFunction)]: {
        // The compliance check reads the day's borrowers by Query (byLoan, then their partition);
        // a segment Queries the chains and seals another segment's Scan holds.
        cases: ['Query'],
        ledger: ['Query', 'Scan'],
        seals: ['Query', 'Scan'],
      },
      [logicalId(ladder.audit.stateMachine.role)]: { ledger: ['DescribeTable'] },
    };
    const actual: Record<string, Record<string, string[]>> = {};
    for (const [name, table] of Object.entries(ladder.tables.byKey)) {
      for (const [role, actions] of tableActions(logicalId(table))) {
        actual[role] ??= {};
        (actual[role] as Record<string, string[]>)[name] = [...actions]
          .map((a) => a.replace('dynamodb:', ''))
          .sort();
      }
    }
    expect(actual).toEqual(expected);
  });

  it('grants Step Functions actions without a dependency cycle', () => {
    const sm = logicalId(ladder.workflow.stateMachine);
    const statesActions = (fn: Parameters<typeof roleId>[0]) =>
      grants
        .filter((g) => g.roles.includes(roleId(fn)) && g.resources.some((r) => mentions(r, sm)))
        .flatMap((g) => g.actions)
        .sort();
    expect(statesActions(ladder.intake.intakeFunction)).toEqual(['states:StartExecution']);
    expect(statesActions(ladder.workflow.humanTaskFunction)).toEqual([
      'states:SendTaskFailure',
      'states:SendTaskSuccess',
    ]);
    expect(statesActions(ladder.borrowerEvents.eventsFunction)).toEqual(['states:SendTaskSuccess']);
    expect(statesActions(ladder.erasure.erasureFunction)).toEqual(['states:SendTaskSuccess']);
    // The stage continues a ladder past an execution's year: StartExecution on the ladders, nothing else.
    expect(statesActions(ladder.workflow.stageFunction)).toEqual(['states:StartExecution']);
    const machines = Object.values(ladder.workflow.stateMachines).map((m) => logicalId(m));
    const stageStates = grants.filter(
      (g) =>
        g.roles.includes(roleId(ladder.workflow.stageFunction)) &&
        g.actions.some((a) => a.startsWith('states:')),
    );
    expect(stageStates.flatMap((g) => g.actions)).toEqual(['states:StartExecution']);
    const stageResources = stageStates.flatMap((g) => g.resources);
    expect(stageResources).toHaveLength(machines.length);
    for (const r of stageResources)
      expect(
        machines.some((m) => mentions(r, m)),
        JSON.stringify(r),
      ).toBe(true);
    expect(statesActions(ladder.consent.inboundSmsFunction)).toEqual([]);
    expect(statesActions(ladder.audit.auditFunction)).toEqual([]);

    // CloudFormation rejects a template whose Ref/GetAtt/DependsOn graph has a cycle: check it here.
    const edges = new Map<string, Set<string>>();
    const ids = Object.keys(resources);
    for (const [id, resource] of Object.entries(resources)) {
      const body = JSON.stringify(resource.Properties ?? {});
      const deps = new Set(asArray(resource.DependsOn));
      for (const other of ids) if (other !== id && body.includes(`"${other}"`)) deps.add(other);
      edges.set(id, deps);
    }
    const state = new Map<string, 'visiting' | 'done'>();
    const visit = (id: string, trail: string[]): void => {
      if (state.get(id) === 'done') return;
      if (state.get(id) === 'visiting') throw new Error(`dependency cycle: ${[...trail, id].join(' -> ')}`);
      state.set(id, 'visiting');
      for (const dep of edges.get(id) ?? []) visit(dep, [...trail, id]);
      state.set(id, 'done');
    };
    for (const id of ids) visit(id, []);
  });

  it('sends e-mail only from the sender domain identity and SMS only to phone numbers', () => {
    // The stage's messages, and the borrower API's one-time codes to a corrected contact point.
    const senders = [ladder.workflow.stageFunction, ladder.borrowerApi.apiFunction];
    for (const fn of senders) {
      const own = grants.filter((g) => g.roles.includes(roleId(fn)));
      const ses = own.filter((g) => g.actions.some((a) => a.startsWith('ses:')));
      expect(ses.flatMap((g) => g.actions)).toEqual(['ses:SendEmail']);
      expect(JSON.stringify(ses[0]?.resources)).toContain(':identity/example.com');
      template.hasResourceProperties('AWS::IAM::Policy', {
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: 'Deny', Action: 'sns:Publish', Resource: 'arn:*:sns:*:*:*' }),
          ]),
        },
        Roles: [{ Ref: roleId(fn) }],
      });
    }
    const publishers = grants.filter((g) => g.actions.includes('sns:Publish')).flatMap((g) => g.roles);
    expect(publishers.sort()).toEqual(senders.map(roleId).sort());
  });

  it('hard-codes no resource names, so the stack deploys twice in one account', () => {
    const named: Array<[string, string]> = [
      ['AWS::DynamoDB::Table', 'TableName'],
      ['AWS::StepFunctions::StateMachine', 'StateMachineName'],
      ['AWS::Lambda::Function', 'FunctionName'],
      ['AWS::Logs::LogGroup', 'LogGroupName'],
      ['AWS::SQS::Queue', 'QueueName'],
      ['AWS::SNS::Topic', 'TopicName'],
      ['AWS::IAM::Role', 'RoleName'],
      ['AWS::KMS::Key', 'KeyId'],
      ['AWS::CloudWatch::Alarm', 'AlarmName'],
      ['AWS::CloudWatch::Dashboard', 'DashboardName'],
      ['AWS::Scheduler::Schedule', 'Name'],
    ];
    // SNS writes SMS delivery status to log groups it names by account and region: the stack creates
    // them (or attaches to them: smsDeliveryStatusLogs 'existing', for a second stack in the account).
    const snsNamed = (r: { Properties?: Json }) =>
      JSON.stringify(r.Properties?.LogGroupName ?? '').includes('sns/');
    // CDK's BucketDeployment names its handler's log group after the handler's generated name.
    const derived = (r: { Properties?: Json }) =>
      /^\{"Fn::Join":\["",\["\/aws\/lambda\/",\{"Ref":"[A-Za-z0-9]+"\}\]\]\}$/.test(
        JSON.stringify(r.Properties?.LogGroupName ?? ''),
      );
    for (const [type, property] of named) {
      for (const resource of Object.values(template.findResources(type))) {
        if (type === 'AWS::Logs::LogGroup' && (snsNamed(resource) || derived(resource))) continue;
        expect(resource.Properties?.[property], `${type}.${property}`).toBeUndefined();
      }
    }
    // An event bus must have a name: it is derived from the stack name, never a literal.
    for (const bus of Object.values(template.findResources('AWS::Events::EventBus'))) {
      expect(typeof bus.Properties.Name).not.toBe('string');
      expect(JSON.stringify(bus.Properties.Name)).toContain('AWS::StackName');
    }
    for (const output of Object.values(template.toJSON().Outputs as Record<string, Json>)) {
      expect(output.Export).toBeUndefined();
    }
  });

  it('refuses an intake concurrency SQS event sources cannot have', () => {
    // No bundling: the check is on the props (each bundled function is an esbuild run, seconds on a busy machine).
    const noBundling = () => new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    for (const intakeConcurrency of [1, 2.5, 1001]) {
      expect(() => new Ladder(new Stack(noBundling(), 'Test'), 'Ladder', { intakeConcurrency })).toThrow(
        /intakeConcurrency must be an integer from 2 to 1000/,
      );
    }
  });

  it('exposes the bus name and the state machine ARN as outputs', () => {
    const outputs = Object.values(template.toJSON().Outputs as Record<string, { Value: unknown }>);
    expect(outputs.map((o) => o.Value)).toEqual(
      expect.arrayContaining([
        { Ref: logicalId(ladder.routing.bus) },
        { Ref: logicalId(ladder.workflow.stateMachine) },
      ]),
    );
  });
});

describe('Ladder policies', () => {
  it('deploys one STANDARD state machine per bundled policy and tells the intake every ARN', () => {
    const ladder = new Ladder(
      new Stack(new App({ context: { 'aws:cdk:bundling-stacks': [] } }), 'Policies'),
      'Ladder',
    );
    const ids = bundledPolicies()
      .all()
      .map((p) => p.id);
    expect(Object.keys(ladder.workflow.stateMachines).sort()).toEqual([...ids].sort());
    const template = Template.fromStack(Stack.of(ladder));
    template.resourceCountIs('AWS::StepFunctions::StateMachine', ids.length + 1);
    const intake = template.findResources('AWS::Lambda::Function', {
      Properties: { Description: 'Ladder: opens a case for a delinquent loan and starts its ladder' },
    });
    const env = JSON.stringify(Object.values(intake)[0]);
    for (const id of ids) expect(env).toContain(`\\"${id}\\":`);
  });
});
