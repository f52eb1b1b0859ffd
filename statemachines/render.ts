import { callbackTimeoutSeconds, PAUSE_POINTS } from '../functions/domain/continuation.js';
import { RETRYABLE_ERRORS } from '../functions/domain/errors.js';
import { isHumanStage, type LadderPolicy, type Stage, stageLabel } from '../functions/domain/policy.js';

/**
 * Renders a ladder policy into Amazon States Language (JSONPath only: no JSONata, no Assign, which
 * the local interpreter ignores). One state per stage, named for the operator ("D+7 agent call"),
 * each preceded by a timestamp Wait ("Wait for D+7 agent call") and followed by a Choice that routes
 * on the stage executor's outcome. The rendered files are committed (statemachines/<policy>.asl.json)
 * and a test fails when it drifts from the policy. ARNs are ${Placeholders} filled by CDK, the
 * partition included (`arn:${Partition}:states:::lambda:invoke`): the same files deploy to aws and aws-cn.
 *
 * Per automated stage: Wait + Task + Choice = 3 state transitions, the fewest that let an operator
 * see the wait, the stage and the decision as separate steps in the console.
 *
 * A ladder longer than an execution's year continues in a fresh execution (functions/domain/
 * continuation.ts): a stage task answers CONTINUE, "Continue in a new execution" starts it, and the new
 * one's first state, "Start or continue?", sends it to the state the old one would have entered.
 */
type State = Record<string, unknown>;

/** Where the hardship pause's waiting task finds its timeout: the step's seconds to the deadline. */
export const PAUSE_SECONDS_PATH = '$.step.pauseSeconds';

export const SHARED = {
  start: 'Start or continue?',
  resumeContinued: 'Continue where the last execution stopped',
  unknownContinuation: 'Unknown continuation',
  continue: 'Continue in a new execution',
  continued: 'Continued in a new execution',
  failure: 'Record failure',
  failed: 'Failed',
  hold: 'Dispute hold',
  afterHoldTask: 'Dispute hold: resume?',
  afterHold: 'After dispute hold',
  promiseWait: 'Promise to pay: waiting',
  hardshipWait: 'Hardship pause: waiting',
  promiseCheck: 'Promise to pay: check',
  afterPromise: 'After promise check',
  signing: 'Repayment plan: agreement signing',
  signed: 'Repayment plan: record signature',
  afterSigning: 'After plan signing',
  planWait: 'Repayment plan: waiting for instalment',
  planCheck: 'Repayment plan: check instalment',
  afterPlan: 'After instalment check',
  planCall: 'Repayment plan: follow-up call',
  planCallRecord: 'Repayment plan: record call',
  afterPlanCall: 'After plan call',
  resume: 'Resume ladder',
  cured: 'Cured',
  settled: 'Settled',
  closed: 'Closed',
  handedOver: 'Handed over',
  complete: 'Ladder complete',
} as const;

const waitName = (s: Stage) => `Wait for ${stageLabel(s)}`;
const afterName = (s: Stage) => `After ${stageLabel(s)}`;
const recordName = (s: Stage) => `${stageLabel(s)}: record outcome`;

/**
 * A Lambda that crashed (the runtime exited), timed out or ran out of memory is retried too: Step
 * Functions reports these as Lambda.Unknown through the optimised integration ("Handle Lambda service
 * exceptions" in its best practices; local/invoke.ts asTaskError), and Lambda's own error types are
 * listed as well, in case a payload's errorType is passed through as a handler's is. A retried stage
 * replays what an earlier attempt sent or recorded instead of doing it again (functions/stage/record.ts),
 * and opening a human task again finds the task already open (functions/human-task/core.ts).
 */
export const LAMBDA_CRASH_ERRORS = [
  'Lambda.Unknown',
  'Runtime.ExitError',
  'Sandbox.Timedout',
  'Runtime.OutOfMemory',
] as const;

const RETRY = [
  {
    ErrorEquals: [
      ...RETRYABLE_ERRORS,
      ...LAMBDA_CRASH_ERRORS,
      'Lambda.ServiceException',
      'Lambda.AWSLambdaException',
      'Lambda.SdkClientException',
      'Lambda.ClientExecutionTimeoutException',
      'Lambda.TooManyRequestsException',
    ],
    IntervalSeconds: 2,
    MaxAttempts: 6,
    BackoffRate: 2,
    MaxDelaySeconds: 120,
    JitterStrategy: 'FULL',
  },
];
const CATCH = [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: SHARED.failure }];

const ids = {
  'loanId.$': '$.loanId',
  'borrowerId.$': '$.borrowerId',
  'cycle.$': '$.cycle',
  'policyId.$': '$.policyId',
};

/**
 * A lambda:invoke of the stage executor whose result becomes $.step. It is given the execution's start,
 * so a step whose next wait would outlast the execution's year can answer CONTINUE.
 */
function stageTask(action: string, next: string, extra: Record<string, unknown> = {}): State {
  return {
    Type: 'Task',
    Resource: 'arn:${Partition}:states:::lambda:invoke',
    Parameters: {
      FunctionName: '${StageFunctionArn}',
      Payload: {
        action,
        ...extra,
        ...ids,
        'step.$': '$.step',
        'retryCount.$': '$$.State.RetryCount',
        'startedAt.$': '$$.Execution.StartTime',
      },
    },
    ResultSelector: {
      'outcome.$': '$.Payload.outcome',
      'stage.$': '$.Payload.stage',
      'wakeAt.$': '$.Payload.wakeAt',
      'resumeStage.$': '$.Payload.resumeStage',
      'ledger.$': '$.Payload.ledger',
      'continueAt.$': '$.Payload.continueAt',
      'pauseSeconds.$': '$.Payload.pauseSeconds',
    },
    ResultPath: '$.step',
    TimeoutSeconds: 60,
    Retry: RETRY,
    Catch: CATCH,
    Next: next,
  };
}

/** A callback task: the human-task function stores the token; the execution waits for it. */
function callbackTask(
  action: string,
  next: string,
  timeoutSeconds: number,
  heartbeatSeconds: number | undefined,
  extra: Record<string, unknown>,
  timeoutNext: string,
): State {
  return {
    Type: 'Task',
    Resource: 'arn:${Partition}:states:::lambda:invoke.waitForTaskToken',
    Parameters: {
      FunctionName: '${HumanTaskFunctionArn}',
      // The ledger head's seq tells one opening of the task from the next (after a deferral).
      Payload: { action, 'taskToken.$': '$$.Task.Token', ...extra, ...ids, 'seq.$': '$.step.ledger.seq' },
    },
    ResultPath: '$.taskResult',
    TimeoutSeconds: timeoutSeconds,
    ...(heartbeatSeconds ? { HeartbeatSeconds: heartbeatSeconds } : {}),
    Retry: RETRY,
    Catch: [
      {
        ErrorEquals: ['States.Timeout', 'States.HeartbeatTimeout'],
        ResultPath: '$.taskResult',
        Next: timeoutNext,
      },
      ...CATCH,
    ],
    Next: next,
  };
}

/** The Choice after a task: the same routes everywhere, except where WAIT and NEXT lead. */
function route(waitTarget: string, defaultNext: string): State {
  const on = (value: string, next: string) => ({
    Variable: '$.step.outcome',
    StringEquals: value,
    Next: next,
  });
  return {
    Type: 'Choice',
    Choices: [
      on('WAIT', waitTarget),
      on('CURED', SHARED.cured),
      on('SETTLED', SHARED.settled),
      on('CLOSED', SHARED.closed),
      on('HANDED_OVER', SHARED.handedOver),
      on('HOLD', SHARED.hold),
      on('PAUSE', SHARED.promiseWait),
      on('HARDSHIP', SHARED.hardshipWait),
      on('PLAN', SHARED.planWait),
      on('PLAN_CALL', SHARED.planCall),
      on('SIGN', SHARED.signing),
      on('RESUME', SHARED.resume),
      on('CONTINUE', SHARED.continue),
    ],
    Default: defaultNext,
  };
}

const wait = (next: string): State => ({ Type: 'Wait', TimestampPath: '$.step.wakeAt', Next: next });
const succeed = (comment: string): State => ({ Type: 'Succeed', Comment: comment });

export function renderLadder(policy: LadderPolicy): Record<string, unknown> {
  const states: Record<string, State> = {};
  policy.stages.forEach((stage, index) => {
    const following = policy.stages[index + 1];
    const next = following ? waitName(following) : SHARED.complete;
    const label = stageLabel(stage);
    states[waitName(stage)] = wait(label);
    if (isHumanStage(stage)) {
      // The heartbeat is the agent's "I am on it" (sent when a task is claimed); without it the task
      // times out a day before TimeoutSeconds, and a timeout escalates.
      states[label] = callbackTask(
        'OPEN',
        recordName(stage),
        callbackTimeoutSeconds.humanTask(policy),
        callbackTimeoutSeconds.humanTaskHeartbeat(policy),
        { stage: stage.id },
        recordName(stage),
      );
      states[recordName(stage)] = stageTask('RECORD_HUMAN_OUTCOME', afterName(stage), {
        stage: stage.id,
        'taskResult.$': '$.taskResult',
      });
    } else {
      states[label] = stageTask('RUN_STAGE', afterName(stage), { stage: stage.id });
    }
    states[afterName(stage)] = route(waitName(stage), next);
  });

  // A hold that times out goes to the same check as one that was woken: it records the timeout and
  // holds again while the dispute is open (never to Record failure, which needs an $.error).
  states[SHARED.hold] = callbackTask(
    'HOLD',
    SHARED.afterHoldTask,
    callbackTimeoutSeconds.hold(),
    undefined,
    {},
    SHARED.afterHoldTask,
  );
  states[SHARED.afterHoldTask] = stageTask('AFTER_HOLD', SHARED.afterHold, {
    'taskResult.$': '$.taskResult',
  });
  states[SHARED.afterHold] = route(SHARED.hold, SHARED.resume);
  states[SHARED.promiseWait] = wait(SHARED.promiseCheck);
  // A hardship pause waits on a task token until its deadline (TimeoutSecondsPath: the step's seconds
  // to it), so an agent's handling, a plan or a promise wakes it early; either way the check decides.
  // The seconds are in the Payload too: the local interpreter reads TimeoutSecondsPath from the input
  // after Parameters (local/executions.ts maps the path), AWS from the state's input.
  const { TimeoutSeconds: _fixed, ...pause } = callbackTask(
    'PAUSE',
    SHARED.promiseCheck,
    1,
    undefined,
    { 'pauseSeconds.$': PAUSE_SECONDS_PATH },
    SHARED.promiseCheck,
  );
  states[SHARED.hardshipWait] = { ...pause, TimeoutSecondsPath: PAUSE_SECONDS_PATH };
  states[SHARED.promiseCheck] = stageTask('CHECK_PROMISE', SHARED.afterPromise);
  states[SHARED.afterPromise] = route(SHARED.promiseWait, SHARED.resume);
  // The borrower signs the plan agreement before it expires; expiry (the timeout) resumes escalation.
  states[SHARED.signing] = callbackTask(
    'OPEN_SIGNING',
    SHARED.signed,
    callbackTimeoutSeconds.signing(policy),
    undefined,
    {},
    SHARED.signed,
  );
  states[SHARED.signed] = stageTask('RECORD_SIGNATURE', SHARED.afterSigning, {
    'taskResult.$': '$.taskResult',
  });
  states[SHARED.afterSigning] = route(SHARED.planWait, SHARED.resume);
  states[SHARED.planWait] = wait(SHARED.planCheck);
  states[SHARED.planCheck] = stageTask('CHECK_PLAN', SHARED.afterPlan);
  states[SHARED.afterPlan] = route(SHARED.planWait, SHARED.resume);
  // A missed instalment, its reply window over: an agent calls before escalation resumes.
  states[SHARED.planCall] = callbackTask(
    'OPEN_PLAN_CALL',
    SHARED.planCallRecord,
    callbackTimeoutSeconds.humanTask(policy),
    callbackTimeoutSeconds.humanTaskHeartbeat(policy),
    {},
    SHARED.planCallRecord,
  );
  states[SHARED.planCallRecord] = stageTask('RECORD_PLAN_CALL', SHARED.afterPlanCall, {
    'taskResult.$': '$.taskResult',
  });
  states[SHARED.afterPlanCall] = route(SHARED.planWait, SHARED.resume);
  states[SHARED.resume] = {
    Type: 'Choice',
    Choices: policy.stages.map((stage) => ({
      Variable: '$.step.resumeStage',
      StringEquals: stage.id,
      Next: waitName(stage),
    })),
    Default: SHARED.complete,
  };
  states[SHARED.failure] = {
    ...stageTask('RECORD_FAILURE', SHARED.failed, { 'error.$': '$.error' }),
    Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.recordError', Next: SHARED.failed }],
  };
  states[SHARED.failed] = {
    Type: 'Fail',
    Error: 'LadderFailed',
    Cause: 'A task failed after its retries; see the Record failure step and the ledger.',
  };
  states[SHARED.cured] = succeed('Paid: no further contact.');
  states[SHARED.settled] = succeed('Every plan instalment paid.');
  states[SHARED.closed] = succeed('Closed: dispute upheld, specialist queue, or recorded failure.');
  states[SHARED.handedOver] = succeed('Handed over to legal with the evidence pack.');
  states[SHARED.complete] = succeed('No stage left.');

  Object.assign(states, continuationStates(policy));
  return {
    Comment: `Collections ladder "${policy.id}" ${typeof policy.version === 'number' ? `v${policy.version}` : policy.version} (${policy.product}); rendered from policies/${policy.id}.json by statemachines/render.ts. Do not edit by hand.`,
    StartAt: SHARED.start,
    States: states,
  };
}

/** The state each resume point of functions/domain/continuation.ts names. */
const PAUSE_STATES: Record<(typeof PAUSE_POINTS)[number], string> = {
  PROMISE: SHARED.promiseWait,
  PLAN: SHARED.planWait,
  HOLD: SHARED.hold,
  SIGN: SHARED.signing,
};

/**
 * The states of a continuation: the first state of every execution, which sends a continued one
 * (its input has `continuedFrom`) to where the old one stopped and a first one to the first stage's
 * Wait; and the old one's last two, which start the new one and end naming it.
 */
function continuationStates(policy: LadderPolicy): Record<string, State> {
  const first = policy.stages[0];
  const at = (value: string, next: string) => ({
    Variable: '$.step.continueAt',
    StringEquals: value,
    Next: next,
  });
  return {
    [SHARED.start]: {
      Type: 'Choice',
      Choices: [{ Variable: '$.continuedFrom', IsPresent: true, Next: SHARED.resumeContinued }],
      Default: first ? waitName(first) : SHARED.complete,
    },
    [SHARED.resumeContinued]: {
      Type: 'Choice',
      Choices: [
        ...policy.stages.map((stage) => at(stage.id, waitName(stage))),
        ...PAUSE_POINTS.map((point) => at(point, PAUSE_STATES[point])),
      ],
      Default: SHARED.unknownContinuation,
    },
    [SHARED.unknownContinuation]: {
      Type: 'Fail',
      Error: 'LadderContinuationUnknown',
      Cause:
        "The input's step.continueAt names no state of this ladder (was a stage removed from the policy?).",
    },
    [SHARED.continue]: {
      Type: 'Task',
      Resource: 'arn:${Partition}:states:::lambda:invoke',
      Parameters: {
        FunctionName: '${StageFunctionArn}',
        Payload: {
          action: 'CONTINUE',
          ...ids,
          'step.$': '$.step',
          'execution.$': '$$.Execution.Id',
          'retryCount.$': '$$.State.RetryCount',
        },
      },
      ResultSelector: {
        'name.$': '$.Payload.continuedAs.name',
        'executionArn.$': '$.Payload.continuedAs.executionArn',
      },
      ResultPath: '$.continuedAs',
      TimeoutSeconds: 60,
      Retry: RETRY,
      Catch: CATCH,
      Next: SHARED.continued,
    },
    [SHARED.continued]: succeed('The ladder goes on in the execution named in continuedAs.'),
  };
}

/** Where a policy's rendered definition is committed, relative to the repository root. */
export const definitionFile = (policyId: string): string => `statemachines/${policyId}.asl.json`;

export const renderLadderJson = (policy: LadderPolicy): string =>
  `${JSON.stringify(renderLadder(policy), null, 2)}\n`;
