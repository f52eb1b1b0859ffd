import {
  CfnOutput,
  Duration,
  aws_events as events,
  aws_sqs as sqs,
  aws_events_targets as targets,
  Validations,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { OUTBOUND_TYPES, type OutboundType } from '../functions/domain/outbound.js';
import { LADDER_SOURCE } from '../functions/domain/routes.js';
import type { Keys } from './keys.js';

/**
 * Who consumes Ladder's outbound events: EventBridge targets per detail-type (a print vendor's queue,
 * an agency's event bus in its own account, legal's function). Give each target its own dead-letter
 * queue and retry policy (the target's props); EventBridge allows five targets a rule, so more make
 * more rules.
 */
export type OutboundConsumers = Partial<Record<OutboundType, readonly events.IRuleTarget[]>>;

export interface OutboundEventsProps {
  readonly bus: events.IEventBus;
  readonly keys: Keys;
  /** What cannot be delivered to the unconsumed queue. */
  readonly deadLetterQueue: sqs.IQueue;
  readonly consumers?: OutboundConsumers;
  /** Every outbound event also goes to this event bus (LadderProps.outboundBusArn). */
  readonly forwardBusArn?: string;
}

const EVENT_BUS_ARN = /^arn:aws[a-z-]*:events:[a-z0-9-]+:\d{12}:event-bus\/[A-Za-z0-9._\-/]+$/;

/** EventBridge's limit of targets per rule. */
const TARGETS_PER_RULE = 5;

/**
 * Events out (functions/domain/outbound.ts, docs/events.md): a rule per consumed detail-type to its
 * consumers, matching Ladder's own source only. EventBridge drops an event no rule matches, and a
 * letter nobody prints is a notice that never went out, so every detail-type without a consumer is
 * routed to the unconsumed queue instead: kept for 14 days (redrive them once a consumer exists),
 * and Monitoring alarms on the first one. Why a queue and not a metric: EventBridge has no metric of
 * events that matched no rule on a custom bus, and a metric would not keep the events.
 */
export class OutboundEvents extends Construct {
  /** The rules to the consumers, by detail-type. */
  public readonly rules: Partial<Record<OutboundType, events.Rule[]>> = {};
  /** The detail-types no consumer was given for: they go to the unconsumed queue. */
  public readonly unconsumedTypes: readonly OutboundType[];
  /** Where events without a consumer wait (absent when every detail-type has one). */
  public readonly unconsumedQueue?: sqs.Queue;

  constructor(scope: Construct, id: string, props: OutboundEventsProps) {
    super(scope, id);
    const consumers = props.consumers ?? {};
    for (const type of Object.keys(consumers)) {
      if (!(OUTBOUND_TYPES as readonly string[]).includes(type))
        throw new Error(`Ladder: outboundConsumers: "${type}" is not an event Ladder publishes`);
    }
    for (const type of OUTBOUND_TYPES) {
      const list = consumers[type] ?? [];
      if (list.length === 0) continue;
      const rules: events.Rule[] = [];
      for (let i = 0; i < list.length; i += TARGETS_PER_RULE) {
        rules.push(
          new events.Rule(this, `${type}Rule${i === 0 ? '' : i / TARGETS_PER_RULE + 1}`, {
            eventBus: props.bus,
            description: `Ladder: ${type} to its consumers`,
            eventPattern: { source: [LADDER_SOURCE], detailType: [type] },
            targets: list.slice(i, i + TARGETS_PER_RULE),
          }),
        );
      }
      this.rules[type] = rules;
    }
    if (props.forwardBusArn !== undefined) this.forward(props.forwardBusArn, props);
    this.unconsumedTypes = props.forwardBusArn
      ? []
      : OUTBOUND_TYPES.filter((t) => (consumers[t] ?? []).length === 0);
    if (this.unconsumedTypes.length === 0) return;
    this.unconsumedQueue = new sqs.Queue(this, 'UnconsumedQueue', {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: props.keys.caseKey,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.unconsumedQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        'The unconsumed queue is itself the safety net: nothing receives from it automatically (an ' +
        'operator redrives its events to a consumer), so there is no failed processing to dead-letter.',
    });
    new events.Rule(this, 'UnconsumedRule', {
      eventBus: props.bus,
      description: 'Ladder: outbound events no consumer is configured for (kept, alarmed)',
      eventPattern: { source: [LADDER_SOURCE], detailType: [...this.unconsumedTypes] },
      targets: [
        new targets.SqsQueue(this.unconsumedQueue, {
          deadLetterQueue: props.deadLetterQueue,
          retryAttempts: 185,
          maxEventAge: Duration.hours(24),
        }),
      ],
    });
    new CfnOutput(this, 'UnconsumedEventTypes', {
      value: this.unconsumedTypes.join(', '),
      description: 'Outbound events with no consumer: they wait in the unconsumed queue and alarm',
    });
  }

  /** One rule: every outbound detail-type to the lender's integration bus; what fails, to the DLQ. */
  private forward(arn: string, props: OutboundEventsProps): void {
    if (!EVENT_BUS_ARN.test(arn))
      throw new Error(
        `Ladder: outboundBusArn: "${arn}" is not an event bus ARN (arn:<partition>:events:<region>:<account>:event-bus/<name>)`,
      );
    new events.Rule(this, 'ForwardRule', {
      eventBus: props.bus,
      description: 'Ladder: every outbound event to the integration bus',
      eventPattern: { source: [LADDER_SOURCE], detailType: [...OUTBOUND_TYPES] },
      targets: [
        new targets.EventBus(events.EventBus.fromEventBusArn(this, 'ForwardBus', arn), {
          deadLetterQueue: props.deadLetterQueue,
        }),
      ],
    });
  }
}
