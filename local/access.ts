/**
 * The stack's IAM in the local runtime: every call a function makes is checked against that function's
 * role as lib/ synthesizes it (local/iam/), and a call the role does not allow fails with the
 * AccessDenied error the SDK would throw on AWS. The SDK clients the handlers get carry the check as
 * middleware; the edges the runtime keeps as local objects (the bus, the evidence bucket, task
 * callbacks, execution starts, the HMAC keys, the ledger writer's invocation) check the same request
 * (service, command and input as the SDK call on AWS would have them) with `check`.
 *
 * Which function is calling is the invocation in progress (local/sdk.ts, runAs): the runtime's own
 * calls (reading results, creating tables) are made outside any invocation and are not checked.
 *
 * Resources carry the names the stack resolves to locally (StackIam): tables as the local store names
 * them, the bus, bucket, keys and state machines by the names and ARNs `stackIam` gives.
 */
import type { Pluggable } from '@smithy/types';
import type { IamGuard } from './iam/guard.js';
import type { LocalFunctionName, StackIam } from './iam/template.js';
import { currentFunction } from './sdk.js';
import { LOCAL_REGION } from './services/store.js';

/** The account the local stack runs in. */
export const LOCAL_ACCOUNT = '123456789012';

export interface IamOptions {
  /** @default 'aws' */
  readonly partition?: string;
  /** @default the local region ('local'); 'cn-north-1' with partition 'aws-cn' */
  readonly region?: string;
  /** @default 123456789012 */
  readonly account?: string;
  /**
   * The stack IAM to enforce, for this partition, region and account (e.g. `loadStackIam({ stack })` of
   * a stack a test changed). @default lib/ladder-stack.ts's, cached under node_modules/.cache/ladder
   */
  readonly stackIam?: StackIam;
}

/** What `check` and the names are about: where the local stack "is". */
export interface Placement {
  readonly partition: string;
  readonly region: string;
  readonly account: string;
}

export interface Access extends Placement {
  /** Whether calls are checked (false: `iam: false`). */
  readonly enforced: boolean;
  /** The function's ARN, as the state machine definitions and Lambda name it. */
  functionArn(name: LocalFunctionName): string;
  /** The ARN of the state machine a policy's executions run on. */
  stateMachineArn(policyId: string): string;
  readonly busName: string;
  readonly bucketName: string;
  /** The key the evidence bucket encrypts with (the case key): named in a binary PutObject. */
  readonly evidenceKeyArn: string;
  readonly sealKeyArn: string;
  readonly lineKeyArn: string;
  readonly linkKeyArn: string;
  /**
   * Throws the service's AccessDenied error if the function whose invocation is in progress may not
   * make this call (`service` as the SDK client is named, `command` and `input` as the SDK would send
   * them); nothing outside an invocation or with IAM off.
   */
  check(service: string, command: string, input: unknown): void;
  /** The same check as SDK middleware, for the clients the handlers get. */
  middleware<Input extends object, Output extends object>(): Pluggable<Input, Output> | undefined;
}

export interface AccessDeps {
  /** The state machine ARN of the execution that issued a task token, if it is one of the run's. */
  stateMachineOfTaskToken(token: string): string | undefined;
}

export function placementOf(options: IamOptions = {}): Placement {
  const partition = options.partition ?? options.stackIam?.partition ?? 'aws';
  const chinese = partition === 'aws-cn' ? 'cn-north-1' : LOCAL_REGION;
  return {
    partition,
    region: options.region ?? options.stackIam?.region ?? chinese,
    account: options.account ?? options.stackIam?.account ?? LOCAL_ACCOUNT,
  };
}

/** The local names of the stack's resources when no stack IAM is loaded (IAM off): nothing checks them. */
function unchecked(p: Placement): Access {
  const regional = (service: string, resource: string) =>
    `arn:${p.partition}:${service}:${p.region}:${p.account}:${resource}`;
  return {
    ...p,
    enforced: false,
    functionArn: (name) => regional('lambda', `function:${name}`),
    stateMachineArn: (policyId) => regional('states', `stateMachine:${policyId}`),
    busName: 'LadderBus',
    bucketName: 'ladder-evidence',
    evidenceKeyArn: regional('kms', 'key/ladder-case'),
    sealKeyArn: regional('kms', 'key/ladder-seal'),
    lineKeyArn: regional('kms', 'key/ladder-line'),
    linkKeyArn: regional('kms', 'key/ladder-link'),
    check: () => undefined,
    middleware: () => undefined,
  };
}

/**
 * The state machine of a policy: a scenario's own policy (one the stack does not deploy) runs as the
 * default policy's, which stands in for it: every grant on the ladders (StartExecution, the task
 * responses) is on all of them alike, so the one it would get as a bundled policy is the same.
 */
function stateMachineOf(stackIam: StackIam) {
  const fallback = stackIam.stateMachines.default;
  if (!fallback) throw new Error('the stack has no state machine for the default policy');
  return (policyId: string) => (stackIam.stateMachines[policyId] ?? fallback).arn;
}

function enforced(stackIam: StackIam, guard: IamGuard): Access {
  return {
    partition: stackIam.partition,
    region: stackIam.region,
    account: stackIam.account,
    enforced: true,
    functionArn: (name) => stackIam.functions[name].arn,
    stateMachineArn: stateMachineOf(stackIam),
    busName: stackIam.bus.name,
    bucketName: stackIam.evidenceBucket.name,
    evidenceKeyArn: stackIam.caseKey.arn,
    sealKeyArn: stackIam.sealKey.arn,
    lineKeyArn: stackIam.lineKey.arn,
    linkKeyArn: stackIam.linkKey.arn,
    check(service, command, input) {
      const fn = currentFunction();
      if (fn !== undefined) guard.check(fn, service, command, input);
    },
    middleware: () => guard.middleware(currentFunction),
  };
}

/**
 * The runtime's access checks: `false` turns them off; otherwise the stack's IAM for the placement
 * (loaded from the cache, or synthesized once: seconds) and a guard over it.
 */
export async function localAccess(options: false | IamOptions, deps: AccessDeps): Promise<Access> {
  if (options === false) return unchecked(placementOf());
  const placement = placementOf(options);
  // Loaded only when IAM is on: `iam: false` pays for neither the CDK nor the action catalog.
  const [{ loadStackIam }, { createIamGuard }] = await Promise.all([
    import('./iam/template.js'),
    import('./iam/guard.js'),
  ]);
  const stackIam = options.stackIam ?? (await loadStackIam(placement));
  const guard = await createIamGuard(stackIam, { stateMachineOfTaskToken: deps.stateMachineOfTaskToken });
  return enforced(stackIam, guard);
}
