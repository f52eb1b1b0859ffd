import { Aws, RemovalPolicy } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { EVENT_TARGETS } from '../functions/domain/routes.js';
import { BorrowerApi } from './borrower-api.js';
import { BorrowerEvents } from './borrower-events.js';
import { Consent } from './consent.js';
import { Delivery } from './delivery.js';
import { DeskApi } from './desk-api.js';
import { DeskIdentity } from './desk-identity.js';
import { Erasure } from './erasure.js';
import {
  BORROWER_DETAIL_TYPES,
  ERASURE_DETAIL_TYPES,
  EventRouting,
  INTAKE_DETAIL_TYPES,
} from './event-routing.js';
import { Evidence } from './evidence.js';
import { InboundEmail } from './inbound-email.js';
import { Intake } from './intake.js';
import { Keys } from './keys.js';
import { LadderFunctions } from './ladder-functions.js';
import type { LadderProps } from './ladder-props.js';
import { LedgerAudit } from './ledger-audit.js';
import { LedgerWriter } from './ledger-writer.js';
import { Monitoring } from './monitoring.js';
import { OutboundEvents } from './outbound.js';
import { PagesHosting } from './pages-hosting.js';
import { Tables } from './tables.js';
import { WorkQueueApi } from './work-queue-api.js';
import { Workflow } from './workflow.js';

export { BORROWER_DETAIL_TYPES, ERASURE_DETAIL_TYPES, INTAKE_DETAIL_TYPES } from './event-routing.js';
export { METRICS_NAMESPACE, PROJECT_ROOT, SERVICE_NAME } from './ladder-functions.js';
export type { LadderProps } from './ladder-props.js';
export type { OutboundConsumers } from './outbound.js';
export type { LedgerAction, TableAction } from './tables.js';

/**
 * Escalation ladder for collections: intake, the Step Functions ladder, contacts, human tasks and events.
 * It wires the parts, one construct per concern, each in its own file, and exposes them: reach a
 * resource through the part that owns it (`ladder.routing.bus`, `ladder.outbound.unconsumedQueue`, `ladder.workflow.stateMachines`,
 * `ladder.tables.ledger`, `ladder.monitoring.alarmTopic`).
 */
export class Ladder extends Construct {
  public readonly keys: Keys;
  public readonly tables: Tables;
  public readonly routing: EventRouting;
  public readonly outbound: OutboundEvents;
  public readonly evidence: Evidence;
  public readonly ledgerWriter: LedgerWriter;
  /** E-mail replies, when LadderProps.inboundEmail asks for them. */
  public readonly inboundEmail: InboundEmail | undefined;
  public readonly delivery: Delivery;
  public readonly workflow: Workflow;
  public readonly intake: Intake;
  public readonly borrowerEvents: BorrowerEvents;
  public readonly workQueue: WorkQueueApi;
  public readonly erasure: Erasure;
  public readonly consent: Consent;
  public readonly audit: LedgerAudit;
  public readonly monitoring: Monitoring;
  /** The borrower's page (and later the agent desk) on S3 behind CloudFront. */
  public readonly pages: PagesHosting;
  /** Who may use the agent desk: the Cognito user pool, its groups (one per queue), the desk's client. */
  public readonly deskIdentity: DeskIdentity;
  /** The agent desk's API (Cognito-authorised) on the work-queue REST API under /api/desk. */
  public readonly desk: DeskApi;
  /** The borrower page's API (signed links), served by the pages' distribution under /api/*. */
  public readonly borrowerApi: BorrowerApi;

  constructor(scope: Construct, id: string, props: LadderProps = {}) {
    super(scope, id);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    const keys = new Keys(this, 'Keys', { removalPolicy });
    const tables = new Tables(this, 'Tables', { keys, removalPolicy });
    const routing = new EventRouting(this, 'EventRouting', { keys, sources: props.eventSources });
    const evidence = new Evidence(this, 'Evidence', { keys });
    const functions = new LadderFunctions({ keys, routing, removalPolicy, retention: props.logRetention });
    const { senderEmail, sesConfigurationSet, sesSandbox, intakeConcurrency: concurrency } = props;
    const base = { tables, functions };
    const ledgerWriter = new LedgerWriter(this, 'LedgerWriter', { ...base, keys });
    const delivery = new Delivery(this, 'Delivery', {
      ...{
        ...base,
        keys,
        ledgerWriter,
        sesConfigurationSet,
        smsDeliveryStatusLogs: props.smsDeliveryStatusLogs,
      },
    });
    const workflow = new Workflow(this, 'Workflow', {
      ...{ ...base, routing, evidence, ledgerWriter, senderEmail, sesSandbox },
      sesConfigurationSet: delivery.configurationSetName,
    });
    const intake = new Intake(this, 'Intake', { ...base, keys, workflow, concurrency });
    const borrowerEvents = new BorrowerEvents(this, 'BorrowerEvents', {
      ...{ ...base, routing, workflow, ledgerWriter },
    });
    const workQueue = new WorkQueueApi(this, 'WorkQueueApi', {
      ...{ ...base, workflow, cloudWatchRole: props.apiGatewayCloudWatchRole },
    });
    const borrowerApi = new BorrowerApi(this, 'BorrowerApi', {
      ...{ ...base, keys, routing, workflow, ledgerWriter },
    });
    // Its stage logs through the account's CloudWatch role, which the work-queue API sets up.
    const account = workQueue.api.node.tryFindChild('Account');
    if (account) borrowerApi.api.deploymentStage.node.addDependency(account);
    const pages = new PagesHosting(this, 'Pages', {
      functions,
      api: borrowerApi.api,
      deskApi: workQueue.api,
    });
    const deskIdentity = new DeskIdentity(this, 'DeskIdentity', {
      ...{ pagesUrl: pages.url, removalPolicy, domainPrefix: props.deskDomainPrefix },
    });
    const desk = new DeskApi(this, 'Desk', { ...base, workflow, identity: deskIdentity, api: workQueue.api });
    pages.addSignInProxy(`${deskIdentity.domain.domainName}.auth.${Aws.REGION}.amazoncognito.com`);
    // Every message's {link}: a page link the stage signs with the link key (functions/domain/links.ts).
    keys.bindMac(workflow.stageFunction, keys.linkKey, 'LINK_KEY', 'kms:GenerateMac');
    workflow.stageFunction.addEnvironment('PAGES_URL', pages.url);
    const erasure = new Erasure(this, 'Erasure', { ...base, workflow });
    const consent = new Consent(this, 'Consent', { ...base, keys, ledgerWriter });
    this.inboundEmail = props.inboundEmail
      ? new InboundEmail(this, 'InboundEmail', {
          ...props.inboundEmail,
          keys,
          inboundFunction: consent.inboundSmsFunction,
        })
      : undefined;
    const audit = new LedgerAudit(this, 'LedgerAudit', {
      ...{ ...base, keys },
      recordsPerSegment: props.auditRecordsPerSegment,
      concurrency: props.auditConcurrency,
    });
    routing.routeToQueue('LoanDelinquent', INTAKE_DETAIL_TYPES, intake.queue, intake.deadLetterQueue);
    routing.routeToFunction('BorrowerEvents', BORROWER_DETAIL_TYPES, borrowerEvents.eventsFunction);
    routing.routeToFunction('Erasure', ERASURE_DETAIL_TYPES, erasure.erasureFunction);
    routing.routeToFunction('Delivery', EVENT_TARGETS.delivery, delivery.deliveryFunction);
    const outbound = new OutboundEvents(this, 'Outbound', {
      ...{ bus: routing.bus, keys, deadLetterQueue: routing.deadLetterQueue },
      consumers: props.outboundConsumers,
      forwardBusArn: props.outboundBusArn,
    });
    const monitoring = new Monitoring(this, 'Monitoring', {
      keys,
      alarmEmail: props.alarmEmail,
      stateMachines: workflow.stateMachines,
      audit: { stateMachine: audit.stateMachine, segmentTimeout: audit.segmentTimeout },
      functions: {
        intake: intake.intakeFunction,
        stage: workflow.stageFunction,
        humanTask: workflow.humanTaskFunction,
        events: borrowerEvents.eventsFunction,
        agentApi: workQueue.agentApiFunction,
        deskApi: desk.deskApiFunction,
        erasure: erasure.erasureFunction,
        inboundSms: consent.inboundSmsFunction,
        audit: audit.auditFunction,
        ledgerWriter: ledgerWriter.writerFunction,
        delivery: delivery.deliveryFunction,
      },
      deadLetterQueue: routing.deadLetterQueue,
      intakeDeadLetterQueue: intake.deadLetterQueue,
      unconsumedQueue: outbound.unconsumedQueue,
    });
    this.keys = keys;
    this.tables = tables;
    this.routing = routing;
    this.outbound = outbound;
    this.evidence = evidence;
    this.ledgerWriter = ledgerWriter;
    this.delivery = delivery;
    this.workflow = workflow;
    this.intake = intake;
    this.borrowerEvents = borrowerEvents;
    this.workQueue = workQueue;
    this.erasure = erasure;
    this.consent = consent;
    this.audit = audit;
    this.monitoring = monitoring;
    this.pages = pages;
    this.deskIdentity = deskIdentity;
    this.desk = desk;
    this.borrowerApi = borrowerApi;
  }
}
