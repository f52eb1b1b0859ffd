/**
 * How a deployment wires consumers of Ladder's outbound events (docs/events.md): the print vendor's
 * adapter (examples/print-vendor.ts) on a queue for LetterRequested, the collection agency's event bus
 * (in the agency's own account) for placements and recalls. The detail-types left without a consumer
 * (here legal, the credit bureau and account updates, which go to the agency or legal by their
 * `recipient`) go to Ladder's unconsumed queue, which alarms.
 *
 *   npx cdk synth --app 'npx tsx examples/consumers.ts' \
 *     -c agencyBusArn=arn:aws:events:<region>:<agency account>:event-bus/<name> \
 *     -c printVendorUrl=https://print.example.com/orders -c customerApiUrl=https://crm.internal/customers
 *
 * A missing context value stops the synth with one line naming all of them.
 */
import path from 'node:path';
import {
  App,
  Duration,
  aws_events as events,
  aws_iam as iam,
  aws_lambda as lambda,
  aws_lambda_nodejs as nodejs,
  Stack,
  type StackProps,
  aws_lambda_event_sources as sources,
  aws_sqs as sqs,
  aws_events_targets as targets,
} from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { Ladder, PROJECT_ROOT } from '../lib/ladder.js';

export interface ConsumersConfig {
  /** The agency's event bus: its resource policy lets this account put events on it. */
  agencyBusArn: string;
  printVendorUrl: string;
  customerApiUrl: string;
  /** The source the print adapter reports LetterDispatched with. */
  letterSource: string;
}

const CONTEXT = ['agencyBusArn', 'printVendorUrl', 'customerApiUrl'] as const;

/** The configuration from CDK context, or one line naming every key that is missing. */
export function consumersConfig(get: (key: string) => unknown): ConsumersConfig {
  const missing = CONTEXT.filter((key) => typeof get(key) !== 'string' || get(key) === '');
  if (missing.length > 0)
    throw new Error(
      `consumers: set ${missing.map((k) => `-c ${k}=...`).join(' ')} (see examples/consumers.ts)`,
    );
  const letterSource = get('letterSource');
  return {
    agencyBusArn: get('agencyBusArn') as string,
    printVendorUrl: get('printVendorUrl') as string,
    customerApiUrl: get('customerApiUrl') as string,
    letterSource: typeof letterSource === 'string' && letterSource !== '' ? letterSource : 'lender.print',
  };
}

export class LadderWithConsumers extends Stack {
  public readonly ladder: Ladder;

  constructor(scope: Construct, id: string, config: ConsumersConfig, props?: StackProps) {
    super(scope, id, props);
    // The print vendor's queue: EventBridge delivers LetterRequested to it; what the adapter keeps
    // failing on lands in its dead-letter queue after five receives.
    const printDeadLetters = new sqs.Queue(this, 'PrintDeadLetters', {
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    const printQueue = new sqs.Queue(this, 'PrintQueue', {
      enforceSSL: true,
      visibilityTimeout: Duration.minutes(3),
      deadLetterQueue: { queue: printDeadLetters, maxReceiveCount: 5 },
    });
    const agencyBus = events.EventBus.fromEventBusArn(this, 'AgencyBus', config.agencyBusArn);
    const delivery = {
      deadLetterQueue: printDeadLetters,
      retryAttempts: 185,
      maxEventAge: Duration.hours(24),
    };
    this.ladder = new Ladder(this, 'Ladder', {
      outboundConsumers: {
        LetterRequested: [new targets.SqsQueue(printQueue, delivery)],
        AgencyPlacementRequested: [new targets.EventBus(agencyBus, { deadLetterQueue: printDeadLetters })],
        AgencyRecallRequested: [new targets.EventBus(agencyBus, { deadLetterQueue: printDeadLetters })],
      },
      // LetterDispatched is accepted from the print adapter's source only; the rest from the loan system.
      eventSources: { default: ['lender.loans'], byDetailType: { LetterDispatched: [config.letterSource] } },
    });
    const bus = this.ladder.routing.bus;
    const adapter = new nodejs.NodejsFunction(this, 'PrintVendor', {
      entry: path.join(PROJECT_ROOT, 'examples/print-vendor.ts'),
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: path.join(PROJECT_ROOT, 'package-lock.json'),
      runtime: lambda.Runtime.NODEJS_24_X,
      timeout: Duration.seconds(30),
      environment: {
        PRINT_VENDOR_URL: config.printVendorUrl,
        CUSTOMER_API_URL: config.customerApiUrl,
        LADDER_BUS: bus.eventBusName,
        LETTER_SOURCE: config.letterSource,
      },
    });
    adapter.addEventSource(new sources.SqsEventSource(printQueue, { reportBatchItemFailures: true }));
    // PutEvents on Ladder's bus with its own source only (events:source is multivalued: ForAllValues + Null).
    adapter.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['events:PutEvents'],
        resources: [bus.eventBusArn],
        conditions: {
          'ForAllValues:StringEquals': { 'events:source': config.letterSource },
          Null: { 'events:source': 'false' },
        },
      }),
    );
  }
}

if (process.argv[1]?.endsWith('consumers.ts')) {
  const app = new App();
  try {
    new LadderWithConsumers(
      app,
      'LadderWithConsumers',
      consumersConfig((k) => app.node.tryGetContext(k)),
    );
  } catch (error) {
    console.error((error as Error).message);
    process.exit(1);
  }
  app.synth();
}
