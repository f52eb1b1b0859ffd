import {
  ArnFormat,
  Aws,
  aws_iam as iam,
  aws_kms as kms,
  type aws_lambda as lambda,
  type RemovalPolicy,
  Stack,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';

export interface KeysProps {
  readonly removalPolicy: RemovalPolicy;
}

/**
 * The customer-managed keys: contact details (names, phone numbers, e-mail addresses) under their own
 * key, everything else under the case key, and the AWS services allowed to use them. Two HMAC keys
 * whose material never leaves KMS: the seal key (only the ledger writer makes MACs with it, the
 * auditors verify them) and the line key (only intake makes a phone line's pseudonym with it).
 */
export class Keys extends Construct {
  public readonly caseKey: kms.Key;
  public readonly contactKey: kms.Key;
  public readonly sealKey: kms.Key;
  public readonly lineKey: kms.Key;
  /** Signs the borrower's page links: the stage makes MACs, the borrower API verifies them. */
  public readonly linkKey: kms.Key;

  constructor(scope: Construct, id: string, props: KeysProps) {
    super(scope, id);
    this.caseKey = new kms.Key(this, 'CaseKey', {
      description: 'Ladder: cases, ledger, tasks, logs, dead letters and alarms',
      enableKeyRotation: true,
      removalPolicy: props.removalPolicy,
    });
    this.contactKey = new kms.Key(this, 'ContactKey', {
      description: 'Ladder: borrower contact details (names, phone numbers, e-mail addresses) only',
      enableKeyRotation: true,
      removalPolicy: props.removalPolicy,
    });
    const hmac = (keyId: string, description: string) =>
      new kms.Key(this, keyId, {
        description,
        keySpec: kms.KeySpec.HMAC_256,
        keyUsage: kms.KeyUsage.GENERATE_VERIFY_MAC,
        removalPolicy: props.removalPolicy,
      });
    this.sealKey = hmac('SealKey', 'Ladder: seals of the audit ledger (MACs made by the ledger writer only)');
    this.lineKey = hmac('LineKey', "Ladder: pseudonyms of borrowers' phone lines (made by intake only)");
    this.linkKey = hmac('LinkKey', "Ladder: signed links to the borrower's page (made by the stage only)");
    // CloudWatch Logs encrypts the log groups with the case key, scoped to this account's log groups;
    // SNS's SMS delivery-status logs hold phone numbers: those are under the contact key.
    this.letLogsEncrypt(this.caseKey);
    this.letLogsEncrypt(this.contactKey);
    // EventBridge (target dead letters) and CloudWatch (alarm notifications) write to encrypted SQS/SNS.
    this.letServiceEncrypt(this.caseKey, 'Allowevents', 'events.amazonaws.com');
    this.letServiceEncrypt(this.caseKey, 'Allowcloudwatch', 'cloudwatch.amazonaws.com');
    // EventBridge delivers LoanDelinquent (which carries contact details) to the intake queue and its
    // dead letters, both under the contact key.
    this.letServiceEncrypt(this.contactKey, 'AllowEventsToIntakeQueues', 'events.amazonaws.com');
  }

  /** Sets the key's environment variable and lets the function make (or only verify) MACs with it. */
  public bindMac(
    fn: lambda.Function,
    key: kms.Key,
    env: string,
    action: 'kms:GenerateMac' | 'kms:VerifyMac',
  ): void {
    fn.addEnvironment(env, key.keyArn);
    fn.addToRolePolicy(new iam.PolicyStatement({ actions: [action], resources: [key.keyArn] }));
  }

  /** Lets CloudWatch Logs encrypt this account's log groups with `key`. */
  private letLogsEncrypt(key: kms.Key): void {
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCloudWatchLogs',
        principals: [new iam.ServicePrincipal(`logs.${Aws.REGION}.amazonaws.com`)],
        actions: [
          'kms:Encrypt',
          'kms:Decrypt',
          'kms:ReEncryptFrom',
          'kms:ReEncryptTo',
          'kms:GenerateDataKey',
          'kms:DescribeKey',
        ],
        resources: ['*'],
        conditions: {
          ArnLike: {
            'kms:EncryptionContext:aws:logs:arn': Stack.of(this).formatArn({
              service: 'logs',
              resource: 'log-group',
              resourceName: '*',
              arnFormat: ArnFormat.COLON_RESOURCE_NAME,
            }),
          },
        },
      }),
    );
  }

  /** Lets an AWS service of this account encrypt to (and read back) SQS queues and SNS topics under `key`. */
  public letServiceEncrypt(key: kms.Key, sid: string, service: string): void {
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid,
        principals: [new iam.ServicePrincipal(service)],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
      }),
    );
  }
}
