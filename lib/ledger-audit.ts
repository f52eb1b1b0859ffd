import {
  Aws,
  Duration,
  aws_iam as iam,
  type aws_lambda_nodejs as nodejs,
  aws_scheduler as scheduler,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { LAMBDA_ENTRIES } from './bundling.js';
import type { Keys } from './keys.js';
import type { LadderFunctions } from './ladder-functions.js';
import type { Tables } from './tables.js';

export interface LedgerAuditProps {
  readonly keys: Keys;
  readonly tables: Tables;
  readonly functions: LadderFunctions;
}

/**
 * The daily audit of the ledger: every hash chain and seal checked by read-only Scans, the seals' MACs
 * verified (VerifyMac only: the auditor cannot make a seal), then the previous day's contacts checked
 * against the contact rules (reading the borrowers' cases and profiles by Query), on a schedule.
 */
export class LedgerAudit extends Construct {
  public readonly auditFunction: nodejs.NodejsFunction;
  public readonly schedule: scheduler.CfnSchedule;

  constructor(scope: Construct, id: string, props: LedgerAuditProps) {
    super(scope, id);
    this.auditFunction = props.functions.create(this, 'Audit', LAMBDA_ENTRIES.Audit, {
      description:
        'Ladder: verifies every hash chain of the ledger and checks the contacts (read-only), daily',
      // A Scan of the whole ledger: minutes, not seconds, once the ledger is large.
      timeout: Duration.minutes(15),
      memorySize: 1024,
    });
    props.tables.bind(this.auditFunction, 'ledger', ['dynamodb:Scan']);
    props.tables.bind(this.auditFunction, 'seals', ['dynamodb:Scan']);
    // The compliance check reads the cases and profiles of the borrowers in the day's records: Query by
    // loan (the byLoan index) and by borrower, never a Scan of every borrower's data.
    props.tables.bind(this.auditFunction, 'cases', ['dynamodb:Query']);
    props.keys.bindMac(this.auditFunction, props.keys.sealKey, 'LEDGER_SEAL_KEY', 'kms:VerifyMac');
    // EventBridge Scheduler with its own role, allowed to invoke this function's unqualified ARN only (the
    // L2 LambdaInvoke target would also grant every version, `:*`, which the schedule never calls).
    const schedulerRole = new iam.Role(this, 'AuditSchedulerRole', {
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
      }),
      description: 'Ladder: lets the daily schedule invoke the audit function',
    });
    schedulerRole.addToPolicy(
      new iam.PolicyStatement({
        actions: ['lambda:InvokeFunction'],
        resources: [this.auditFunction.functionArn],
      }),
    );
    this.schedule = new scheduler.CfnSchedule(this, 'AuditSchedule', {
      description: 'Ladder: daily verification of the audit ledger',
      scheduleExpression: 'cron(17 3 * * ? *)',
      flexibleTimeWindow: { mode: 'OFF' },
      target: {
        arn: this.auditFunction.functionArn,
        roleArn: schedulerRole.roleArn,
        input: '{}',
        retryPolicy: { maximumRetryAttempts: 2, maximumEventAgeInSeconds: 3600 },
      },
    });
  }
}
