import type { Step } from '../domain/decide.js';
import { ValidationError } from '../domain/errors.js';
import { type Ctx, load, type StageDeps, type StageRequest, StageRequestSchema } from './context.js';
import { type Continued, continueIfDue, continueLadder } from './steps/continue.js';
import { recordFailure } from './steps/failure.js';
import { afterHold } from './steps/hold.js';
import { recordHumanOutcome } from './steps/human-outcome.js';
import { checkPlan } from './steps/plan.js';
import { recordPlanCall } from './steps/plan-call.js';
import { checkPromise } from './steps/promise.js';
import { runStage } from './steps/run-stage.js';
import { recordSignature } from './steps/signature.js';

export type { HumanResult, StageDeps, StageRequest } from './context.js';
export { StageRequestSchema } from './context.js';

/** The state machine's stage tasks name one of these actions; each is one step of the ladder. */
const ACTIONS: Record<Exclude<StageRequest['action'], 'CONTINUE'>, (ctx: Ctx) => Promise<Step>> = {
  RUN_STAGE: runStage,
  RECORD_HUMAN_OUTCOME: recordHumanOutcome,
  CHECK_PROMISE: checkPromise,
  CHECK_PLAN: checkPlan,
  AFTER_HOLD: afterHold,
  RECORD_SIGNATURE: recordSignature,
  RECORD_PLAN_CALL: recordPlanCall,
  RECORD_FAILURE: recordFailure,
};

/**
 * The stage executor: every automated step of the ladder. Right before any contact it re-reads the
 * case as of now (one Query: the borrower's profile and all their cases), applies the policy's gate
 * and contact rules, sends, records the decision in the ledger (one PutItem) and tells the state
 * machine what to do next. Identifiers in, identifiers out: contact details are read inside and
 * never returned. Retries never send twice: an earlier attempt's record or send receipt is replayed
 * instead (record.ts). A step whose next wait would outlast the execution's year answers CONTINUE, and
 * the CONTINUE step starts the fresh execution the ladder goes on in (steps/continue.ts).
 */
export function createStageCore(deps: StageDeps) {
  return async function stageCore(input: unknown): Promise<Step | Continued> {
    const parsed = StageRequestSchema().safeParse(input);
    if (!parsed.success)
      throw new ValidationError(`bad stage request: ${parsed.error.issues[0]?.path.join('.')}`);
    const ctx = await load(deps, parsed.data);
    const { action } = parsed.data;
    if (action === 'CONTINUE') return continueLadder(ctx);
    const next = await ACTIONS[action](ctx);
    // A failure recorded ends the ladder; any other step may lead to a wait past the execution's year.
    return action === 'RECORD_FAILURE' ? next : continueIfDue(ctx, next);
  };
}
