import {
  ArnFormat,
  Aws,
  aws_cloudwatch as cloudwatch,
  aws_cloudwatch_actions as cloudwatchActions,
  Duration,
  aws_iam as iam,
  type aws_lambda as lambda,
  Stack,
  type aws_stepfunctions as sfn,
  aws_sns as sns,
  type aws_sqs as sqs,
  aws_sns_subscriptions as subscriptions,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import type { Keys } from './keys.js';
import { METRICS_NAMESPACE, SERVICE_NAME } from './ladder-functions.js';
import { policySuffix } from './workflow.js';

export interface MonitoringProps {
  readonly keys: Keys;
  /** An e-mail address subscribed to the alarm topic. */
  readonly alarmEmail?: string;
  /** The ladders, by policy id. */
  readonly stateMachines: Readonly<Record<string, sfn.StateMachine>>;
  /** Every function, by name (the name labels its alarm and its dashboard lines). */
  readonly functions: Readonly<Record<string, lambda.IFunction>>;
  /** Events and invocations that could not be delivered or handled. */
  readonly deadLetterQueue: sqs.IQueue;
  /** LoanDelinquent events that could not be delivered or handled: those loans have no ladder. */
  readonly intakeDeadLetterQueue: sqs.IQueue;
  /** Outbound events no consumer is configured for (lib/outbound.ts); absent when all have one. */
  readonly unconsumedQueue?: sqs.IQueue;
  /** The daily audit's state machine, and the timeout of each of its segments' invocations. */
  readonly audit?: { readonly stateMachine: sfn.IStateMachine; readonly segmentTimeout: Duration };
}

const DAY = Duration.days(1);
/** A segment that took this share of its timeout alarms: the next growth of the ledger could stop it. */
export const AUDIT_SEGMENT_ALARM_SHARE = 0.8;

const PERIOD = Duration.minutes(5);

/** Alarms on failures, timeouts, errors, send failures and dead letters, to an encrypted topic; a dashboard. */
export class Monitoring extends Construct {
  public readonly alarmTopic: sns.Topic;
  public readonly alarms: cloudwatch.Alarm[] = [];
  public readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    this.alarmTopic = new sns.Topic(this, 'AlarmTopic', {
      displayName: 'Ladder alarms',
      masterKey: props.keys.caseKey,
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
            'aws:SourceArn': Stack.of(this).formatArn({
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
    this.addAlarms(props);
    this.addUnconsumedAlarm(props.unconsumedQueue);
    if (props.audit) this.addAuditAlarms(props.audit);
    this.dashboard = this.makeDashboard(props);
  }

  private addAlarms(props: MonitoringProps): void {
    for (const [id, machine] of Object.entries(props.stateMachines)) {
      const suffix = policySuffix(id);
      this.alarm(
        `ExecutionsFailed${suffix}`,
        machine.metricFailed({ period: PERIOD, statistic: 'Sum' }),
        `A "${id}" ladder failed`,
      );
      this.alarm(
        `ExecutionsTimedOut${suffix}`,
        machine.metricTimedOut({ period: PERIOD, statistic: 'Sum' }),
        `A "${id}" ladder timed out`,
      );
    }
    for (const [name, fn] of Object.entries(props.functions)) {
      this.alarm(
        `${capitalize(name)}Errors`,
        fn.metricErrors({ period: PERIOD, statistic: 'Sum' }),
        `${name} function errors`,
      );
    }
    this.alarm('SendFailures', ladderMetric('SendFailures'), 'A notice could not be sent');
    // One data point a day (the audit's run): a day-long period keeps the alarm in ALARM until the next
    // audit finds the ledger intact, instead of flapping back to OK after five minutes.
    this.alarm(
      'LedgerChainsBroken',
      ladderMetric('LedgerChainsBroken').with({ period: Duration.days(1), statistic: 'Maximum' }),
      'The audit found a ledger chain broken: a record was edited, inserted or removed',
    );
    // Same daily rhythm: the audit's compliance check of the previous day's contacts.
    this.alarm(
      'ComplianceViolations',
      ladderMetric('ComplianceViolations').with({ period: Duration.days(1), statistic: 'Maximum' }),
      "The daily compliance check found a contact that broke a rule (hours, consent, hold, cap, notice): see the audit function's error logs",
    );
    this.alarm(
      'DeadLetters',
      props.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
        period: PERIOD,
        statistic: 'Maximum',
      }),
      'Events or invocations landed in the dead-letter queue',
    );
    this.alarm(
      'IntakeDeadLetters',
      props.intakeDeadLetterQueue.metricApproximateNumberOfMessagesVisible({
        period: PERIOD,
        statistic: 'Maximum',
      }),
      'LoanDelinquent events landed in the intake dead-letter queue: those loans have no ladder',
    );
  }

  /**
   * The audit did not finish (a segment failed after its retries, or the run timed out or was
   * stopped): no verdict on the ledger that day. And a segment that took most of its timeout: the
   * next growth of the ledger could make it fail, so lower auditRecordsPerSegment (more segments).
   * Both keep a day's period, like the audit's findings, so they stay in alarm until the next run.
   */
  private addAuditAlarms(audit: NonNullable<MonitoringProps['audit']>): void {
    const m = audit.stateMachine;
    this.alarm(
      'AuditNotCompleted',
      new cloudwatch.MathExpression({
        expression: 'FILL(failed, 0) + FILL(timedOut, 0) + FILL(aborted, 0)',
        usingMetrics: {
          failed: m.metricFailed({ statistic: 'Sum' }),
          timedOut: m.metricTimedOut({ statistic: 'Sum' }),
          aborted: m.metricAborted({ statistic: 'Sum' }),
        },
        period: DAY,
        label: 'Audit executions failed, timed out or aborted',
      }),
      'The daily ledger audit did not complete (a segment failed after its retries, or the run timed out or was stopped): the ledger was not verified that day; see the audit state machine execution',
    );
    const threshold = Math.floor(audit.segmentTimeout.toSeconds() * AUDIT_SEGMENT_ALARM_SHARE);
    this.alarm(
      'AuditSegmentNearTimeout',
      ladderMetric('AuditSegmentSeconds').with({ period: DAY, statistic: 'Maximum' }),
      `An audit segment took ${threshold} s or more of its ${audit.segmentTimeout.toSeconds()} s timeout: lower auditRecordsPerSegment before the ledger outgrows it`,
      threshold,
    );
  }

  /** An outbound event nobody consumes: a letter nobody prints, a placement no agency receives. */
  private addUnconsumedAlarm(queue: sqs.IQueue | undefined): void {
    if (!queue) return;
    this.alarm(
      'UnconsumedOutboundEvents',
      queue.metricApproximateNumberOfMessagesVisible({ period: PERIOD, statistic: 'Maximum' }),
      'Ladder published an event no consumer is configured for (a letter, a placement, a report): it waits in the unconsumed queue; add the consumer (LadderProps.outboundConsumers) and redrive it',
    );
  }

  private makeDashboard(props: MonitoringProps): cloudwatch.Dashboard {
    const functions = Object.entries(props.functions);
    return new cloudwatch.Dashboard(this, 'Dashboard', {
      defaultInterval: Duration.days(7),
      widgets: [
        [
          new cloudwatch.GraphWidget({
            title: 'Ladder executions',
            width: 12,
            left: Object.values(props.stateMachines).flatMap((m) => [
              m.metricStarted({ period: PERIOD, statistic: 'Sum' }),
              m.metricSucceeded({ period: PERIOD, statistic: 'Sum' }),
              m.metricFailed({ period: PERIOD, statistic: 'Sum' }),
            ]),
          }),
          new cloudwatch.GraphWidget({
            title: 'Contacts: send failures and blocked',
            width: 12,
            left: [ladderMetric('SendFailures').with({ label: 'Sends failed (SMS, e-mail) after retries' })],
            right: [
              ladderMetric('ContactsBlocked').with({ label: 'Contacts blocked (opt-out, caps, window)' }),
            ],
          }),
        ],
        [
          new cloudwatch.GraphWidget({
            title: 'Function errors',
            width: 8,
            left: functions.map(([name, fn]) =>
              fn.metricErrors({ period: PERIOD, statistic: 'Sum', label: name }),
            ),
          }),
          new cloudwatch.GraphWidget({
            title: 'Function duration (p99)',
            width: 8,
            left: functions.map(([name, fn]) =>
              fn.metricDuration({ period: PERIOD, statistic: 'p99', label: name }),
            ),
          }),
          new cloudwatch.GraphWidget({
            title: 'Dead letters',
            width: 8,
            left: [
              props.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
                period: PERIOD,
                statistic: 'Maximum',
                label: 'Events and invocations',
              }),
              props.intakeDeadLetterQueue.metricApproximateNumberOfMessagesVisible({
                period: PERIOD,
                statistic: 'Maximum',
                label: 'LoanDelinquent (intake)',
              }),
            ],
          }),
        ],
        ...(props.audit ? [auditWidgets(props.audit.stateMachine)] : []),
      ],
    });
  }

  private alarm(
    id: string,
    metric: cloudwatch.IMetric,
    description: string,
    threshold = 1,
  ): cloudwatch.Alarm {
    const alarm = new cloudwatch.Alarm(this, `${id}Alarm`, {
      metric,
      alarmDescription: `Ladder: ${description}`,
      threshold,
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

/** A custom metric the functions emit (namespace Ladder, dimension service=ladder), summed over 5 minutes. */
const ladderMetric = (metricName: string): cloudwatch.Metric =>
  new cloudwatch.Metric({
    namespace: METRICS_NAMESPACE,
    metricName,
    dimensionsMap: { service: SERVICE_NAME },
    statistic: 'Sum',
    period: PERIOD,
  });

/** The daily audit: how much it verified, how long its slowest segment took, whether it completed. */
const auditWidgets = (machine: sfn.IStateMachine): cloudwatch.IWidget[] => [
  new cloudwatch.GraphWidget({
    title: 'Daily audit: records verified and the slowest segment',
    width: 12,
    left: [
      ladderMetric('LedgerRecordsVerified').with({ period: DAY, label: 'Records verified (all segments)' }),
    ],
    right: [
      ladderMetric('AuditSegmentSeconds').with({
        period: DAY,
        statistic: 'Maximum',
        label: 'Slowest segment (s)',
      }),
    ],
  }),
  new cloudwatch.GraphWidget({
    title: 'Daily audit runs',
    width: 12,
    left: [
      machine.metricSucceeded({ period: DAY, statistic: 'Sum' }),
      machine.metricFailed({ period: DAY, statistic: 'Sum' }),
      machine.metricTimedOut({ period: DAY, statistic: 'Sum' }),
    ],
  }),
];

const capitalize = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);
