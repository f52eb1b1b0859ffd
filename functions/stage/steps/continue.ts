import { continuationName, continueAt, type StageAction } from '../../domain/continuation.js';
import type { LadderInput, Step } from '../../domain/decide.js';
import { ValidationError } from '../../domain/errors.js';
import { type Ctx, update } from '../context.js';

/** The CONTINUE step's answer: the step carried on, and the execution it continues in. */
export interface Continued extends Step {
  continuedAs: { name: string; executionArn: string };
}

/**
 * After a step: when the wait it leads to would end past the execution's year (domain/continuation.ts),
 * the state machine is told to CONTINUE, the step carrying where the fresh execution resumes.
 */
export function continueIfDue(ctx: Ctx, next: Step): Step {
  const at = continueAt(ctx.policy, { ...ctx.req, action: ctx.req.action as StageAction }, next, ctx.now);
  return at === undefined ? next : { ...next, outcome: 'CONTINUE', continueAt: at };
}

/**
 * Continues the ladder in a fresh execution of the same state machine, named `<first>-r<n>`, its input
 * the step to resume with (stage, resume stage, ledger head, where to resume) and `continuedFrom`, this
 * execution's ARN. The case names it first, so anything that looks the ladder up finds the new one.
 * Deterministic, so a retry starts nothing twice: the same name and input while it runs is the same
 * execution to Step Functions, and ExecutionAlreadyExists means an earlier attempt started it.
 */
export async function continueLadder(ctx: Ctx): Promise<Continued> {
  const { req } = ctx;
  if (!req.execution || req.step.outcome !== 'CONTINUE' || !req.step.continueAt)
    throw new ValidationError('CONTINUE needs the execution and a step to continue');
  const current = req.execution.slice(req.execution.lastIndexOf(':') + 1);
  const name = continuationName(current);
  if (ctx.kase.item.execution !== name) await update(ctx, (c) => Object.assign(c, { execution: name }));
  const input: LadderInput = {
    loanId: req.loanId,
    borrowerId: req.borrowerId,
    cycle: req.cycle,
    policyId: req.policyId,
    step: req.step as Step,
    continuedFrom: req.execution,
  };
  const { executionArn } = await ctx.deps.continuer.continueAs(req.execution, name, input);
  return { ...(req.step as Step), continuedAs: { name, executionArn } };
}
