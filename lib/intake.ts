import {
  Duration,
  type aws_lambda_nodejs as nodejs,
  aws_lambda_event_sources as sources,
  aws_sqs as sqs,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { LAMBDA_ENTRIES } from './bundling.js';
import type { Keys } from './keys.js';
import { FUNCTION_TIMEOUT, type LadderFunctions } from './ladder-functions.js';
import type { Tables } from './tables.js';
import type { Workflow } from './workflow.js';

export interface IntakeProps {
  readonly keys: Keys;
  readonly tables: Tables;
  readonly workflow: Workflow;
  readonly functions: LadderFunctions;
  /** How many intake functions drain the queue at once (2 to 1000). @default 5 */
  readonly concurrency?: number;
}

/**
 * Opening cases: LoanDelinquent events wait in the intake queue, and the intake function opens a case
 * for each and starts its ladder, no faster than its concurrency.
 */
export class Intake extends Construct {
  /** LoanDelinquent events wait here for intake, which starts ladders no faster than its concurrency. */
  public readonly queue: sqs.Queue;
  /** LoanDelinquent events intake or EventBridge could not handle: they hold contact details. */
  public readonly deadLetterQueue: sqs.Queue;
  public readonly intakeFunction: nodejs.NodejsFunction;

  constructor(scope: Construct, id: string, props: IntakeProps) {
    super(scope, id);
    const concurrency = props.concurrency ?? 5;
    if (!Number.isInteger(concurrency) || concurrency < 2 || concurrency > 1000) {
      throw new Error(`Ladder: intakeConcurrency must be an integer from 2 to 1000, not ${concurrency}`);
    }
    // Intake drains a queue instead of being invoked by the rule: a burst of LoanDelinquent events (the
    // month-start batch) waits here, and ladders start at the pace the intake concurrency allows.
    // LoanDelinquent carries the borrower's contact details, so this queue and its dead letters are
    // under the contact key, like the Contacts table, not the case key with the other dead letters.
    this.deadLetterQueue = new sqs.Queue(this, 'IntakeDeadLetterQueue', {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: props.keys.contactKey,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    this.queue = new sqs.Queue(this, 'IntakeQueue', {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: props.keys.contactKey,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
      // Six times the function timeout (AWS's advice for SQS event sources), so a slow batch is not
      // delivered twice while it is still being worked on.
      visibilityTimeout: Duration.seconds(FUNCTION_TIMEOUT.toSeconds() * 6),
      // An event that still fails after five receives (bad input included) is kept in the DLQ.
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: 5 },
    });

    this.intakeFunction = props.functions.create(this, 'Intake', LAMBDA_ENTRIES.Intake, {
      description: 'Ladder: opens a case for a delinquent loan and starts its ladder',
    });
    this.intakeFunction.addEventSource(
      new sources.SqsEventSource(this.queue, {
        batchSize: 10,
        maxConcurrency: concurrency,
        // A failed event is retried alone; the rest of its batch is done.
        reportBatchItemFailures: true,
      }),
    );
    props.tables.bind(this.intakeFunction, 'cases', ['dynamodb:PutItem', 'dynamodb:Query']);
    props.tables.bind(this.intakeFunction, 'contacts', ['dynamodb:PutItem']);
    props.keys.bindMac(this.intakeFunction, props.keys.lineKey, 'LINE_KEY', 'kms:GenerateMac');
    props.workflow.bindStarter(this.intakeFunction);
  }
}
