import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { lambdaHandler } from '../adapters/handler.js';
import { logger, metrics } from '../adapters/powertools.js';
import type { Step } from '../domain/decide.js';
import { createStageCore, type StageDeps } from './core.js';

/** Invoked by the state machine's stage tasks (lambda:invoke); returns the next Step. */
export function buildStageHandler(deps: StageDeps) {
  const core = createStageCore(deps);
  return lambdaHandler('Stage', async (request: unknown): Promise<Step> => {
    const step = await core(request);
    const r = request as { action?: string; loanId?: string; cycle?: number; stage?: string };
    logger.info('stage', {
      action: r.action,
      loanId: r.loanId,
      cycle: r.cycle,
      stage: r.stage,
      outcome: step.outcome,
      seq: step.ledger.seq,
    });
    metrics.addMetric(`Outcome${step.outcome}`, MetricUnit.Count, 1);
    return step;
  });
}
