import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  ArnFormat,
  Aws,
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
import { loadPolicy } from '../functions/domain/policy.js';
import { renderLadderJson } from '../statemachines/render.js';
import { LAMBDA_BUNDLING, LAMBDA_ENTRIES } from './bundling.js';

/** The repository root: entries, the lock file, the ASL and policies are resolved from here, not from cwd. */
export const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Detail-types routed to the intake function: a loan became delinquent, open a case. */
export const INTAKE_DETAIL_TYPES = ['LoanDelinquent'] as const;

/** Detail-types routed to the events function: payments and everything the borrower says or does. */
export const BORROWER_DETAIL_TYPES = [
  'PaymentReceived',
  'BorrowerOptedOut',
  'DisputeOpened',
  'DisputeResolved',
  'PromiseToPayMade',
  'RepaymentPlanAccepted',
  'HardshipReported',
  'BorrowerStatusChanged',
] as const;

/** Custom metrics the functions emit with Powertools (namespace Ladder, default dimension service=ladder). */
export const METRICS_NAMESPACE = 'Ladder';
export const SERVICE_NAME = 'ladder';

/**
 * The only DynamoDB actions a function can be granted. DeleteItem, BatchWriteItem and Scan are not
 * expressible, so the append-only ledger cannot be given them by accident.
 */
export type TableAction = 'dynamodb:GetItem' | 'dynamodb:PutItem' | 'dynamodb:Query' | 'dynamodb:UpdateItem';

export interface LadderProps {
  /**
   * The ladder policy (stages, templates, caps), relative to the project root or absolute. It is
   * validated at synth time with the same `loadPolicy` the functions use, and its `id` becomes POLICY_ID.
   * @default 'policies/default.json'
   */
  readonly policyFile?: string;
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
   * Retention of every log group (the four functions and the state machine).
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
  public readonly intakeFunction: nodejs.NodejsFunction;
  public readonly stageFunction: nodejs.NodejsFunction;
  public readonly humanTaskFunction: nodejs.NodejsFunction;
  public readonly eventsFunction: nodejs.NodejsFunction;
  public readonly stateMachine: sfn.StateMachine;
  public readonly alarmTopic: sns.Topic;
  public readonly alarms: cloudwatch.Alarm[] = [];
  public readonly dashboard: cloudwatch.Dashboard;
  public readonly policyId: string;

  private readonly retention: logs.RetentionDays;
  private readonly removalPolicy: RemovalPolicy;

  constructor(scope: Construct, id: string, props: LadderProps = {}) {
    super(scope, id);
    const stack = Stack.of(this);
    this.retention = props.logRetention ?? logs.RetentionDays.ONE_YEAR;
    this.removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;

    // The policy must be valid, and the committed ASL must be the one rendered from it: deploying a ladder
    // whose states disagree with the policy the functions apply would be a silent, costly bug.
    const policyPath = path.resolve(PROJECT_ROOT, props.policyFile ?? 'policies/default.json');
    const policy = loadPolicy(JSON.parse(readFileSync(policyPath, 'utf8')));
    this.policyId = policy.id;
    const aslPath = path.join(PROJECT_ROOT, 'statemachines/ladder.asl.json');
    const asl = readFileSync(aslPath, 'utf8');
    if (asl !== renderLadderJson(policy)) {
      throw new Error(
        `Ladder: ${path.relative(PROJECT_ROOT, aslPath)} was not rendered from ${path.relative(PROJECT_ROOT, policyPath)} ` +
          `(policy "${policy.id}"): run \`npm run render\`.`,
      );
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
    // EventBridge (target dead letters) and CloudWatch (alarm notifications) write to encrypted SQS/SNS.
    for (const service of ['events.amazonaws.com', 'cloudwatch.amazonaws.com']) {
      this.caseKey.addToResourcePolicy(
        new iam.PolicyStatement({
          sid: `Allow${service.split('.')[0]}`,
          principals: [new iam.ServicePrincipal(service)],
          actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
          resources: ['*'],
          conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
        }),
      );
    }

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
          projectionType: dynamodb.ProjectionType.ALL,
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

    // Intake drains a queue instead of being invoked by the rule: a burst of LoanDelinquent events (the
    // month-start batch) waits here, and ladders start at the pace the intake concurrency allows.
    this.intakeQueue = new sqs.Queue(this, 'IntakeQueue', {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: this.caseKey,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
      // Six times the function timeout (AWS's advice for SQS event sources), so a slow batch is not
      // delivered twice while it is still being worked on.
      visibilityTimeout: Duration.seconds(FUNCTION_TIMEOUT.toSeconds() * 6),
      // An event that still fails after five receives (bad input included) is kept in the DLQ.
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: 5 },
    });

    // ---- Functions --------------------------------------------------------------------------------------
    this.stageFunction = this.makeFunction('Stage', LAMBDA_ENTRIES.Stage, {
      description: 'Ladder: runs one stage of the ladder (contact decision, send, ledger entry)',
      environment: {
        EVENT_BUS_NAME: this.bus.eventBusName,
        SENDER_EMAIL: senderEmail,
        ...(props.sesConfigurationSet ? { SES_CONFIGURATION_SET: props.sesConfigurationSet } : {}),
      },
    });
    // Cases are written whole, conditional on the revision read (optimistic concurrency): PutItem.
    this.bindTable(this.stageFunction, 'cases', ['dynamodb:Query', 'dynamodb:PutItem']);
    this.bindTable(this.stageFunction, 'contacts', ['dynamodb:GetItem']);
    this.bindTable(this.stageFunction, 'ledger', ['dynamodb:PutItem', 'dynamodb:Query']);
    this.bus.grantPutEventsTo(this.stageFunction);
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
    this.bindTable(this.humanTaskFunction, 'tasks', [
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
      'dynamodb:GetItem',
      'dynamodb:Query',
    ]);

    // ---- State machine ------------------------------------------------------------------------------
    const stateMachineLogs = this.makeLogGroup('StateMachineLogs');
    this.stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      stateMachineType: sfn.StateMachineType.STANDARD,
      comment: 'Ladder: the escalation ladder of one delinquent loan',
      definitionBody: sfn.DefinitionBody.fromFile(aslPath),
      definitionSubstitutions: {
        StageFunctionArn: this.stageFunction.functionArn,
        HumanTaskFunctionArn: this.humanTaskFunction.functionArn,
        EventBusName: this.bus.eventBusName,
      },
      // ALL events for the audit trail of transitions; execution data stays out of the logs: the states
      // carry no contact details, but input/output on every event multiplies the bytes ingested.
      logs: { destination: stateMachineLogs, level: sfn.LogLevel.ALL, includeExecutionData: false },
      tracingEnabled: true,
    });
    // Unqualified ARNs only: the ASL invokes $LATEST, so no `:*` version wildcard is needed.
    this.stateMachine.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'InvokeLadderFunctions',
        actions: ['lambda:InvokeFunction'],
        resources: [this.stageFunction.functionArn, this.humanTaskFunction.functionArn],
      }),
    );
    if (asl.includes('arn:aws:states:::events:putEvents')) {
      this.bus.grantPutEventsTo(this.stateMachine);
    }
    // The human task function sends the task token back. Its grant is a separate policy, not the role's
    // default policy: the function depends on its default policy, and the state machine already depends
    // on the function (its ARN is in the definition), so the default policy would make a cycle.
    new iam.Policy(this, 'HumanTaskTaskResponse', {
      roles: [this.humanTaskFunction.role as iam.IRole],
      statements: [
        new iam.PolicyStatement({
          actions: ['states:SendTaskSuccess', 'states:SendTaskFailure'],
          resources: [this.stateMachine.stateMachineArn],
        }),
      ],
    });
    Validations.of(this.stateMachine.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'Step Functions log delivery (logs:CreateLogDelivery, PutResourcePolicy, ...) and X-Ray ' +
        '(xray:PutTraceSegments, GetSamplingRules, ...) do not support resource-level permissions.',
    });

    this.intakeFunction = this.makeFunction('Intake', LAMBDA_ENTRIES.Intake, {
      description: 'Ladder: opens a case for a delinquent loan and starts its ladder',
      environment: { STATE_MACHINE_ARN: this.stateMachine.stateMachineArn, POLICY_ID: this.policyId },
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
    this.stateMachine.grantStartExecution(this.intakeFunction);

    this.eventsFunction = this.makeFunction('Events', LAMBDA_ENTRIES.Events, {
      description: 'Ladder: applies payments and borrower events to cases, the ledger and waiting tasks',
      async: true,
    });
    this.bindTable(this.eventsFunction, 'cases', ['dynamodb:Query', 'dynamodb:PutItem']);
    this.stateMachine.grant(this.eventsFunction, 'states:SendTaskSuccess');

    // ---- Rules ----------------------------------------------------------------------------------------
    // Detail-type only, no source: any upstream system may publish these events on the bus.
    this.route(
      'LoanDelinquent',
      INTAKE_DETAIL_TYPES,
      new targets.SqsQueue(this.intakeQueue, this.targetDelivery()),
    );
    this.route(
      'BorrowerEvents',
      BORROWER_DETAIL_TYPES,
      new targets.LambdaFunction(this.eventsFunction, this.targetDelivery()),
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
    };
    const period = Duration.minutes(5);
    const sendFailures = this.ladderMetric('SendFailures');
    const contactsBlocked = this.ladderMetric('ContactsBlocked');

    this.alarm(
      'ExecutionsFailed',
      this.stateMachine.metricFailed({ period, statistic: 'Sum' }),
      'A ladder failed',
    );
    this.alarm(
      'ExecutionsTimedOut',
      this.stateMachine.metricTimedOut({ period, statistic: 'Sum' }),
      'A ladder timed out',
    );
    for (const [name, fn] of Object.entries(functions)) {
      this.alarm(
        `${capitalize(name)}Errors`,
        fn.metricErrors({ period, statistic: 'Sum' }),
        `${name} function errors`,
      );
    }
    this.alarm('SendFailures', sendFailures, 'A notice could not be sent');
    this.alarm(
      'DeadLetters',
      this.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period, statistic: 'Maximum' }),
      'Events or invocations landed in the dead-letter queue',
    );

    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      defaultInterval: Duration.days(7),
      widgets: [
        [
          new cloudwatch.GraphWidget({
            title: 'Ladder executions',
            width: 12,
            left: [
              this.stateMachine.metricStarted({ period, statistic: 'Sum' }),
              this.stateMachine.metricSucceeded({ period, statistic: 'Sum' }),
              this.stateMachine.metricFailed({ period, statistic: 'Sum' }),
              this.stateMachine.metricTimedOut({ period, statistic: 'Sum' }),
            ],
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
              this.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period, statistic: 'Maximum' }),
            ],
          }),
        ],
      ],
    });

    new CfnOutput(this, 'EventBusName', {
      value: this.bus.eventBusName,
      description: 'Publish upstream events here',
    });
    new CfnOutput(this, 'StateMachineArn', { value: this.stateMachine.stateMachineArn });
  }

  /**
   * Sets the table's environment variable and grants exactly the listed actions (Powertools' bindTable).
   * Index ARNs are added only for Query on a table that has indexes, each by name (no `index/*`), and the
   * table's KMS key only through DynamoDB (kms:ViaService).
   */
  public bindTable(fn: lambda.Function, key: TableKey, actions: readonly TableAction[]): void {
    const def: TableDef = TABLES[key];
    const table = this.tables[key];
    fn.addEnvironment(TABLE_ENV[key], table.tableName);
    const indexArns = actions.includes('dynamodb:Query')
      ? def.indexes.map((index) => `${table.tableArn}/index/${index.name}`)
      : [];
    iam.Grant.addToPrincipal({
      grantee: fn,
      actions: [...actions],
      resourceArns: [table.tableArn, ...indexArns],
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
    options: { description: string; environment?: Record<string, string>; async?: boolean },
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
      memorySize: 512,
      timeout: FUNCTION_TIMEOUT,
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

  /** EventBridge keeps retrying a target for a day; what it still cannot deliver goes to the DLQ. */
  private targetDelivery() {
    return { deadLetterQueue: this.deadLetterQueue, retryAttempts: 185, maxEventAge: Duration.hours(24) };
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
