import { createHash } from 'node:crypto';
import type { Outcome, Step } from './decide.js';
import { isHumanStage, type LadderPolicy, nextStage } from './policy.js';

/**
 * A ladder longer than a Standard execution may run: Step Functions ends an execution TIMED_OUT a
 * year after it started ("Step Functions service quotas"), and a 24-instalment plan, a dispute held
 * for months or a promise made late in the ladder all outlast that. Before the ladder would wait past
 * CONTINUE_WITHIN_DAYS from its execution's start, it continues in a fresh execution of the same state
 * machine, which resumes at the state the old one would have entered with the same step (stage, resume
 * stage, ledger head). The old one ends SUCCEEDED naming its successor. docs/limits.md has the design.
 *
 * Plain functions of the policy, the step and times: the stage executor decides with them, the renderer
 * names the states they resume at, and the tests check one against the other.
 */
const DAY_MS = 86_400_000;

/** A Standard execution may run one year, taken as 365 days (local/limits.ts enforces it locally). */
export const EXECUTION_LIMIT_DAYS = 365;

/**
 * Nothing an execution waits for may end later than this many days after it started: 35 days short of
 * the limit, more than any step needs after its wait (retries take minutes, a human task four days).
 */
export const CONTINUE_WITHIN_DAYS = 330;

/** The dispute hold's TimeoutSeconds in days: a hold that outlasts it records so and holds again. */
export const HOLD_TIMEOUT_DAYS = 180;

/** How long each callback task may wait (its TimeoutSeconds): one definition for the renderer and the limit. */
export const callbackTimeoutSeconds = {
  hold: (): number => HOLD_TIMEOUT_DAYS * 86_400,
  signing: (policy: LadderPolicy): number => policy.plan.signingExpiryDays * 86_400,
  /** A human task times out a day after its HeartbeatSeconds (the agent's "I am on it"). */
  humanTask: (policy: LadderPolicy): number => policy.humanTask.timeoutHours * 3600 + 86_400,
  humanTaskHeartbeat: (policy: LadderPolicy): number => policy.humanTask.timeoutHours * 3600,
};

/**
 * Where a continued ladder resumes: a stage's Wait (the stage's id, "D+15"), or the promise's Wait,
 * the plan's Wait, the dispute hold or the plan signing. Stage ids look like D+15, so never like these.
 */
export const PAUSE_POINTS = ['PROMISE', 'PLAN', 'HOLD', 'SIGN'] as const;
export type ResumePoint = string;

/** The stage executor's actions (the state machine's stage Tasks name one). */
export type StageAction =
  | 'RUN_STAGE'
  | 'RECORD_HUMAN_OUTCOME'
  | 'CHECK_PROMISE'
  | 'CHECK_PLAN'
  | 'AFTER_HOLD'
  | 'RECORD_SIGNATURE'
  | 'RECORD_PLAN_CALL'
  | 'RECORD_FAILURE'
  | 'CONTINUE';

/**
 * The waiting state the state machine enters after `action` (of stage `stageId`, for a stage's
 * tasks) answered `outcome`, as the Choice after each task routes it (statemachines/render.ts);
 * undefined when it ends or moves on at once.
 */
export function resumePoint(
  policy: LadderPolicy,
  action: StageAction,
  stageId: string | undefined,
  outcome: Outcome,
): ResumePoint | undefined {
  switch (outcome) {
    case 'HOLD':
      return 'HOLD';
    case 'PAUSE':
    case 'HARDSHIP':
      return 'PROMISE';
    case 'PLAN':
      return 'PLAN';
    case 'SIGN':
      return 'SIGN';
    case 'WAIT':
      if (action === 'CHECK_PROMISE') return 'PROMISE';
      if (action === 'CHECK_PLAN' || action === 'RECORD_SIGNATURE' || action === 'RECORD_PLAN_CALL')
        return 'PLAN';
      if (action === 'AFTER_HOLD') return 'HOLD';
      return action === 'RUN_STAGE' || action === 'RECORD_HUMAN_OUTCOME' ? stageId : undefined;
    case 'NEXT':
      return (action === 'RUN_STAGE' || action === 'RECORD_HUMAN_OUTCOME') && stageId
        ? nextStage(policy, stageId)?.id
        : undefined;
    default:
      return undefined;
  }
}

/** The latest the waiting state at `point` can end: its Wait, and a human stage's task after it. */
export function waitEnds(policy: LadderPolicy, point: ResumePoint, wakeAt: number, now: number): number {
  if (point === 'HOLD') return now + callbackTimeoutSeconds.hold() * 1000;
  if (point === 'SIGN') return now + callbackTimeoutSeconds.signing(policy) * 1000;
  const stage = policy.stages.find((s) => s.id === point);
  return wakeAt + (stage && isHumanStage(stage) ? callbackTimeoutSeconds.humanTask(policy) * 1000 : 0);
}

/**
 * Where the ladder must continue in a fresh execution after this step, or undefined when its next
 * wait ends in time. `startedAt` is the execution's start ($$.Execution.StartTime); without it (an
 * execution started by an older definition) nothing continues.
 */
export function continueAt(
  policy: LadderPolicy,
  request: { action: StageAction; stage?: string | undefined; startedAt?: string | undefined },
  step: Step,
  now: number,
): ResumePoint | undefined {
  if (!request.startedAt) return undefined;
  const point = resumePoint(policy, request.action, request.stage, step.outcome);
  if (point === undefined) return undefined;
  const deadline = Date.parse(request.startedAt) + CONTINUE_WITHIN_DAYS * DAY_MS;
  return waitEnds(policy, point, Date.parse(step.wakeAt), now) > deadline ? point : undefined;
}

/** Step Functions names: at most 80 of [A-Za-z0-9-_]. */
const MAX_NAME = 80;

/** Shortens a name to fit `suffix` within 80 characters, a hash of the whole keeping it unique. */
function withSuffix(name: string, suffix: string): string {
  if (name.length + suffix.length <= MAX_NAME) return `${name}${suffix}`;
  const hash = createHash('sha256').update(name).digest('hex').slice(0, 10);
  return `${name.slice(0, MAX_NAME - suffix.length - 11)}_${hash}${suffix}`;
}

/**
 * A loan cycle's first execution: the loan id and the cycle, deterministic, so a repeated
 * LoanDelinquent starts nothing new. Other characters are replaced and a hash keeps names unique.
 */
export function executionName(loanId: string, cycle: number): string {
  const safe = loanId.replace(/[^A-Za-z0-9_-]/g, '_');
  const suffix = `-c${cycle}`;
  if (safe === loanId && safe.length + suffix.length <= MAX_NAME) return `${safe}${suffix}`;
  const hash = createHash('sha256').update(loanId).digest('hex').slice(0, 10);
  return `${safe.slice(0, MAX_NAME - suffix.length - 11)}_${hash}${suffix}`;
}

/**
 * The execution a ladder continues in after `current`: the first execution's name with `-r1`, then
 * `-r2`, ... First names end in `-c<cycle>`, so `-r<n>` at the end only ever marks a continuation.
 */
export function continuationName(current: string): string {
  const m = /^(.*)-r(\d+)$/.exec(current);
  const base = m?.[1] ?? current;
  return withSuffix(base, `-r${m ? Number(m[2]) + 1 : 1}`);
}
