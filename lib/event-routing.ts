import {
  Aws,
  CfnOutput,
  Duration,
  aws_events as events,
  aws_iam as iam,
  type aws_lambda as lambda,
  Names,
  aws_sqs as sqs,
  aws_events_targets as targets,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import type { EventType } from '../functions/domain/events.js';
import {
  EVENT_TARGETS,
  type EventSources,
  LADDER_SOURCE,
  sourceProblem,
  sourcesFor,
} from '../functions/domain/routes.js';
import type { Keys } from './keys.js';

/** Detail-types routed to the intake function: a loan became delinquent, open a case. */
export const INTAKE_DETAIL_TYPES = EVENT_TARGETS.intake;
/** Detail-types routed to the events function: payments and everything the borrower says or does. */
export const BORROWER_DETAIL_TYPES = EVENT_TARGETS.events;
/** Detail-types routed to the erasure function: the only one that may delete contact details. */
export const ERASURE_DETAIL_TYPES = EVENT_TARGETS.erasure;

export interface EventRoutingProps {
  readonly keys: Keys;
  /** Which sources may send which detail-type (LadderProps.eventSources). */
  readonly sources?: EventSources;
}

/**
 * Events in: the bus upstream systems publish to, the rules that route each detail-type to its consumer,
 * and the dead-letter queue for what EventBridge (or an asynchronous invocation) could not deliver.
 */
export class EventRouting extends Construct {
  public readonly bus: events.EventBus;
  public readonly deadLetterQueue: sqs.Queue;

  private readonly sources: EventSources;

  constructor(scope: Construct, id: string, props: EventRoutingProps) {
    super(scope, id);
    this.sources = props.sources ?? {};
    const named = [...(this.sources.default ?? []), ...Object.values(this.sources.byDetailType ?? {}).flat()];
    for (const source of named) {
      const problem = sourceProblem(source);
      if (problem) throw new Error(`Ladder: eventSources: ${problem}`);
    }
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
    detailTypes: readonly EventType[],
    queue: sqs.IQueue,
    deadLetterQueue: sqs.IQueue,
  ): events.Rule[] {
    return this.route(id, detailTypes, new targets.SqsQueue(queue, this.targetDelivery(deadLetterQueue)));
  }

  /** Routes the detail-types to a function; what cannot be delivered goes to the dead-letter queue. */
  public routeToFunction(id: string, detailTypes: readonly EventType[], fn: lambda.IFunction): events.Rule[] {
    return this.route(id, detailTypes, new targets.LambdaFunction(fn, this.targetDelivery()));
  }

  /**
   * One rule per set of allowed sources (one rule when every detail-type shares the default): each
   * matches its detail-types and only from the producers named for them (functions/domain/routes.ts).
   */
  private route(id: string, detailTypes: readonly EventType[], target: events.IRuleTarget): events.Rule[] {
    const bySources = new Map<string, EventType[]>();
    for (const type of detailTypes) {
      const key = JSON.stringify([...sourcesFor(type, this.sources)].sort());
      bySources.set(key, [...(bySources.get(key) ?? []), type]);
    }
    return [...bySources].map(
      ([sources, types], i) =>
        new events.Rule(this, `${id}Rule${i === 0 ? '' : i + 1}`, {
          eventBus: this.bus,
          description: `Ladder: ${types.join(', ')}`,
          eventPattern: { detailType: types, source: JSON.parse(sources) as string[] },
          targets: [target],
        }),
    );
  }

  /** EventBridge keeps retrying a target for a day; what it still cannot deliver goes to a DLQ. */
  private targetDelivery(deadLetterQueue: sqs.IQueue = this.deadLetterQueue) {
    return { deadLetterQueue, retryAttempts: 185, maxEventAge: Duration.hours(24) };
  }

  /**
   * Sets EVENT_BUS_NAME and lets the function put events on the bus, with Ladder's own source only: it
   * can announce a placement or a handoff, never pose as an upstream producer.
   */
  public bindPublisher(fn: lambda.Function): void {
    fn.addEnvironment('EVENT_BUS_NAME', this.bus.eventBusName);
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['events:PutEvents'],
        resources: [this.bus.eventBusArn],
        // events:source is multivalued (one value per entry of the call): a plain StringEquals never
        // matches it, so the grant needs ForAllValues, and Null refuses a call that names no source.
        conditions: {
          'ForAllValues:StringEquals': { 'events:source': LADDER_SOURCE },
          Null: { 'events:source': 'false' },
        },
      }),
    );
  }
}
