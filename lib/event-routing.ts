import {
  Aws,
  CfnOutput,
  Duration,
  aws_events as events,
  type aws_lambda as lambda,
  Names,
  aws_sqs as sqs,
  aws_events_targets as targets,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import type { Keys } from './keys.js';

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

export interface EventRoutingProps {
  readonly keys: Keys;
}

/**
 * Events in: the bus upstream systems publish to, the rules that route each detail-type to its consumer,
 * and the dead-letter queue for what EventBridge (or an asynchronous invocation) could not deliver.
 */
export class EventRouting extends Construct {
  public readonly bus: events.EventBus;
  public readonly deadLetterQueue: sqs.Queue;

  constructor(scope: Construct, id: string, props: EventRoutingProps) {
    super(scope, id);
    this.bus = new events.EventBus(this, 'Bus', {
      // The stack name makes the bus name unique per deployment (a bus must have a name). The unique id is
      // the Ladder's (the scope), not this construct's: upstream publishers are configured with this name.
      eventBusName: `${Aws.STACK_NAME}-${Names.uniqueId(scope)}`,
      description: 'Ladder: upstream loan, payment and borrower events',
    });
    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: props.keys.caseKey,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    new CfnOutput(this, 'EventBusName', {
      value: this.bus.eventBusName,
      description: 'Publish upstream events here',
    });
  }

  /** Routes the detail-types to a queue; what cannot be delivered goes to that queue's own dead letters. */
  public routeToQueue(
    id: string,
    detailTypes: readonly string[],
    queue: sqs.IQueue,
    deadLetterQueue: sqs.IQueue,
  ): events.Rule {
    return this.route(id, detailTypes, new targets.SqsQueue(queue, this.targetDelivery(deadLetterQueue)));
  }

  /** Routes the detail-types to a function; what cannot be delivered goes to the dead-letter queue. */
  public routeToFunction(id: string, detailTypes: readonly string[], fn: lambda.IFunction): events.Rule {
    return this.route(id, detailTypes, new targets.LambdaFunction(fn, this.targetDelivery()));
  }

  /** Detail-type only, no source: any upstream system may publish these events on the bus. */
  private route(id: string, detailTypes: readonly string[], target: events.IRuleTarget): events.Rule {
    return new events.Rule(this, `${id}Rule`, {
      eventBus: this.bus,
      description: `Ladder: ${detailTypes.join(', ')}`,
      eventPattern: { detailType: [...detailTypes] },
      targets: [target],
    });
  }

  /** EventBridge keeps retrying a target for a day; what it still cannot deliver goes to a DLQ. */
  private targetDelivery(deadLetterQueue: sqs.IQueue = this.deadLetterQueue) {
    return { deadLetterQueue, retryAttempts: 185, maxEventAge: Duration.hours(24) };
  }

  /** Sets EVENT_BUS_NAME and lets the function put events on the bus. */
  public bindPublisher(fn: lambda.Function): void {
    fn.addEnvironment('EVENT_BUS_NAME', this.bus.eventBusName);
    this.bus.grantPutEventsTo(fn);
  }
}
