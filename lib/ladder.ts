import {
  type aws_apigateway as apigateway,
  type aws_cloudwatch as cloudwatch,
  type aws_dynamodb as dynamodb,
  type aws_events as events,
  type aws_kms as kms,
  type aws_lambda as lambda,
  type aws_lambda_nodejs as nodejs,
  RemovalPolicy,
  type aws_s3 as s3,
  type aws_scheduler as scheduler,
  type aws_stepfunctions as sfn,
  type aws_sns as sns,
  type aws_sqs as sqs,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { BorrowerEvents } from './borrower-events.js';
import { Consent } from './consent.js';
import { Erasure } from './erasure.js';
import {
  BORROWER_DETAIL_TYPES,
  ERASURE_DETAIL_TYPES,
  EventRouting,
  INTAKE_DETAIL_TYPES,
} from './event-routing.js';
import { Evidence } from './evidence.js';
import { Intake } from './intake.js';
import { Keys } from './keys.js';
import { LadderFunctions } from './ladder-functions.js';
import type { LadderProps } from './ladder-props.js';
import { LedgerAudit } from './ledger-audit.js';
import { Monitoring } from './monitoring.js';
import { type LedgerAction, type TableAction, type TableKey, Tables } from './tables.js';
import { WorkQueueApi } from './work-queue-api.js';
import { Workflow } from './workflow.js';

export { BORROWER_DETAIL_TYPES, ERASURE_DETAIL_TYPES, INTAKE_DETAIL_TYPES } from './event-routing.js';
export { METRICS_NAMESPACE, PROJECT_ROOT, SERVICE_NAME } from './ladder-functions.js';
export type { LadderProps } from './ladder-props.js';
export type { LedgerAction, TableAction } from './tables.js';

/**
 * Escalation ladder for collections: intake, the Step Functions ladder, contacts, human tasks and events.
 * It wires the parts (one construct per concern, each in its own file) and exposes their handles.
 */
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
  public readonly alarms: cloudwatch.Alarm[];
  public readonly dashboard: cloudwatch.Dashboard;

  private readonly tableSet: Tables;

  constructor(scope: Construct, id: string, props: LadderProps = {}) {
    super(scope, id);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    const keys = new Keys(this, 'Keys', { removalPolicy });
    const tables = new Tables(this, 'Tables', { keys, removalPolicy });
    const routing = new EventRouting(this, 'EventRouting', { keys });
    const evidence = new Evidence(this, 'Evidence', { keys });
    const functions = new LadderFunctions({ keys, routing, removalPolicy, retention: props.logRetention });
    const workflow = new Workflow(this, 'Workflow', {
      tables,
      routing,
      evidence,
      functions,
      senderEmail: props.senderEmail,
      sesConfigurationSet: props.sesConfigurationSet,
    });
    const intake = new Intake(this, 'Intake', {
      keys,
      tables,
      workflow,
      functions,
      concurrency: props.intakeConcurrency,
    });
    const borrowerEvents = new BorrowerEvents(this, 'BorrowerEvents', {
      tables,
      routing,
      workflow,
      functions,
    });
    const workQueue = new WorkQueueApi(this, 'WorkQueueApi', { tables, workflow, functions });
    const erasure = new Erasure(this, 'Erasure', { tables, workflow, functions });
    const consent = new Consent(this, 'Consent', { keys, tables, functions });
    const audit = new LedgerAudit(this, 'LedgerAudit', { tables, functions });
    routing.routeToQueue('LoanDelinquent', INTAKE_DETAIL_TYPES, intake.queue, intake.deadLetterQueue);
    routing.routeToFunction('BorrowerEvents', BORROWER_DETAIL_TYPES, borrowerEvents.eventsFunction);
    routing.routeToFunction('Erasure', ERASURE_DETAIL_TYPES, erasure.erasureFunction);
    const monitoring = new Monitoring(this, 'Monitoring', {
      keys,
      alarmEmail: props.alarmEmail,
      stateMachines: workflow.stateMachines,
      functions: {
        intake: intake.intakeFunction,
        stage: workflow.stageFunction,
        humanTask: workflow.humanTaskFunction,
        events: borrowerEvents.eventsFunction,
        agentApi: workQueue.agentApiFunction,
        erasure: erasure.erasureFunction,
        inboundSms: consent.inboundSmsFunction,
        audit: audit.auditFunction,
      },
      deadLetterQueue: routing.deadLetterQueue,
      intakeDeadLetterQueue: intake.deadLetterQueue,
    });

    // The handles Ladder has always exposed, from the parts that now own them.
    this.tableSet = tables;
    this.caseKey = keys.caseKey;
    this.contactKey = keys.contactKey;
    this.tables = tables.byKey;
    this.casesTable = tables.cases;
    this.contactsTable = tables.contacts;
    this.ledgerTable = tables.ledger;
    this.tasksTable = tables.tasks;
    this.bus = routing.bus;
    this.deadLetterQueue = routing.deadLetterQueue;
    this.intakeQueue = intake.queue;
    this.intakeDeadLetterQueue = intake.deadLetterQueue;
    this.intakeFunction = intake.intakeFunction;
    this.stageFunction = workflow.stageFunction;
    this.humanTaskFunction = workflow.humanTaskFunction;
    this.eventsFunction = borrowerEvents.eventsFunction;
    this.auditFunction = audit.auditFunction;
    this.inboundSmsFunction = consent.inboundSmsFunction;
    this.erasureFunction = erasure.erasureFunction;
    this.inboundSmsTopic = consent.inboundSmsTopic;
    this.auditSchedule = audit.schedule;
    this.agentApiFunction = workQueue.agentApiFunction;
    this.agentApi = workQueue.api;
    this.evidenceBucket = evidence.bucket;
    this.stateMachine = workflow.stateMachine;
    this.stateMachines = workflow.stateMachines;
    this.alarmTopic = monitoring.alarmTopic;
    this.alarms = monitoring.alarms;
    this.dashboard = monitoring.dashboard;
  }

  /** Sets the table's environment variable and grants exactly the listed actions: see Tables.bind. */
  public bindTable<K extends TableKey>(
    fn: lambda.Function,
    key: K,
    actions: readonly (K extends 'ledger' ? LedgerAction : TableAction)[],
    options: { onlyIndex?: string } = {},
  ): void {
    this.tableSet.bind(fn, key, actions, options);
  }
}
