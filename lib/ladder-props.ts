import type { aws_logs as logs, RemovalPolicy } from 'aws-cdk-lib';
import type { EventSources } from '../functions/domain/routes.js';
import type { InboundEmailOptions } from './inbound-email.js';
import type { OutboundConsumers } from './outbound.js';

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
   * The SES account is still in the sandbox: SES then also checks the sender's permission on each
   * recipient's identity, so the stage may send to any verified identity of the account (identity/*).
   * Leave it off once the account has production access.
   * @default false
   */
  readonly sesSandbox?: boolean;
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
  /**
   * Which EventBridge sources may send which upstream event: the rules match the source as well as the
   * detail-type, so an event counts only from a producer named here. `ladder` (Ladder's own) and `aws.*`
   * are refused. Give publishers `events:PutEvents` with an `events:source` condition (README, Deploy).
   * @default every upstream event from the source 'lender.loans'
   */
  readonly eventSources?: EventSources;
  /**
   * Create API Gateway's account-level CloudWatch role (AWS::ApiGateway::Account) with the work-queue
   * API. The API's stage writes access and error logs, and a stage with logging fails to deploy in an
   * account and region where that role was never set. Set false where the platform team manages the
   * account setting centrally (one per account and region; the last stack to set it wins).
   * @default true
   */
  readonly apiGatewayCloudWatchRole?: boolean;
  /**
   * The prefix of the agent desk's Cognito sign-in domain (`<prefix>.auth.<region>.amazoncognito.com`),
   * unique within the region across all accounts. @default ladder-desk-<account id>-<hash of the stack path>
   */
  readonly deskDomainPrefix?: string;
  /**
   * SNS's SMS delivery-status log groups (`sns/<region>/<account>/DirectPublishToPhoneNumber` and its
   * `/Failure`): 'create' them in this stack, or attach to them where they exist already ('existing':
   * another application of the account reports SMS delivery). A log group takes two subscriptions.
   * @default 'create'
   */
  readonly smsDeliveryStatusLogs?: 'create' | 'existing';
  /**
   * The consumers of the events Ladder publishes (LetterRequested, AgencyPlacementRequested,
   * AgencyRecallRequested, LegalHandoffRequested, CreditBureauReportRequested,
   * CreditBureauCorrectionRequested; docs/events.md): EventBridge targets per detail-type, each routed
   * by its own rule. A detail-type without one goes to the unconsumed queue, which alarms.
   * @default none: every outbound event waits in the unconsumed queue
   */
  readonly outboundConsumers?: OutboundConsumers;
  /**
   * Forward every outbound event to this EventBridge bus as well (the lender's integration bus, in
   * this account or another: its resource policy must let this account put events): it then counts
   * as the consumer of every detail-type, and its own rules route them on.
   * @default none
   */
  readonly outboundBusArn?: string;
  /**
   * Ledger items one audit invocation scans at most: the daily audit state machine divides the ledger
   * (DynamoDB's item count) into the smallest power of two of parallel Scan segments (at most 512) that
   * keeps each at or under this. Lower it if the AuditSegmentNearTimeout alarm fires or a segment runs
   * out of memory (the audit function has 1,024 MB; the bench held about 4.9 KB of heap per record).
   * @default 100_000
   */
  readonly auditRecordsPerSegment?: number;
  /**
   * Audit segments running at once (the Map state's MaxConcurrency, 1 to 40): their Scans share the
   * ledger table's read capacity with the ladders' Queries.
   * @default 8
   */
  readonly auditConcurrency?: number;
  /**
   * Receive e-mail replies (opt-in): an SES receipt rule for these recipients publishes each reply to
   * the inbound function, which makes it a conversation item (docs/conversations.md). Opt-in because an
   * account has one active receipt rule set per region.
   * @default none: e-mail replies are not received
   */
  readonly inboundEmail?: InboundEmailOptions;
}
