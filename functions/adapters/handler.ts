import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { LadderError } from '../domain/errors.js';
import { logger, metrics } from './powertools.js';

/**
 * Wraps a core function as a Lambda handler: Powertools logging and metrics by middy. Tracing is
 * Lambda's own active tracing (one X-Ray segment per invocation, joined to the state machine's
 * trace): the Powertools tracer is not used, see powertools.ts.
 * Errors are logged by name and rethrown: Step Functions matches the Lambda error by its name.
 * Error messages are ours (identifiers only); an unrecognised error's message is not logged, in
 * case a provider echoed an input.
 */
export function lambdaHandler<I, O>(name: string, core: (input: I) => Promise<O>) {
  return middy(async (event: I, _context: Context): Promise<O> => {
    metrics.addMetric(`${name}Invocations`, MetricUnit.Count, 1);
    try {
      return await core(event);
    } catch (error) {
      const e = error as Error;
      logger.error(`${name} failed`, {
        errorName: e.name,
        ...(error instanceof LadderError ? { errorMessage: e.message } : {}),
      });
      metrics.addMetric(`${name}Errors`, MetricUnit.Count, 1);
      throw error;
    }
  })
    .use(injectLambdaContext(logger))
    .use(logMetrics(metrics));
}
