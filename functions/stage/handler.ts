import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { lambdaHandler } from '../adapters/handler.js';
import { logger, metrics } from '../adapters/powertools.js';
import type { Step } from '../domain/decide.js';
import type { AttemptStatus, LedgerRecord } from '../domain/ledger.js';
import { createStageCore, type StageDeps } from './core.js';

/** The metrics the stack's alarms and dashboard read (SendFailures alarms; ContactsBlocked is charted). */
const ATTEMPT_METRIC: Record<AttemptStatus, string> = {
  SENT: 'ContactsSent',
  REQUESTED: 'LettersRequested',
  BLOCKED: 'ContactsBlocked',
  DEFERRED: 'ContactsDeferred',
  FAILED: 'SendFailures',
  SKIPPED: 'StagesSkipped',
  // The delivery function reports these (functions/delivery): the stage never records them.
  DELIVERED: 'MessagesDelivered',
  UNDELIVERED: 'MessagesUndelivered',
  DISPATCHED: 'LettersDispatched',
  // One voice per borrower: another loan's message of the day covered this one.
  COVERED: 'ContactsCovered',
};

function countAttempts(record: LedgerRecord): void {
  for (const attempt of record.attempts)
    metrics.addMetric(ATTEMPT_METRIC[attempt.status], MetricUnit.Count, 1);
}

/** Invoked by the state machine's stage tasks (lambda:invoke); returns the next Step. */
export function buildStageHandler(deps: StageDeps) {
  const core = createStageCore({ ...deps, observe: countAttempts });
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
