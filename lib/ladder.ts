import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  ArnFormat,
  Aws,
  aws_apigateway as apigateway,
  CfnOutput,
  aws_cloudwatch as cloudwatch,
  aws_cloudwatch_actions as cloudwatchActions,
  Duration,
  aws_dynamodb as dynamodb,
  aws_events as events,
  aws_iam as iam,
  aws_kms as kms,
  aws_lambda as lambda,
  aws_logs as logs,
  Names,
  aws_lambda_nodejs as nodejs,
  RemovalPolicy,
  Stack,
  aws_s3 as s3,
  aws_scheduler as scheduler,
  aws_stepfunctions as sfn,
  aws_sns as sns,
  aws_lambda_event_sources as sources,
  aws_sqs as sqs,
  aws_sns_subscriptions as subscriptions,
  aws_events_targets as targets,
  Validations,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { TABLE_ENV, TABLES, type TableDef } from '../functions/adapters/tables.js';
import { bundledPolicies } from '../functions/domain/policies.js';
import { definitionFile, renderLadderJson } from '../statemachines/render.js';
import { LAMBDA_BUNDLING, LAMBDA_ENTRIES } from './bundling.js';

/** The repository root: entries, the lock file, the ASL and policies are resolved from here, not from cwd. */
export const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Detail-types routed to the intake function: a loan became delinquent, open a case. */
export const INTAKE_DETAIL_TYPES = ['LoanDelinquent'] as const;

/** Detail-types routed to the events function: payments and everything the borrower says or does. */
export const BORROWER_DETAIL_TYPES = [
  'PaymentReceived',
  'BorrowerOptedOut',
  'BorrowerOptedIn',
  'DisputeOpened',
  'DisputeResolved',
  'PromiseToPayMade',
  'RepaymentPlanAccepted',
  'HardshipReported',
  'BorrowerStatusChanged',
  'ContactPointVerified',
] as const;

/** Detail-types routed to the erasure function: the only one that may delete contact details. */
export const ERASURE_DETAIL_TYPES = ['BorrowerErasureRequested'] as const;

/** Custom metrics the functions emit with Powertools (namespace Ladder, default dimension service=ladder). */
export const METRICS_NAMESPACE = 'Ladder';
export const SERVICE_NAME = 'ladder';

/**
 * The only DynamoDB actions a function can be granted. BatchWriteItem is not expressible; on the
 * append-only ledger only PutItem, Query and Scan are (the type says so, and bindTable checks it).
 */
export type TableAction =
  | 'dynamodb:GetItem'
  | 'dynamodb:PutItem'
  | 'dynamodb:Query'
  | 'dynamodb:Scan'
  | 'dynamodb:UpdateItem'
  | 'dynamodb:DeleteItem';
export type LedgerAction = 'dynamodb:PutItem' | 'dynamodb:Query' | 'dynamodb:Scan';
const LEDGER_ACTIONS: readonly string[] = ['dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:Scan'];

export interface LadderProps {
  /** An e-mail address subscribed to the alarm topic. @default - no subscription */
  readonly alarmEmail?: string;
  /**
   * The From address of e-mail notices; the stage function may send only from its domain's SES identity.
   * @default 'collections@example.com'
   */
  readonly senderEmail?: string;
  /** An SES configuration set used when sending e-mail (delivery, bounce and complaint events). */
  readonly sesConfigurationSet?: string;
  /**
   * Retention of every log group (the functions and the state machine).
   * @default ONE_YEAR: a Standard execution lives at most one year, so the logs of a case's start stay
   * readable for as long as the case can be open; the audit record itself is the ledger table.
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * Removal policy of the data: tables, KMS keys and log groups (they share the keys: destroying a key
   * while keeping a table would make the table unreadable). Deletion protection of the tables is on
   * unless this is DESTROY.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * How many intake functions drain the intake queue at once (SQS event source maximum concurrency,
   * at least 2): the ceiling on how fast ladders start. Step Functions refills StartExecution at 300
   * a second in the large regions (less elsewhere and for new accounts): keep concurrency times each
   * intake's starts a second under your account's rate, and a month-start batch waits in the queue.
   * @default 5
   */
  readonly intakeConcurrency?: number;
}

type TableKey = keyof typeof TABLES;

/** Every function's timeout: well under the stage tasks' TimeoutSeconds (60), so Lambda's comes first. */
const FUNCTION_TIMEOUT = Duration.seconds(30);

/** Escalation ladder for collections: intake, the Step Functions ladder, contacts, human tasks and events. */
export class Ladder extends Construct {
  public readonly caseKey: kms.Key;
  public readonly contactKey: kms.Key;
  public readonly tables: Readonly<Record<TableKey, dynamodb.Table>>;
  public readonly casesTable: dynamodb.Table;
  public readonly contactsTable: dynamodb.Table;
  public readonly ledgerTable: dynamodb.Table;
  public readonly tasksTable: dynamodb.Table;
  public readonly bus: events.EventBus;
  public readonly deadLetterQueue: sqs.Queue;
  /** LoanDelinquent events wait here for intake, which starts ladders no faster than its concurrency. */
  public readonly intakeQueue: sqs.Queue;
  /** LoanDelinquent events intake or EventBridge could not handle: they hold contact details. */
  public readonly intakeDeadLetterQueue: sqs.Queue;
  public readonly intakeFunction: nodejs.NodejsFunction;
  public readonly stageFunction: nodejs.NodejsFunction;
  public readonly humanTaskFunction: nodejs.NodejsFunction;
  public readonly eventsFunction: nodejs.NodejsFunction;
  public readonly auditFunction: nodejs.NodejsFunction;
  public readonly inboundSmsFunction: nodejs.NodejsFunction;
  public readonly erasureFunction: nodejs.NodejsFunction;
  /** Two-way SMS arrives here (point the phone number's two-way channel at it): replies such as STOP. */
  public readonly inboundSmsTopic: sns.Topic;
  public readonly auditSchedule: scheduler.CfnSchedule;
  public readonly agentApiFunction: nodejs.NodejsFunction;
  /** The work-queue API for agents and agencies (IAM authorisation). */
  public readonly agentApi: apigateway.RestApi;
  /** Evidence packs handed to legal: encrypted, versioned, object-locked. */
  public readonly evidenceBucket: s3.Bucket;
  /** The default policy's ladder. */
  public readonly stateMachine: sfn.StateMachine;
  /** One ladder per bundled policy (policies/*.json, listed in functions/domain/policies.ts), by policy id. */
  public readonly stateMachines: Readonly<Record<string, sfn.StateMachine>>;
  public readonly alarmTopic: sns.Topic;
  public readonly alarms: cloudwatch.Alarm[] = [];
  public readonly dashboard: cloudwatch.Dashboard;

  private readonly retention: logs.RetentionDays;
  private readonly removalPolicy: RemovalPolicy;

  constructor(scope: Construct, id: string, props: LadderProps = {}) {
    super(scope, id);
    const stack = Stack.of(this);
    this.retention = props.logRetention ?? logs.RetentionDays.ONE_YEAR;
    this.removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;

    // The functions bundle the policies (functions/domain/policies.ts) and validate them at load; here
    // each policy's committed ASL must be the one rendered from it: a ladder whose states disagree with
    // the policy the functions apply would be a silent, costly bug.
    const policies = bundledPolicies().all();
    for (const policy of policies) {
      const file = definitionFile(policy.id);
      if (readFileSync(path.join(PROJECT_ROOT, file), 'utf8') !== renderLadderJson(policy)) {
        throw new Error(
          `Ladder: ${file} was not rendered from policy "${policy.id}": run \`npm run render\`.`,
        );
      }
    }

    const senderEmail = props.senderEmail ?? 'collections@example.com';
    const senderDomain = senderEmail.split('@')[1];
    if (!senderDomain || senderEmail.split('@').length !== 2) {
      throw new Error(`Ladder: senderEmail "${senderEmail}" is not an e-mail address`);
    }

    // ---- Keys -------------------------------------------------------------------------------------------
    this.caseKey = new kms.Key(this, 'CaseKey', {
      description: 'Ladder: cases, ledger, tasks, logs, dead letters and alarms',
      enableKeyRotation: true,
      removalPolicy: this.removalPolicy,
    });
    this.contactKey = new kms.Key(this, 'ContactKey', {
      description: 'Ladder: borrower contact details (names, phone numbers, e-mail addresses) only',
      enableKeyRotation: true,
      removalPolicy: this.removalPolicy,
    });
    // CloudWatch Logs encrypts the log groups with the case key, scoped to this account's log groups.
    this.caseKey.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCloudWatchLogs',
        principals: [new iam.ServicePrincipal(`logs.${Aws.REGION}.amazonaws.com`)],
        actions: [
          'kms:Encrypt',
          'kms:Decrypt',
          'kms:ReEncryptFrom',
          'kms:ReEncryptTo',
          'kms:GenerateDataKey',
          'kms:DescribeKey',
        ],
        resources: ['*'],
        conditions: {
          ArnLike: {
            'kms:EncryptionContext:aws:logs:arn': stack.formatArn({
              service: 'logs',
              resource: 'log-group',
              resourceName: '*',
              arnFormat: ArnFormat.COLON_RESOURCE_NAME,
            }),
          },
        },
      }),
    );
    /** Lets an AWS service of this account encrypt to (and read back) SQS queues and SNS topics under `key`. */
    const letServiceEncrypt = (key: kms.Key, sid: string, service: string) =>
      key.addToResourcePolicy(
        new iam.PolicyStatement({
          sid,
          principals: [new iam.ServicePrincipal(service)],
          actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
          resources: ['*'],
          conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
        }),
      );
    // EventBridge (target dead letters) and CloudWatch (alarm notifications) write to encrypted SQS/SNS.
    letServiceEncrypt(this.caseKey, 'Allowevents', 'events.amazonaws.com');
    letServiceEncrypt(this.caseKey, 'Allowcloudwatch', 'cloudwatch.amazonaws.com');
    // EventBridge delivers LoanDelinquent (which carries contact details) to the intake queue and its
    // dead letters, both under the contact key.
    letServiceEncrypt(this.contactKey, 'AllowEventsToIntakeQueues', 'events.amazonaws.com');

    // ---- Tables -----------------------------------------------------------------------------------------
    const makeTable = (key: TableKey, encryptionKey: kms.IKey): dynamodb.Table => {
      const def = TABLES[key];
      const table = new dynamodb.Table(this, def.id, {
        partitionKey: attribute(def.partitionKey),
        sortKey: def.sortKey ? attribute(def.sortKey) : undefined,
        billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
        pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
        encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED,
        encryptionKey,
        deletionProtection: this.removalPolicy !== RemovalPolicy.DESTROY,
        removalPolicy: this.removalPolicy,
      });
      for (const index of def.indexes) {
        table.addGlobalSecondaryIndex({
          indexName: index.name,
          partitionKey: attribute(index.partitionKey),
          sortKey: index.sortKey ? attribute(index.sortKey) : undefined,
          projectionType:
            index.projection === 'KEYS_ONLY'
              ? dynamodb.ProjectionType.KEYS_ONLY
              : dynamodb.ProjectionType.ALL,
        });
      }
      return table;
    };
    this.casesTable = makeTable('cases', this.caseKey);
    this.contactsTable = makeTable('contacts', this.contactKey);
    this.ledgerTable = makeTable('ledger', this.caseKey);
    this.tasksTable = makeTable('tasks', this.caseKey);
    this.tables = {
      cases: this.casesTable,
      contacts: this.contactsTable,
      ledger: this.ledgerTable,
      tasks: this.tasksTable,
    };

    // ---- Events in ------------------------------------------------------------------------------------
    this.bus = new events.EventBus(this, 'Bus', {
      // The stack name makes the bus name unique per deployment (a bus must have a name).
      eventBusName: `${Aws.STACK_NAME}-${Names.uniqueId(this)}`,
      description: 'Ladder: upstream loan, payment and borrower events',
    });
    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: this.caseKey,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });

    // ---- Evidence -------------------------------------------------------------------------------------
    // Evidence for legal must survive mistakes: versioned, and object lock keeps each version 3 years
    // (the US record-keeping period; governance mode, so a privileged operator can still correct).
    this.evidenceBucket = new s3.Bucket(this, 'EvidenceBucket', {
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: this.caseKey,
      bucketKeyEnabled: true,
      enforceSSL: true,
      versioned: true,
      objectLockEnabled: true,
      objectLockDefaultRetention: s3.ObjectLockRetention.governance(Duration.days(3 * 365)),
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.evidenceBucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'Object-level access to evidence is audited with CloudTrail data events (enable them in the ' +
        "organisation's trail); a server-access-log bucket would be a second, weaker copy of that record.",
    });

    // Intake drains a queue instead of being invoked by the rule: a burst of LoanDelinquent events (the
    // month-start batch) waits here, and ladders start at the pace the intake concurrency allows.
    // LoanDelinquent carries the borrower's contact details, so this queue and its dead letters are
    // under the contact key, like the Contacts table, not the case key with the other dead letters.
    this.intakeDeadLetterQueue = new sqs.Queue(this, 'IntakeDeadLetterQueue', {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: this.contactKey,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    this.intakeQueue = new sqs.Queue(this, 'IntakeQueue', {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: this.contactKey,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
      // Six times the function timeout (AWS's advice for SQS event sources), so a slow batch is not
      // delivered twice while it is still being worked on.
      visibilityTimeout: Duration.seconds(FUNCTION_TIMEOUT.toSeconds() * 6),
      // An event that still fails after five receives (bad input included) is kept in the DLQ.
      deadLetterQueue: { queue: this.intakeDeadLetterQueue, maxReceiveCount: 5 },
    });

    // ---- Functions --------------------------------------------------------------------------------------
    this.stageFunction = this.makeFunction('Stage', LAMBDA_ENTRIES.Stage, {
      description: 'Ladder: runs one stage of the ladder (contact decision, send, ledger entry)',
      environment: {
        EVENT_BUS_NAME: this.bus.eventBusName,
        EVIDENCE_BUCKET: this.evidenceBucket.bucketName,
        SENDER_EMAIL: senderEmail,
        ...(props.sesConfigurationSet ? { SES_CONFIGURATION_SET: props.sesConfigurationSet } : {}),
      },
    });
    // Cases are written whole, conditional on the revision read (optimistic concurrency): PutItem.
    this.bindTable(this.stageFunction, 'cases', ['dynamodb:Query', 'dynamodb:PutItem']);
    this.bindTable(this.stageFunction, 'contacts', ['dynamodb:GetItem']);
    this.bindTable(this.stageFunction, 'ledger', ['dynamodb:PutItem', 'dynamodb:Query']);
    this.bus.grantPutEventsTo(this.stageFunction);
    // Write-only: the stage function stores evidence packs at legal handoff and reads none back.
    this.stageFunction.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'PutEvidence',
        actions: ['s3:PutObject'],
        resources: [this.evidenceBucket.arnForObjects('evidence/*')],
      }),
    );
    this.stageFunction.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'EncryptEvidence',
        actions: ['kms:GenerateDataKey', 'kms:Encrypt'],
        resources: [this.caseKey.keyArn],
        conditions: { StringEquals: { 'kms:ViaService': `s3.${Aws.REGION}.amazonaws.com` } },
      }),
    );
    const evidenceId = stack.getLogicalId(this.evidenceBucket.node.defaultChild as s3.CfnBucket);
    Validations.of(this.stageFunction.role as iam.IRole).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${evidenceId}.Arn>/evidence/*]`,
      reason: 'Evidence packs are written under evidence/<loanId>/<cycle>: the key is known only at handoff.',
    });
    this.stageFunction.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'SendSms',
        actions: ['sns:Publish'],
        // SMS to a phone number has no resource ARN: '*' is the only resource SNS accepts for it.
        resources: ['*'],
      }),
    );
    this.stageFunction.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'NoTopicPublish',
        effect: iam.Effect.DENY,
        actions: ['sns:Publish'],
        // ...but no topic or platform application: the '*' above is for phone numbers only.
        resources: ['arn:*:sns:*:*:*'],
      }),
    );
    this.stageFunction.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'SendEmail',
        actions: ['ses:SendEmail'],
        resources: [
          stack.formatArn({ service: 'ses', resource: 'identity', resourceName: senderDomain }),
          ...(props.sesConfigurationSet
            ? [
                stack.formatArn({
                  service: 'ses',
                  resource: 'configuration-set',
                  resourceName: props.sesConfigurationSet,
                }),
              ]
            : []),
        ],
      }),
    );

    this.humanTaskFunction = this.makeFunction('HumanTask', LAMBDA_ENTRIES.HumanTask, {
      description: 'Ladder: opens a human task (agent call, field visit) and parks the task token',
    });
    this.bindTable(this.humanTaskFunction, 'cases', ['dynamodb:Query', 'dynamodb:PutItem']);
    this.bindTable(this.humanTaskFunction, 'tasks', ['dynamodb:PutItem']);

    // ---- State machine ------------------------------------------------------------------------------
    const machines: Record<string, sfn.StateMachine> = {};
    for (const policy of policies) {
      // The default keeps the plain ids, so adding a policy never replaces the default's resources.
      const suffix = policy.id === 'default' ? '' : pascal(policy.id);
      const file = path.join(PROJECT_ROOT, definitionFile(policy.id));
      const machine = new sfn.StateMachine(this, `StateMachine${suffix}`, {
        stateMachineType: sfn.StateMachineType.STANDARD,
        comment: `Ladder "${policy.id}": the escalation ladder of one delinquent loan`,
        definitionBody: sfn.DefinitionBody.fromFile(file),
        definitionSubstitutions: {
          StageFunctionArn: this.stageFunction.functionArn,
          HumanTaskFunctionArn: this.humanTaskFunction.functionArn,
          EventBusName: this.bus.eventBusName,
        },
        // ALL events for the audit trail of transitions; execution data stays out of the logs: the states
        // carry no contact details, but input/output on every event multiplies the bytes ingested.
        logs: {
          destination: this.makeLogGroup(`StateMachineLogs${suffix}`),
          level: sfn.LogLevel.ALL,
          includeExecutionData: false,
        },
        tracingEnabled: true,
      });
      // Unqualified ARNs only: the ASL invokes $LATEST, so no `:*` version wildcard is needed.
      machine.addToRolePolicy(
        new iam.PolicyStatement({
          sid: 'InvokeLadderFunctions',
          actions: ['lambda:InvokeFunction'],
          resources: [this.stageFunction.functionArn, this.humanTaskFunction.functionArn],
        }),
      );
      Validations.of(machine.role).acknowledge({
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          'Step Functions log delivery (logs:CreateLogDelivery, PutResourcePolicy, ...) and X-Ray ' +
          '(xray:PutTraceSegments, GetSamplingRules, ...) do not support resource-level permissions.',
      });
      machines[policy.id] = machine;
    }
    this.stateMachines = machines;
    this.stateMachine = machines.default as sfn.StateMachine;
    const machineArns = Object.values(machines).map((m) => m.stateMachineArn);
    // The human task function sends the task token back. Its grant is a separate policy, not the role's
    // default policy: the function depends on its default policy, and the state machine already depends
    // on the function (its ARN is in the definition), so the default policy would make a cycle.
    new iam.Policy(this, 'HumanTaskTaskResponse', {
      roles: [this.humanTaskFunction.role as iam.IRole],
      statements: [
        new iam.PolicyStatement({
          actions: ['states:SendTaskSuccess', 'states:SendTaskFailure'],
          resources: machineArns,
        }),
      ],
    });

    this.intakeFunction = this.makeFunction('Intake', LAMBDA_ENTRIES.Intake, {
      description: 'Ladder: opens a case for a delinquent loan and starts its ladder',
      // Policy id -> state machine ARN: the intake starts each loan on its (champion or challenger) ladder.
      environment: {
        STATE_MACHINE_ARNS: stack.toJsonString(
          Object.fromEntries(Object.entries(machines).map(([id, m]) => [id, m.stateMachineArn])),
        ),
      },
    });
    const intakeConcurrency = props.intakeConcurrency ?? 5;
    if (!Number.isInteger(intakeConcurrency) || intakeConcurrency < 2 || intakeConcurrency > 1000) {
      throw new Error(
        `Ladder: intakeConcurrency must be an integer from 2 to 1000, not ${intakeConcurrency}`,
      );
    }
    this.intakeFunction.addEventSource(
      new sources.SqsEventSource(this.intakeQueue, {
        batchSize: 10,
        maxConcurrency: intakeConcurrency,
        // A failed event is retried alone; the rest of its batch is done.
        reportBatchItemFailures: true,
      }),
    );
    this.bindTable(this.intakeFunction, 'cases', ['dynamodb:PutItem', 'dynamodb:Query']);
    this.bindTable(this.intakeFunction, 'contacts', ['dynamodb:PutItem']);
    for (const machine of Object.values(machines)) machine.grantStartExecution(this.intakeFunction);

    this.eventsFunction = this.makeFunction('Events', LAMBDA_ENTRIES.Events, {
      description: 'Ladder: applies payments and borrower events to cases, the ledger and waiting tasks',
      async: true,
    });
    this.bindTable(this.eventsFunction, 'cases', ['dynamodb:Query', 'dynamodb:PutItem']);
    // Specialist work items (deceased, bankrupt, fraud victim) and agency recalls.
    this.bindTable(this.eventsFunction, 'tasks', ['dynamodb:PutItem']);
    this.eventsFunction.addEnvironment('EVENT_BUS_NAME', this.bus.eventBusName);
    this.bus.grantPutEventsTo(this.eventsFunction);
    for (const machine of Object.values(machines))
      machine.grant(this.eventsFunction, 'states:SendTaskSuccess');

    // ---- Agent work-queue API ------------------------------------------------------------------------
    this.agentApiFunction = this.makeFunction('AgentApi', LAMBDA_ENTRIES.AgentApi, {
      description: 'Ladder: lists, claims and completes human tasks for agents and agencies',
    });
    this.bindTable(this.agentApiFunction, 'tasks', [
      'dynamodb:GetItem',
      'dynamodb:UpdateItem',
      'dynamodb:Query',
    ]);
    for (const machine of Object.values(machines)) {
      machine.grant(this.agentApiFunction, 'states:SendTaskSuccess', 'states:SendTaskHeartbeat');
    }
    this.agentApi = this.makeAgentApi(this.agentApiFunction);

    // Right to erasure: the only function that may delete contact details, and it takes no other event.
    this.erasureFunction = this.makeFunction('Erasure', LAMBDA_ENTRIES.Erasure, {
      description: "Ladder: erases a borrower's contact details and closes their cases (ledger kept)",
      async: true,
    });
    this.bindTable(this.erasureFunction, 'cases', ['dynamodb:Query', 'dynamodb:PutItem']);
    this.bindTable(this.erasureFunction, 'contacts', ['dynamodb:DeleteItem']);
    for (const machine of Object.values(machines))
      machine.grant(this.erasureFunction, 'states:SendTaskSuccess');

    // ---- Two-way SMS ----------------------------------------------------------------------------------
    // Inbound messages carry a phone number and the borrower's words: the contact key encrypts them.
    this.inboundSmsTopic = new sns.Topic(this, 'InboundSmsTopic', {
      displayName: 'Ladder inbound SMS',
      masterKey: this.contactKey,
      enforceSSL: true,
    });
    // AWS End User Messaging SMS publishes two-way messages to the topic, for this account only.
    this.inboundSmsTopic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowTwoWaySms',
        principals: [new iam.ServicePrincipal('sms-voice.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.inboundSmsTopic.topicArn],
        conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
      }),
    );
    this.contactKey.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowTwoWaySmsToEncryptedTopic',
        principals: [new iam.ServicePrincipal('sms-voice.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
      }),
    );
    this.inboundSmsFunction = this.makeFunction('InboundSms', LAMBDA_ENTRIES.InboundSms, {
      description: 'Ladder: applies STOP-style SMS replies as opt-outs (finds the borrower by phone)',
      async: true,
    });
    // Keys only, by phone: the byPhone index holds phone and borrowerId, never a name or an address.
    this.bindTable(this.inboundSmsFunction, 'contacts', ['dynamodb:Query'], { onlyIndex: 'byPhone' });
    this.bindTable(this.inboundSmsFunction, 'cases', ['dynamodb:Query', 'dynamodb:PutItem']);
    this.inboundSmsTopic.addSubscription(new subscriptions.LambdaSubscription(this.inboundSmsFunction));

    // ---- Daily ledger audit -----------------------------------------------------------------------------
    this.auditFunction = this.makeFunction('Audit', LAMBDA_ENTRIES.Audit, {
      description: 'Ladder: verifies every hash chain of the ledger (read-only Scan), daily',
      // A Scan of the whole ledger: minutes, not seconds, once the ledger is large.
      timeout: Duration.minutes(15),
      memorySize: 1024,
    });
    this.bindTable(this.auditFunction, 'ledger', ['dynamodb:Scan']);
    // EventBridge Scheduler with its own role, allowed to invoke this function's unqualified ARN only (the
    // L2 LambdaInvoke target would also grant every version, `:*`, which the schedule never calls).
    const auditSchedulerRole = new iam.Role(this, 'AuditSchedulerRole', {
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
      }),
      description: 'Ladder: lets the daily schedule invoke the audit function',
    });
    auditSchedulerRole.addToPolicy(
      new iam.PolicyStatement({
        actions: ['lambda:InvokeFunction'],
        resources: [this.auditFunction.functionArn],
      }),
    );
    this.auditSchedule = new scheduler.CfnSchedule(this, 'AuditSchedule', {
      description: 'Ladder: daily verification of the audit ledger',
      scheduleExpression: 'cron(17 3 * * ? *)',
      flexibleTimeWindow: { mode: 'OFF' },
      target: {
        arn: this.auditFunction.functionArn,
        roleArn: auditSchedulerRole.roleArn,
        input: '{}',
        retryPolicy: { maximumRetryAttempts: 2, maximumEventAgeInSeconds: 3600 },
      },
    });

    // ---- Rules ----------------------------------------------------------------------------------------
    // Detail-type only, no source: any upstream system may publish these events on the bus.
    this.route(
      'LoanDelinquent',
      INTAKE_DETAIL_TYPES,
      new targets.SqsQueue(this.intakeQueue, this.targetDelivery(this.intakeDeadLetterQueue)),
    );
    this.route(
      'BorrowerEvents',
      BORROWER_DETAIL_TYPES,
      new targets.LambdaFunction(this.eventsFunction, this.targetDelivery()),
    );
    this.route(
      'Erasure',
      ERASURE_DETAIL_TYPES,
      new targets.LambdaFunction(this.erasureFunction, this.targetDelivery()),
    );

    // ---- Alarms and dashboard ---------------------------------------------------------------------------
    this.alarmTopic = new sns.Topic(this, 'AlarmTopic', {
      displayName: 'Ladder alarms',
      masterKey: this.caseKey,
      enforceSSL: true,
    });
    // The topic policy that enforces TLS replaces SNS's default policy: CloudWatch needs its own allow.
    this.alarmTopic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCloudWatchAlarms',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.alarmTopic.topicArn],
        conditions: {
          ArnLike: {
            'aws:SourceArn': stack.formatArn({
              service: 'cloudwatch',
              resource: 'alarm',
              resourceName: '*',
              arnFormat: ArnFormat.COLON_RESOURCE_NAME,
            }),
          },
          StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID },
        },
      }),
    );
    if (props.alarmEmail) {
      this.alarmTopic.addSubscription(new subscriptions.EmailSubscription(props.alarmEmail));
    }
    const functions = {
      intake: this.intakeFunction,
      stage: this.stageFunction,
      humanTask: this.humanTaskFunction,
      events: this.eventsFunction,
      agentApi: this.agentApiFunction,
      erasure: this.erasureFunction,
      inboundSms: this.inboundSmsFunction,
      audit: this.auditFunction,
    };
    const period = Duration.minutes(5);
    const sendFailures = this.ladderMetric('SendFailures');
    const contactsBlocked = this.ladderMetric('ContactsBlocked');

    for (const [id, machine] of Object.entries(machines)) {
      const suffix = id === 'default' ? '' : pascal(id);
      this.alarm(
        `ExecutionsFailed${suffix}`,
        machine.metricFailed({ period, statistic: 'Sum' }),
        `A "${id}" ladder failed`,
      );
      this.alarm(
        `ExecutionsTimedOut${suffix}`,
        machine.metricTimedOut({ period, statistic: 'Sum' }),
        `A "${id}" ladder timed out`,
      );
    }
    for (const [name, fn] of Object.entries(functions)) {
      this.alarm(
        `${capitalize(name)}Errors`,
        fn.metricErrors({ period, statistic: 'Sum' }),
        `${name} function errors`,
      );
    }
    this.alarm('SendFailures', sendFailures, 'A notice could not be sent');
    // One data point a day (the audit's run): a day-long period keeps the alarm in ALARM until the next
    // audit finds the ledger intact, instead of flapping back to OK after five minutes.
    this.alarm(
      'LedgerChainsBroken',
      this.ladderMetric('LedgerChainsBroken').with({ period: Duration.days(1), statistic: 'Maximum' }),
      'The audit found a ledger chain broken: a record was edited, inserted or removed',
    );
    this.alarm(
      'DeadLetters',
      this.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period, statistic: 'Maximum' }),
      'Events or invocations landed in the dead-letter queue',
    );
    this.alarm(
      'IntakeDeadLetters',
      this.intakeDeadLetterQueue.metricApproximateNumberOfMessagesVisible({ period, statistic: 'Maximum' }),
      'LoanDelinquent events landed in the intake dead-letter queue: those loans have no ladder',
    );

    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      defaultInterval: Duration.days(7),
      widgets: [
        [
          new cloudwatch.GraphWidget({
            title: 'Ladder executions',
            width: 12,
            left: Object.values(machines).flatMap((m) => [
              m.metricStarted({ period, statistic: 'Sum' }),
              m.metricSucceeded({ period, statistic: 'Sum' }),
              m.metricFailed({ period, statistic: 'Sum' }),
            ]),
          }),
          new cloudwatch.GraphWidget({
            title: 'Contacts: send failures and blocked',
            width: 12,
            left: [sendFailures.with({ label: 'Sends failed (SMS, e-mail) after retries' })],
            right: [contactsBlocked.with({ label: 'Contacts blocked (opt-out, caps, window)' })],
          }),
        ],
        [
          new cloudwatch.GraphWidget({
            title: 'Function errors',
            width: 8,
            left: Object.entries(functions).map(([name, fn]) =>
              fn.metricErrors({ period, statistic: 'Sum', label: name }),
            ),
          }),
          new cloudwatch.GraphWidget({
            title: 'Function duration (p99)',
            width: 8,
            left: Object.entries(functions).map(([name, fn]) =>
              fn.metricDuration({ period, statistic: 'p99', label: name }),
            ),
          }),
          new cloudwatch.GraphWidget({
            title: 'Dead letters',
            width: 8,
            left: [
              this.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
                period,
                statistic: 'Maximum',
                label: 'Events and invocations',
              }),
              this.intakeDeadLetterQueue.metricApproximateNumberOfMessagesVisible({
                period,
                statistic: 'Maximum',
                label: 'LoanDelinquent (intake)',
              }),
            ],
          }),
        ],
      ],
    });

    new CfnOutput(this, 'EventBusName', {
      value: this.bus.eventBusName,
      description: 'Publish upstream events here',
    });
    for (const [id, machine] of Object.entries(machines)) {
      new CfnOutput(this, `StateMachineArn${id === 'default' ? '' : pascal(id)}`, {
        value: machine.stateMachineArn,
      });
    }
    new CfnOutput(this, 'InboundSmsTopicArn', {
      value: this.inboundSmsTopic.topicArn,
      description: "Set as the two-way SMS destination of the lender's phone numbers",
    });
  }

  /**
   * Sets the table's environment variable and grants exactly the listed actions (Powertools' bindTable).
   * Index ARNs are added only for Query on a table that has indexes, each by name (no `index/*`); with
   * `onlyIndex` the grant is on that one index and not on the table. The table's KMS key is usable only
   * through DynamoDB (kms:ViaService).
   */
  public bindTable<K extends TableKey>(
    fn: lambda.Function,
    key: K,
    actions: readonly (K extends 'ledger' ? LedgerAction : TableAction)[],
    options: { onlyIndex?: string } = {},
  ): void {
    const def: TableDef = TABLES[key];
    const table = this.tables[key];
    const forbidden = key === 'ledger' ? actions.filter((a) => !LEDGER_ACTIONS.includes(a)) : [];
    if (forbidden.length > 0) throw new Error(`Ladder: the ledger is append-only: ${forbidden.join(', ')}`);
    if (options.onlyIndex && !def.indexes.some((i) => i.name === options.onlyIndex)) {
      throw new Error(`Ladder: table ${def.id} has no index ${options.onlyIndex}`);
    }
    fn.addEnvironment(TABLE_ENV[key], table.tableName);
    const indexArns = actions.includes('dynamodb:Query')
      ? def.indexes.map((index) => `${table.tableArn}/index/${index.name}`)
      : [];
    iam.Grant.addToPrincipal({
      grantee: fn,
      actions: [...actions],
      resourceArns: options.onlyIndex
        ? [`${table.tableArn}/index/${options.onlyIndex}`]
        : [table.tableArn, ...indexArns],
    });
    const writes = actions.some(
      (action) => action === 'dynamodb:PutItem' || action === 'dynamodb:UpdateItem',
    );
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: writes
          ? ['kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:GenerateDataKey']
          : ['kms:Decrypt', 'kms:DescribeKey'],
        resources: [(table.encryptionKey as kms.IKey).keyArn],
        conditions: { StringEquals: { 'kms:ViaService': `dynamodb.${Aws.REGION}.amazonaws.com` } },
      }),
    );
  }

  /**
   * REST API with IAM authorisation: agents' and agencies' principals get execute-api:Invoke on it
   * from the platform team (no API keys, no tokens to leak). Requests are validated and access-logged.
   */
  private makeAgentApi(fn: lambda.IFunction): apigateway.RestApi {
    const accessLogs = this.makeLogGroup('WorkQueueApiAccessLogs');
    const api = new apigateway.RestApi(this, 'WorkQueueApi', {
      description: 'Ladder work queue: list, claim and complete human tasks',
      cloudWatchRole: false,
      deployOptions: {
        accessLogDestination: new apigateway.LogGroupLogDestination(accessLogs),
        accessLogFormat: apigateway.AccessLogFormat.jsonWithStandardFields(),
        tracingEnabled: true,
        loggingLevel: apigateway.MethodLoggingLevel.ERROR,
        dataTraceEnabled: false,
      },
      defaultMethodOptions: { authorizationType: apigateway.AuthorizationType.IAM },
    });
    const validator = api.addRequestValidator('Validator', {
      validateRequestBody: true,
      validateRequestParameters: true,
    });
    const integration = new apigateway.LambdaIntegration(fn);
    const tasks = api.root.addResource('tasks');
    tasks.addMethod('GET', integration, {
      requestValidator: validator,
      requestParameters: { 'method.request.querystring.queue': false },
    });
    const task = tasks.addResource('{taskId}');
    for (const action of ['claim', 'complete']) {
      task.addResource(action).addMethod('POST', integration, {
        requestValidator: validator,
        requestParameters: { 'method.request.path.taskId': true },
      });
    }
    Validations.of(api).acknowledge(
      {
        id: 'AwsSolutions-APIG3',
        reason:
          "IAM-authorised internal API for the lender's agents; attach the organisation's WAF web ACL if it is exposed beyond it.",
      },
      {
        id: 'AwsSolutions-COG4',
        reason:
          'Authorised with IAM (SigV4) principals of the lender and its agencies, not Cognito user pools.',
      },
    );
    new CfnOutput(this, 'AgentApiUrl', { value: api.url });
    return api;
  }

  private makeLogGroup(id: string): logs.LogGroup {
    return new logs.LogGroup(this, id, {
      retention: this.retention,
      encryptionKey: this.caseKey,
      removalPolicy: this.removalPolicy,
    });
  }

  private makeFunction(
    id: string,
    entry: string,
    options: {
      description: string;
      environment?: Record<string, string>;
      async?: boolean;
      timeout?: Duration;
      memorySize?: number;
    },
  ): nodejs.NodejsFunction {
    const logGroup = this.makeLogGroup(`${id}Logs`);
    // An own role with an inline policy instead of AWSLambdaBasicExecutionRole: logs go to this group only.
    const role = new iam.Role(this, `${id}Role`, {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Ladder ${id} function`,
    });
    logGroup.grantWrite(role);
    const fn = new nodejs.NodejsFunction(this, id, {
      entry: path.join(PROJECT_ROOT, entry),
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: path.join(PROJECT_ROOT, 'package-lock.json'),
      handler: 'handler',
      description: options.description,
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: options.memorySize ?? 512,
      timeout: options.timeout ?? FUNCTION_TIMEOUT,
      tracing: lambda.Tracing.ACTIVE,
      role,
      logGroup,
      // EventBridge invokes asynchronously: its DLQ catches delivery failures only; an event whose handler
      // keeps failing after Lambda's own retries is kept here.
      deadLetterQueue: options.async ? this.deadLetterQueue : undefined,
      environment: {
        POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
        POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
        POWERTOOLS_LOG_LEVEL: 'INFO',
        NODE_OPTIONS: '--enable-source-maps',
        ...options.environment,
      },
      // lib/bundling.ts: the benchmark builds and loads the same bundles.
      bundling: {
        ...LAMBDA_BUNDLING,
        format: nodejs.OutputFormat.CJS,
        mainFields: [...LAMBDA_BUNDLING.mainFields],
        externalModules: [...LAMBDA_BUNDLING.externalModules],
      },
    });
    if (options.async) {
      // The dead-letter queue is encrypted with the case key: SendMessage needs it, through SQS only.
      fn.addToRolePolicy(
        new iam.PolicyStatement({
          actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
          resources: [this.caseKey.keyArn],
          conditions: { StringEquals: { 'kms:ViaService': `sqs.${Aws.REGION}.amazonaws.com` } },
        }),
      );
    }
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'X-Ray tracing (xray:PutTraceSegments, xray:PutTelemetryRecords) does not support resource-level ' +
        'permissions' +
        (id === 'Stage'
          ? '; sns:Publish to a phone number (SMS) has no resource ARN, and a Deny statement excludes every topic.'
          : '.'),
    });
    Validations.of(fn).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        'nodejs22.x is the pinned runtime (an LTS the code and its tests target, supported by Lambda); ' +
        'moving to a newer runtime is a deliberate, tested change rather than a synth-time default.',
    });
    return fn;
  }

  /** EventBridge keeps retrying a target for a day; what it still cannot deliver goes to a DLQ. */
  private targetDelivery(deadLetterQueue: sqs.IQueue = this.deadLetterQueue) {
    return { deadLetterQueue, retryAttempts: 185, maxEventAge: Duration.hours(24) };
  }

  private route(id: string, detailTypes: readonly string[], target: events.IRuleTarget): events.Rule {
    return new events.Rule(this, `${id}Rule`, {
      eventBus: this.bus,
      description: `Ladder: ${detailTypes.join(', ')}`,
      eventPattern: { detailType: [...detailTypes] },
      targets: [target],
    });
  }

  private ladderMetric(metricName: string): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: METRICS_NAMESPACE,
      metricName,
      dimensionsMap: { service: SERVICE_NAME },
      statistic: 'Sum',
      period: Duration.minutes(5),
    });
  }

  private alarm(id: string, metric: cloudwatch.IMetric, description: string): cloudwatch.Alarm {
    const alarm = new cloudwatch.Alarm(this, `${id}Alarm`, {
      metric,
      alarmDescription: `Ladder: ${description}`,
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    alarm.addAlarmAction(new cloudwatchActions.SnsAction(this.alarmTopic));
    alarm.addOkAction(new cloudwatchActions.SnsAction(this.alarmTopic));
    this.alarms.push(alarm);
    return alarm;
  }
}

const attribute = (key: { name: string; type: 'S' | 'N' }): dynamodb.Attribute => ({
  name: key.name,
  type: key.type === 'S' ? dynamodb.AttributeType.STRING : dynamodb.AttributeType.NUMBER,
});

const capitalize = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

/** early-call -> EarlyCall: construct ids for a policy's resources. */
function pascal(id: string): string {
  return id.replace(/(^|-)([a-z0-9])/g, (_m, _dash, c: string) => c.toUpperCase());
}
