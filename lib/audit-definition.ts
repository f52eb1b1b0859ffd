/**
 * The daily audit's state machine (ASL, JSONPath): it sizes the run from the ledger's item count,
 * then invokes the audit function once per DynamoDB parallel Scan segment, a few at a time. Plain data
 * with `${Partition}`, `${LedgerTableName}` and `${AuditFunctionArn}` for CloudFormation to substitute
 * (lib/ledger-audit.ts), so a test runs the same definition on the local interpreter.
 *
 * Segments: the smallest power of two that leaves at most `recordsPerSegment` ledger items to each
 * (DescribeTable's ItemCount, refreshed by DynamoDB about every six hours), at most MAX_SEGMENTS.
 * Powers of two keep the Choice short; the States.ArrayRange intrinsic builds the list (at most 1,000
 * items, so MAX_SEGMENTS is 512). Every segment gets the execution's start time, so all of them
 * check the same UTC day whenever they run.
 */
export const MAX_SEGMENTS = 512;

export interface AuditDefinitionOptions {
  /** Ledger items one invocation should scan at most (the Choice's unit). */
  readonly recordsPerSegment: number;
  /** Segments audited at once (the Map's MaxConcurrency): the Scans' share of the table's reads. */
  readonly concurrency: number;
  /** The execution's TimeoutSeconds: a run still going then fails (and alarms). */
  readonly timeoutSeconds?: number;
}

/** The Lambda errors worth retrying: the service's, throttling, and the handlers' transient one. */
const RETRYABLE = [
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.TooManyRequestsException',
  'TransientError',
];

const segmentsState = (n: number) => `${n} segment${n === 1 ? '' : 's'}`;

export function auditDefinition(options: AuditDefinitionOptions): Record<string, unknown> {
  const { recordsPerSegment: per, concurrency } = options;
  if (!Number.isInteger(per) || per < 1)
    throw new Error(`Ladder: auditRecordsPerSegment must be a positive integer, not ${per}`);
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 40)
    throw new Error(`Ladder: auditConcurrency must be an integer from 1 to 40, not ${concurrency}`);
  const sizes: number[] = [];
  for (let n = 1; n <= MAX_SEGMENTS; n *= 2) sizes.push(n);
  const pass = Object.fromEntries(
    sizes.map((n) => [
      segmentsState(n),
      {
        Type: 'Pass',
        Parameters: {
          'itemCount.$': '$.itemCount',
          totalSegments: n,
          'segments.$': `States.ArrayRange(0, ${n - 1}, 1)`,
        },
        Next: 'Audit segments',
      },
    ]),
  );
  return {
    Comment: 'Ladder: the daily ledger audit, one Lambda invocation per DynamoDB Scan segment',
    ...(options.timeoutSeconds === undefined ? {} : { TimeoutSeconds: options.timeoutSeconds }),
    StartAt: 'Ledger size',
    States: {
      'Ledger size': {
        Type: 'Task',
        Resource: 'arn:${Partition}:states:::aws-sdk:dynamodb:describeTable',
        Parameters: { TableName: '${LedgerTableName}' },
        ResultSelector: { 'itemCount.$': '$.Table.ItemCount' },
        Retry: [{ ErrorEquals: ['States.ALL'], IntervalSeconds: 5, MaxAttempts: 3, BackoffRate: 2 }],
        Next: 'Segments',
      },
      Segments: {
        Type: 'Choice',
        // Largest first: more than (n/2) x per items need n segments.
        Choices: sizes
          .slice(1)
          .reverse()
          .map((n) => ({
            Variable: '$.itemCount',
            NumericGreaterThan: (n / 2) * per,
            Next: segmentsState(n),
          })),
        Default: segmentsState(1),
      },
      ...pass,
      'Audit segments': {
        Type: 'Map',
        ItemsPath: '$.segments',
        MaxConcurrency: concurrency,
        ItemSelector: {
          'segment.$': '$$.Map.Item.Value',
          'totalSegments.$': '$.totalSegments',
          'at.$': '$$.Execution.StartTime',
        },
        ItemProcessor: {
          ProcessorConfig: { Mode: 'INLINE' },
          StartAt: 'Audit segment',
          States: {
            'Audit segment': {
              Type: 'Task',
              Resource: 'arn:${Partition}:states:::lambda:invoke',
              Parameters: { FunctionName: '${AuditFunctionArn}', 'Payload.$': '$' },
              // Counts only: the broken chains and violations are in the function's error logs.
              ResultSelector: {
                'segment.$': '$.Payload.segment',
                'records.$': '$.Payload.records',
                'chains.$': '$.Payload.chains',
                'brokenChains.$': '$.Payload.brokenChains',
                'violations.$': '$.Payload.compliance.violations',
                'elapsedMs.$': '$.Payload.elapsedMs',
              },
              Retry: [{ ErrorEquals: RETRYABLE, IntervalSeconds: 2, MaxAttempts: 6, BackoffRate: 2 }],
              End: true,
            },
          },
        },
        ResultPath: '$.segmentResults',
        End: true,
      },
    },
  };
}
