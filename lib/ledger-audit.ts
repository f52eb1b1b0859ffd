import {
  Aws,
  CfnOutput,
  Duration,
  aws_iam as iam,
  type aws_lambda_nodejs as nodejs,
  aws_scheduler as scheduler,
  aws_stepfunctions as sfn,
  Validations,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { auditDefinition } from './audit-definition.js';
import { LAMBDA_ENTRIES } from './bundling.js';
import type { Keys } from './keys.js';
import type { LadderFunctions } from './ladder-functions.js';
import type { Tables } from './tables.js';

export interface LedgerAuditProps {
  readonly keys: Keys;
  readonly tables: Tables;
  readonly functions: LadderFunctions;
  /** Ledger items one invocation scans at most (LadderProps.auditRecordsPerSegment). */
  readonly recordsPerSegment?: number;
  /** Segments audited at once (LadderProps.auditConcurrency). */
  readonly concurrency?: number;
}

/** One invocation's limit: Lambda's maximum. The segment count keeps each segment well inside it. */
export const AUDIT_TIMEOUT = Duration.minutes(15);
/**
 * Ledger items per segment by default. Memory binds before time: `npm run bench:audit -- 5000`
 * (docs/benchmarks.md, "The daily audit") held at most 4,900 bytes of heap per record (its seal and the compliance
 * check's reads included) and checked at least 954 records a second per segment on the development
 * machine, so one segment of 1,024 MB could take about 219,000 records by heap and about 859,000 in 15
 * minutes. 100,000 leaves half the memory spare for the ledger's growth between DynamoDB's item-count
 * refreshes (about every six hours) and for records larger than the bench's.
 */
export const DEFAULT_RECORDS_PER_SEGMENT = 100_000;
/** Segments at once by default: 8 parallel Scans of an on-demand table, a few minutes a day. */
export const DEFAULT_AUDIT_CONCURRENCY = 8;

/**
 * The daily audit of the ledger: every hash chain and seal checked by read-only Scans, the seals' MACs
 * verified (VerifyMac only: the auditor cannot make a seal), then the previous day's contacts checked
 * against the contact rules (reading the borrowers' cases and profiles by Query). A schedule starts
 * the audit state machine (lib/audit-definition.ts), which sizes the run from the ledger's item count
 * and invokes the function once per DynamoDB parallel Scan segment, so no single invocation has to
 * scan the whole ledger within Lambda's 15 minutes.
 */
export class LedgerAudit extends Construct {
  public readonly auditFunction: nodejs.NodejsFunction;
  public readonly stateMachine: sfn.StateMachine;
  public readonly schedule: scheduler.CfnSchedule;
  /** The audit function's timeout: AuditSegmentSeconds alarms near it (lib/monitoring.ts). */
  public readonly segmentTimeout = AUDIT_TIMEOUT;

  constructor(scope: Construct, id: string, props: LedgerAuditProps) {
    super(scope, id);
    this.auditFunction = props.functions.create(this, 'Audit', LAMBDA_ENTRIES.Audit, {
      description:
        'Ladder: verifies the hash chains of one segment of the ledger and checks the contacts (read-only), daily',
      timeout: AUDIT_TIMEOUT,
      memorySize: 1024,
    });
    // Scan: its segment. Query: a chain's seals or records another segment's Scan holds, and the
    // other chains of the borrowers it judges (functions/audit/segment.ts, compliance.ts).
    props.tables.bind(this.auditFunction, 'ledger', ['dynamodb:Scan', 'dynamodb:Query']);
    props.tables.bind(this.auditFunction, 'seals', ['dynamodb:Scan', 'dynamodb:Query']);
    // The compliance check reads the cases and profiles of the borrowers in the day's records: Query by
    // loan (the byLoan index) and by borrower, never a Scan of every borrower's data.
    props.tables.bind(this.auditFunction, 'cases', ['dynamodb:Query']);
    props.keys.bindMac(this.auditFunction, props.keys.sealKey, 'LEDGER_SEAL_KEY', 'kms:VerifyMac');
    this.stateMachine = this.makeStateMachine(props);
    this.schedule = this.makeSchedule();
  }

  private makeStateMachine(props: LedgerAuditProps): sfn.StateMachine {
    const definition = auditDefinition({
      recordsPerSegment: props.recordsPerSegment ?? DEFAULT_RECORDS_PER_SEGMENT,
      concurrency: props.concurrency ?? DEFAULT_AUDIT_CONCURRENCY,
      // A run that has not ended in 12 hours is stuck: it fails (and alarms) before the next day's
      // starts. In the definition: the construct's `timeout` applies only to CDK-built definitions.
      timeoutSeconds: Duration.hours(12).toSeconds(),
    });
    const machine = new sfn.StateMachine(this, 'AuditStateMachine', {
      stateMachineType: sfn.StateMachineType.STANDARD,
      comment: 'Ladder: the daily ledger audit, one invocation per Scan segment',
      definitionBody: sfn.DefinitionBody.fromString(JSON.stringify(definition)),
      definitionSubstitutions: {
        Partition: Aws.PARTITION,
        LedgerTableName: props.tables.ledger.tableName,
        AuditFunctionArn: this.auditFunction.functionArn,
      },
      logs: {
        destination: props.functions.logGroup(this, 'AuditStateMachineLogs'),
        level: sfn.LogLevel.ALL,
        includeExecutionData: false,
      },
      tracingEnabled: true,
    });
    // The item count only (no read of the items), and the unqualified function ARN the ASL invokes.
    machine.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'LedgerItemCount',
        actions: ['dynamodb:DescribeTable'],
        resources: [props.tables.ledger.tableArn],
      }),
    );
    machine.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'InvokeAuditFunction',
        actions: ['lambda:InvokeFunction'],
        resources: [this.auditFunction.functionArn],
      }),
    );
    Validations.of(machine.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'Step Functions log delivery (logs:CreateLogDelivery, PutResourcePolicy, ...) and X-Ray ' +
        '(xray:PutTraceSegments, GetSamplingRules, ...) do not support resource-level permissions.',
    });
    new CfnOutput(this, 'AuditStateMachineArn', { value: machine.stateMachineArn });
    return machine;
  }

  /**
   * EventBridge Scheduler with its own role, allowed to start this state machine only. The audit of
   * a day is one execution; a retry of the start (the schedule's retry policy) starts another, which
   * checks the same ledger and day again: harmless (read-only).
   */
  private makeSchedule(): scheduler.CfnSchedule {
    const schedulerRole = new iam.Role(this, 'AuditSchedulerRole', {
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
      }),
      description: 'Ladder: lets the daily schedule start the audit state machine',
    });
    schedulerRole.addToPolicy(
      new iam.PolicyStatement({
        actions: ['states:StartExecution'],
        resources: [this.stateMachine.stateMachineArn],
      }),
    );
    return new scheduler.CfnSchedule(this, 'AuditSchedule', {
      description: 'Ladder: daily verification of the audit ledger',
      scheduleExpression: 'cron(17 3 * * ? *)',
      flexibleTimeWindow: { mode: 'OFF' },
      target: {
        arn: this.stateMachine.stateMachineArn,
        roleArn: schedulerRole.roleArn,
        input: '{}',
        retryPolicy: { maximumRetryAttempts: 2, maximumEventAgeInSeconds: 3600 },
      },
    });
  }
}
