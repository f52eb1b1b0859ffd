import { readFileSync } from 'node:fs';
import path from 'node:path';
import { App, aws_events as events, Stack, aws_sqs as sqs, aws_events_targets as targets } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { OUTBOUND_TYPES } from '../../functions/domain/outbound.js';
import { Ladder, type LadderProps, PROJECT_ROOT } from '../../lib/ladder.js';

/**
 * Outbound events (lib/outbound.ts): each consumed detail-type has a rule from Ladder's own source to
 * its consumers; the rest go to the unconsumed queue, which alarms, so a letter nobody prints is seen.
 */
const context = (
  JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'cdk.json'), 'utf8')) as {
    context: Record<string, unknown>;
  }
).context;

function synth(props: (stack: Stack) => LadderProps = () => ({})) {
  const stack = new Stack(new App({ context: { ...context, 'aws:cdk:bundling-stacks': [] } }), 'Test');
  const ladder = new Ladder(stack, 'Ladder', props(stack));
  return { stack, ladder, template: Template.fromStack(stack) };
}

type Rule = {
  Properties: { EventPattern: { source: string[]; 'detail-type': string[] }; Targets: unknown[] };
};
const outboundRules = (template: Template): Rule[] =>
  Object.values(
    template.findResources('AWS::Events::Rule', { Properties: { EventPattern: { source: ['ladder'] } } }),
  ) as Rule[];

describe('outbound events without consumers', () => {
  const { stack, ladder, template } = synth();

  it('routes every outbound detail-type, from the source ladder only, to the encrypted unconsumed queue', () => {
    const queue = ladder.outbound.unconsumedQueue;
    expect(queue).toBeDefined();
    const queueId = stack.getLogicalId(queue?.node.defaultChild as sqs.CfnQueue);
    const rules = outboundRules(template);
    expect(rules).toHaveLength(1);
    expect(rules[0]?.Properties.EventPattern['detail-type']).toEqual([...OUTBOUND_TYPES]);
    expect(JSON.stringify(rules[0]?.Properties.Targets)).toContain(queueId);
    template.hasResourceProperties('AWS::SQS::Queue', {
      KmsMasterKeyId: Match.anyValue(),
      MessageRetentionPeriod: 14 * 86_400,
    });
  });

  it('has an alarm on the first unconsumed event, notifying the alarm topic', () => {
    const queueName = stack.resolve(ladder.outbound.unconsumedQueue?.queueName);
    const topic = stack.resolve(ladder.monitoring.alarmTopic.topicArn);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Namespace: 'AWS/SQS',
      Dimensions: [{ Name: 'QueueName', Value: queueName }],
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      AlarmActions: [topic],
      AlarmDescription: Match.stringLikeRegexp('no consumer is configured'),
    });
  });

  it('names the detail-types without a consumer in a stack output', () => {
    const outputs = Object.values(
      template.findOutputs('*', { Value: Match.stringLikeRegexp('LetterRequested') }),
    );
    expect(outputs.map((o) => o.Value)).toEqual([OUTBOUND_TYPES.join(', ')]);
  });
});

describe('outbound events with consumers', () => {
  const { stack, ladder, template } = synth((s) => {
    const printQueue = new sqs.Queue(s, 'PrintVendorQueue', { enforceSSL: true });
    const agencyBus = events.EventBus.fromEventBusArn(
      s,
      'AgencyBus',
      'arn:aws:events:us-east-1:210987654321:event-bus/agency-intake',
    );
    return {
      outboundConsumers: {
        LetterRequested: [new targets.SqsQueue(printQueue)],
        AgencyPlacementRequested: [new targets.EventBus(agencyBus)],
        AgencyRecallRequested: [new targets.EventBus(agencyBus)],
      },
    };
  });

  it('gives each consumed detail-type its own rule from the source ladder, and only the rest go unconsumed', () => {
    const byType = new Map(
      outboundRules(template).map((r) => [r.Properties.EventPattern['detail-type'].join(','), r]),
    );
    expect([...byType.keys()].sort()).toEqual([
      'AgencyPlacementRequested',
      'AgencyRecallRequested',
      'LegalHandoffRequested,CreditBureauReportRequested,CreditBureauCorrectionRequested,AccountUpdateRequested,BlacklistReportRequested,BlacklistRemovalRequested',
      'LetterRequested',
    ]);
    const printQueue = stack.getLogicalId(
      stack.node.findChild('PrintVendorQueue').node.defaultChild as sqs.CfnQueue,
    );
    expect(JSON.stringify(byType.get('LetterRequested')?.Properties.Targets)).toContain(printQueue);
    expect(JSON.stringify(byType.get('AgencyPlacementRequested')?.Properties.Targets)).toContain(
      'event-bus/agency-intake',
    );
    expect(ladder.outbound.unconsumedTypes).toEqual([
      'LegalHandoffRequested',
      'CreditBureauReportRequested',
      'CreditBureauCorrectionRequested',
      'AccountUpdateRequested',
      'BlacklistReportRequested',
      'BlacklistRemovalRequested',
    ]);
  });

  it('more than five consumers of one detail-type make a second rule (EventBridge allows five targets)', () => {
    const { template: t } = synth((s) => ({
      outboundConsumers: {
        LetterRequested: [1, 2, 3, 4, 5, 6].map(
          (i) => new targets.SqsQueue(new sqs.Queue(s, `Q${i}`, { enforceSSL: true })),
        ),
      },
    }));
    const letters = outboundRules(t).filter(
      (r) => r.Properties.EventPattern['detail-type'][0] === 'LetterRequested',
    );
    expect(letters.map((r) => r.Properties.Targets.length)).toEqual([5, 1]);
  });
});

describe('outbound events forwarded to an integration bus', () => {
  it('forwards every detail-type in one rule; nothing is unconsumed, so there is no queue and no alarm', () => {
    const arn = 'arn:aws:events:eu-west-1:210987654321:event-bus/lender-integration';
    const { ladder, template } = synth(() => ({ outboundBusArn: arn }));
    const rules = outboundRules(template);
    expect(rules).toHaveLength(1);
    expect(rules[0]?.Properties.EventPattern['detail-type']).toEqual([...OUTBOUND_TYPES]);
    expect(JSON.stringify(rules[0]?.Properties.Targets)).toContain(arn);
    expect(ladder.outbound.unconsumedQueue).toBeUndefined();
    expect(
      Object.keys(
        template.findResources('AWS::CloudWatch::Alarm', {
          Properties: { Namespace: 'AWS/SQS', AlarmDescription: Match.stringLikeRegexp('no consumer') },
        }),
      ),
    ).toEqual([]);
  });

  it('refuses what is not an event bus ARN, and a consumer of an event Ladder does not publish', () => {
    expect(() => synth(() => ({ outboundBusArn: 'lender-integration' }))).toThrow(
      /^Ladder: outboundBusArn: "lender-integration" is not an event bus ARN/,
    );
    expect(() =>
      synth(() => ({
        outboundConsumers: { LetterDispatched: [] } as unknown as LadderProps['outboundConsumers'],
      })),
    ).toThrow('Ladder: outboundConsumers: "LetterDispatched" is not an event Ladder publishes');
  });
});
