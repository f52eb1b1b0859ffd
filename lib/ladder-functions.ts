import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  Aws,
  Duration,
  aws_iam as iam,
  aws_lambda as lambda,
  aws_logs as logs,
  aws_lambda_nodejs as nodejs,
  type RemovalPolicy,
  Validations,
} from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { LAMBDA_BUNDLING } from './bundling.js';
import type { EventRouting } from './event-routing.js';
import type { Keys } from './keys.js';

/** The repository root: entries, the lock file, the ASL and policies are resolved from here, not from cwd. */
export const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Custom metrics the functions emit with Powertools (namespace Ladder, default dimension service=ladder). */
export const METRICS_NAMESPACE = 'Ladder';
export const SERVICE_NAME = 'ladder';

/** Every function's timeout: well under the stage tasks' TimeoutSeconds (60), so Lambda's comes first. */
export const FUNCTION_TIMEOUT = Duration.seconds(30);

export interface LadderFunctionsProps {
  /** The case key encrypts the log groups; async functions need it to send to the dead-letter queue. */
  readonly keys: Keys;
  /** Its dead-letter queue keeps the async functions' failed invocations. */
  readonly routing: EventRouting;
  /** Retention of every log group. @default ONE_YEAR (see LadderProps.logRetention) */
  readonly retention?: logs.RetentionDays;
  /** Of the log groups: they are encrypted with the case key, so they share its removal policy. */
  readonly removalPolicy: RemovalPolicy;
}

export interface LadderFunctionOptions {
  readonly description: string;
  readonly environment?: Record<string, string>;
  /** Invoked asynchronously (EventBridge, SNS): failed invocations go to the dead-letter queue. */
  readonly async?: boolean;
  readonly timeout?: Duration;
  readonly memorySize?: number;
}

/**
 * The one definition of a Ladder function (with its own log group and role) and of a Ladder log group,
 * for every construct. Each resource is created in the caller's scope under the id it is given.
 */
export class LadderFunctions {
  constructor(private readonly props: LadderFunctionsProps) {}

  public logGroup(scope: Construct, id: string): logs.LogGroup {
    return new logs.LogGroup(scope, id, {
      retention: this.props.retention ?? logs.RetentionDays.ONE_YEAR,
      encryptionKey: this.props.keys.caseKey,
      removalPolicy: this.props.removalPolicy,
    });
  }

  public create(
    scope: Construct,
    id: string,
    entry: string,
    options: LadderFunctionOptions,
  ): nodejs.NodejsFunction {
    const logGroup = this.logGroup(scope, `${id}Logs`);
    // An own role with an inline policy instead of AWSLambdaBasicExecutionRole: logs go to this group only.
    const role = new iam.Role(scope, `${id}Role`, {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Ladder ${id} function`,
    });
    logGroup.grantWrite(role);
    const fn = new nodejs.NodejsFunction(scope, id, {
      entry: path.join(PROJECT_ROOT, entry),
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: path.join(PROJECT_ROOT, 'package-lock.json'),
      handler: 'handler',
      description: options.description,
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: options.memorySize ?? 512,
      timeout: options.timeout ?? FUNCTION_TIMEOUT,
      tracing: lambda.Tracing.ACTIVE,
      role,
      logGroup,
      // EventBridge invokes asynchronously: its DLQ catches delivery failures only; an event whose handler
      // keeps failing after Lambda's own retries is kept here.
      deadLetterQueue: options.async ? this.props.routing.deadLetterQueue : undefined,
      environment: {
        POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
        POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
        POWERTOOLS_LOG_LEVEL: 'INFO',
        NODE_OPTIONS: '--enable-source-maps',
        ...options.environment,
      },
      // lib/bundling.ts: the benchmark builds and loads the same bundles.
      bundling: {
        ...LAMBDA_BUNDLING,
        format: nodejs.OutputFormat.CJS,
        mainFields: [...LAMBDA_BUNDLING.mainFields],
        externalModules: [...LAMBDA_BUNDLING.externalModules],
        // esbuild's size report per bundle is noise in `cdk synth`; warnings and errors still print.
        logLevel: nodejs.LogLevel.WARNING,
      },
    });
    if (options.async) {
      // The dead-letter queue is encrypted with the case key: SendMessage needs it, through SQS only.
      fn.addToRolePolicy(
        new iam.PolicyStatement({
          actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
          resources: [this.props.keys.caseKey.keyArn],
          conditions: { StringEquals: { 'kms:ViaService': `sqs.${Aws.REGION}.amazonaws.com` } },
        }),
      );
    }
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'X-Ray tracing (xray:PutTraceSegments, xray:PutTelemetryRecords) does not support resource-level ' +
        'permissions' +
        (id === 'Stage' || id === 'BorrowerApi'
          ? '; sns:Publish to a phone number (SMS) has no resource ARN, and a Deny statement excludes every topic.'
          : '.'),
    });
    Validations.of(fn).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        'nodejs24.x is the pinned runtime: the Node major every npm script and test runs on (the node ' +
        'devDependency); moving to a newer runtime is a deliberate, tested change, not a synth-time default.',
    });
    return fn;
  }
}
