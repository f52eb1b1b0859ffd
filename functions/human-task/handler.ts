import { lambdaHandler } from '../adapters/handler.js';
import { logger } from '../adapters/powertools.js';
import { createHumanTaskCore, type HumanTaskDeps } from './core.js';

/** Invoked by `.waitForTaskToken` tasks: opens a human task or a dispute hold. */
export function buildHumanTaskHandler(deps: HumanTaskDeps) {
  const core = createHumanTaskCore(deps);
  return lambdaHandler('HumanTask', async (request: unknown) => {
    const result = await core(request);
    const r = request as { action?: string; loanId?: string; stage?: string };
    logger.info('human task', { action: r.action, loanId: r.loanId, stage: r.stage, opened: result.opened });
    return result;
  });
}
