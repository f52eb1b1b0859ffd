import {
  Aws,
  CfnOutput,
  aws_events as events,
  aws_iam as iam,
  aws_logs_destinations as logDestinations,
  aws_logs as logs,
  type aws_lambda_nodejs as nodejs,
  aws_ses as ses,
  aws_events_targets as targets,
  Validations,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { LAMBDA_ENTRIES } from './bundling.js';
import type { Keys } from './keys.js';
import type { LadderFunctions } from './ladder-functions.js';
import type { LedgerWriter } from './ledger-writer.js';
import type { Tables } from './tables.js';

export interface DeliveryProps {
  readonly keys: Keys;
  readonly tables: Tables;
  readonly functions: LadderFunctions;
  readonly ledgerWriter: LedgerWriter;
  /** LadderProps.sesConfigurationSet: an existing set (its EventBridge destination is then yours to add). */
  readonly sesConfigurationSet?: string;
  /** LadderProps.smsDeliveryStatusLogs. @default 'create' */
  readonly smsDeliveryStatusLogs?: 'create' | 'existing';
}

/** The SES events that settle a message (a delay, an open or a click says nothing about delivery). */
const SES_EVENTS = [
  ses.EmailSendingEvent.DELIVERY,
  ses.EmailSendingEvent.BOUNCE,
  ses.EmailSendingEvent.REJECT,
  ses.EmailSendingEvent.RENDERING_FAILURE,
];

/**
 * Delivery truth: what became of each message. SES reports through a configuration set whose events go
 * to the account's default event bus, where a rule (this set's mail only) invokes the delivery
 * function; SNS reports SMS deliveries to its delivery-status log groups, whose subscription filters
 * invoke it (SNS writes them once the account's SMS attributes name `SmsDeliveryStatusRoleArn`: README,
 * Deploy); the print vendor's LetterDispatched comes from Ladder's bus (routed in ladder.ts).
 */
export class Delivery extends Construct {
  public readonly deliveryFunction: nodejs.NodejsFunction;
  /** The configuration set every e-mail is sent with. */
  public readonly configurationSetName: string;

  constructor(scope: Construct, id: string, props: DeliveryProps) {
    super(scope, id);
    this.deliveryFunction = props.functions.create(this, 'Delivery', LAMBDA_ENTRIES.Delivery, {
      description: 'Ladder: records what became of each message (delivered, bounced, a letter dispatched)',
      async: true,
    });
    // Query: the message's note (MSG#<ref>) and the borrower's cases; PutItem: a notice starts to count.
    props.tables.bind(this.deliveryFunction, 'cases', ['dynamodb:Query', 'dynamodb:PutItem']);
    props.tables.bind(this.deliveryFunction, 'ledger', ['dynamodb:Query']);
    props.ledgerWriter.bindCaller(this.deliveryFunction);
    this.configurationSetName = props.sesConfigurationSet ?? this.emailEvents();
    this.smsStatusLogs(props.smsDeliveryStatusLogs ?? 'create', props.keys);
  }

  /** A configuration set whose delivery events reach the delivery function through the default bus. */
  private emailEvents(): string {
    const set = new ses.ConfigurationSet(this, 'EmailEvents', {});
    const defaultBus = events.EventBus.fromEventBusName(this, 'DefaultBus', 'default');
    set.addEventDestination('ToEventBridge', {
      destination: ses.EventDestination.eventBus(defaultBus),
      events: SES_EVENTS,
    });
    new events.Rule(this, 'EmailEventsRule', {
      eventBus: defaultBus,
      description: "Ladder: SES delivery events of Ladder's configuration set",
      eventPattern: {
        source: ['aws.ses'],
        detail: { mail: { tags: { 'ses:configuration-set': [set.configurationSetName] } } },
      },
      targets: [new targets.LambdaFunction(this.deliveryFunction, { retryAttempts: 185 })],
    });
    return set.configurationSetName;
  }

  /**
   * SNS writes SMS delivery status to two log groups named by the account and region; their
   * subscription filters invoke the delivery function. The role lets SNS write them.
   */
  private smsStatusLogs(mode: 'create' | 'existing', keys: Keys): void {
    const names = ['DirectPublishToPhoneNumber', 'DirectPublishToPhoneNumber/Failure'].map(
      (n) => `sns/${Aws.REGION}/${Aws.ACCOUNT_ID}/${n}`,
    );
    const groups = names.map((name, i) =>
      mode === 'existing'
        ? logs.LogGroup.fromLogGroupName(this, `SmsStatusLogs${i}`, name)
        : // The lines hold phone numbers: under the contact key, as the contacts table is.
          new logs.LogGroup(this, `SmsStatusLogs${i}`, {
            logGroupName: name,
            retention: logs.RetentionDays.ONE_YEAR,
            encryptionKey: keys.contactKey,
          }),
    );
    groups.forEach((group, i) => {
      new logs.SubscriptionFilter(this, `SmsStatusFilter${i}`, {
        logGroup: group,
        destination: new logDestinations.LambdaDestination(this.deliveryFunction),
        filterPattern: logs.FilterPattern.allEvents(),
      });
    });
    const role = new iam.Role(this, 'SmsDeliveryStatusRole', {
      assumedBy: new iam.ServicePrincipal('sns.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
      }),
      description: 'Ladder: lets SNS write SMS delivery status to its log groups',
    });
    role.addToPolicy(
      new iam.PolicyStatement({
        actions: [
          'logs:CreateLogGroup',
          'logs:CreateLogStream',
          'logs:PutLogEvents',
          'logs:PutRetentionPolicy',
        ],
        resources: groups.flatMap((g) => [g.logGroupArn]),
      }),
    );
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5',
      reason:
        "SNS creates its own log streams in the two SMS delivery-status log groups; their names are SNS's.",
    });
    new CfnOutput(this, 'SmsDeliveryStatusRoleArn', {
      value: role.roleArn,
      description:
        "Set as the account's SMS DeliveryStatusIAMRole (README, Deploy) so SNS reports deliveries",
    });
  }
}
