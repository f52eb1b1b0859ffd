/** The functions' memory in GB: lib/ladder-functions.ts's default (a test keeps the two equal). */
export const FUNCTION_GB = 0.5;

const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;

/**
 * Estimated AWS cost per 1,000 loans from the run's counts, at us-east-1 list prices (2026):
 * Step Functions Standard $0.025 per 1,000 transitions; Lambda $0.20 per million requests plus
 * FUNCTION_GB (the stack's 512 MB, lib/ladder-functions.ts) x ~200 ms ARM at $0.0000133334 per GB-s; DynamoDB on-demand ~$0.625 per million writes and
 * ~$0.125 per million reads (counted as half and half); SES $0.10 per 1,000 e-mails; SNS SMS
 * ~$0.00645 per US message (China and other destinations differ: a lender's own rate replaces it).
 */
export function costPer1000(
  transitions: number,
  ddb: number,
  invocations: number,
  sms: number,
  emails: number,
) {
  const k = 1000;
  const stepFunctions = (transitions * k * 0.025) / 1000;
  const lambda = ((invocations * k) / 1e6) * 0.2 + invocations * k * FUNCTION_GB * 0.2 * 0.0000133334;
  const dynamodb = ((ddb * k) / 2 / 1e6) * 0.625 + ((ddb * k) / 2 / 1e6) * 0.125;
  const ses = (emails * k * 0.1) / 1000;
  const sns = sms * k * 0.00645;
  const total = stepFunctions + lambda + dynamodb + ses + sns;
  return {
    stepFunctions: round(stepFunctions, 4),
    lambda: round(lambda, 4),
    dynamodb: round(dynamodb, 4),
    ses: round(ses, 4),
    sns: round(sns, 4),
    total: round(total, 4),
  };
}
