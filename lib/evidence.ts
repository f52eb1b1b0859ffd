import {
  Aws,
  Duration,
  aws_iam as iam,
  type aws_lambda as lambda,
  RemovalPolicy,
  Stack,
  aws_s3 as s3,
  Validations,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import type { Keys } from './keys.js';

/** Where borrowers' dispute documents are kept (functions/domain/dispute-document.ts names them). */
export const DISPUTE_DOCUMENTS_PREFIX = 'dispute-documents/';

export interface EvidenceProps {
  readonly keys: Keys;
}

/** Evidence packs handed to legal: encrypted, versioned, object-locked. */
export class Evidence extends Construct {
  public readonly bucket: s3.Bucket;
  private readonly keys: Keys;

  constructor(scope: Construct, id: string, props: EvidenceProps) {
    super(scope, id);
    this.keys = props.keys;
    // Evidence for legal must survive mistakes: versioned, and object lock keeps each version 3 years
    // (the US record-keeping period; governance mode, so a privileged operator can still correct).
    this.bucket = new s3.Bucket(this, 'EvidenceBucket', {
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: props.keys.caseKey,
      bucketKeyEnabled: true,
      enforceSSL: true,
      versioned: true,
      objectLockEnabled: true,
      objectLockDefaultRetention: s3.ObjectLockRetention.governance(Duration.days(3 * 365)),
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.bucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'Object-level access to evidence is audited with CloudTrail data events (enable them in the ' +
        "organisation's trail); a server-access-log bucket would be a second, weaker copy of that record.",
    });
  }

  /**
   * Sets EVIDENCE_BUCKET and EVIDENCE_KEY and lets the function store borrowers' dispute documents
   * under dispute-documents/ (PutObject there only, encrypted with the evidence key it names: S3 asks
   * KMS for a data key as the function, so GenerateDataKey through S3 and nothing else on the key).
   */
  public bindDocumentWriter(fn: lambda.Function): void {
    fn.addEnvironment('EVIDENCE_BUCKET', this.bucket.bucketName);
    fn.addEnvironment('EVIDENCE_KEY', this.keys.caseKey.keyArn);
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'PutDisputeDocument',
        actions: ['s3:PutObject'],
        resources: [this.bucket.arnForObjects(`${DISPUTE_DOCUMENTS_PREFIX}*`)],
      }),
    );
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'EncryptDisputeDocument',
        actions: ['kms:GenerateDataKey'],
        resources: [this.keys.caseKey.keyArn],
        conditions: { StringEquals: { 'kms:ViaService': `s3.${Aws.REGION}.amazonaws.com` } },
      }),
    );
    const evidenceId = Stack.of(this).getLogicalId(this.bucket.node.defaultChild as s3.CfnBucket);
    Validations.of(fn.role as iam.IRole).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${evidenceId}.Arn>/${DISPUTE_DOCUMENTS_PREFIX}*]`,
      reason:
        'Dispute documents are written under dispute-documents/<loanId>/<sha256>: the loan is the signed ' +
        "link's, known per request; the function serves every borrower's page.",
    });
  }

  /**
   * Sets EVIDENCE_BUCKET and lets the function store evidence packs under evidence/. Write-only: the
   * stage function stores evidence packs at legal handoff and reads none back.
   */
  public bindWriter(fn: lambda.Function): void {
    fn.addEnvironment('EVIDENCE_BUCKET', this.bucket.bucketName);
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'PutEvidence',
        actions: ['s3:PutObject'],
        resources: [this.bucket.arnForObjects('evidence/*')],
      }),
    );
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        sid: 'EncryptEvidence',
        actions: ['kms:GenerateDataKey', 'kms:Encrypt'],
        resources: [this.keys.caseKey.keyArn],
        conditions: { StringEquals: { 'kms:ViaService': `s3.${Aws.REGION}.amazonaws.com` } },
      }),
    );
    const evidenceId = Stack.of(this).getLogicalId(this.bucket.node.defaultChild as s3.CfnBucket);
    Validations.of(fn.role as iam.IRole).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${evidenceId}.Arn>/evidence/*]`,
      reason: 'Evidence packs are written under evidence/<loanId>/<cycle>: the key is known only at handoff.',
    });
  }
}
