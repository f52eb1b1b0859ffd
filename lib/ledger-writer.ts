import { aws_iam as iam, type aws_lambda as lambda, type aws_lambda_nodejs as nodejs } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { LAMBDA_ENTRIES } from './bundling.js';
import type { Keys } from './keys.js';
import type { LadderFunctions } from './ladder-functions.js';
import type { Tables } from './tables.js';

export interface LedgerWriterProps {
  readonly keys: Keys;
  readonly tables: Tables;
  readonly functions: LadderFunctions;
}

/**
 * The ledger writer: the only principal that may append to the ledger (PutItem, conditional) and the
 * only one that may make seals (kms:GenerateMac on the seal key, PutItem on the seals table). The
 * stage function may only invoke it: it cannot write a record the writer has not chained and sealed,
 * and nobody can make a seal without the writer (functions/domain/seal.ts).
 */
export class LedgerWriter extends Construct {
  public readonly writerFunction: nodejs.NodejsFunction;

  constructor(scope: Construct, id: string, props: LedgerWriterProps) {
    super(scope, id);
    this.writerFunction = props.functions.create(this, 'LedgerWriter', LAMBDA_ENTRIES.LedgerWriter, {
      description: 'Ladder: appends a record to the audit ledger and seals it (the only ledger writer)',
    });
    // Query: on a conflict it reads the record at the seq, to tell a retried append from another one.
    props.tables.bind(this.writerFunction, 'ledger', ['dynamodb:PutItem', 'dynamodb:Query']);
    props.tables.bind(this.writerFunction, 'seals', ['dynamodb:PutItem']);
    props.keys.bindMac(this.writerFunction, props.keys.sealKey, 'LEDGER_SEAL_KEY', 'kms:GenerateMac');
  }

  /** Sets LEDGER_WRITER_FUNCTION and lets the function invoke the writer (its unqualified ARN only). */
  public bindCaller(fn: lambda.Function): void {
    fn.addEnvironment('LEDGER_WRITER_FUNCTION', this.writerFunction.functionName);
    // Not grantInvoke: it would also grant every version (`:*`), which the caller never invokes.
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['lambda:InvokeFunction'],
        resources: [this.writerFunction.functionArn],
      }),
    );
  }
}
