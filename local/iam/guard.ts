/**
 * The local IAM check: each SDK call a function makes is evaluated against that function's role (and,
 * for KMS, the key policy) as the stack synthesizes them, and a call the role does not allow fails with
 * the error AWS would return, named and shaped as the SDK throws it:
 *
 * | service     | error (SDK class)                        | HTTP |
 * | DynamoDB    | AccessDeniedException (DynamoDBServiceException) | 400 |
 * | SNS         | AuthorizationErrorException              | 403 |
 * | SES v2      | AccessDeniedException (SESv2ServiceException) | 403 |
 * | EventBridge | AccessDeniedException                    | 400 |
 * | S3          | AccessDenied                             | 403 |
 * | Step Functions | AccessDeniedException (SFNServiceException) | 400 |
 * | KMS         | AccessDeniedException (KMSServiceException) | 400 |
 * | Lambda      | AccessDeniedException (LambdaServiceException) | 403 |
 *
 * Decisions are cached per (function, action, resource, the context keys its policies read): a local run
 * makes hundreds of thousands of calls over a few hundred distinct decisions.
 */
import { DynamoDBServiceException } from '@aws-sdk/client-dynamodb';
import { AccessDeniedException as EventBridgeAccessDenied } from '@aws-sdk/client-eventbridge';
import { KMSServiceException } from '@aws-sdk/client-kms';
import { LambdaServiceException } from '@aws-sdk/client-lambda';
import { AccessDenied as S3AccessDenied } from '@aws-sdk/client-s3';
import { SESv2ServiceException } from '@aws-sdk/client-sesv2';
import { SFNServiceException } from '@aws-sdk/client-sfn';
import { AuthorizationErrorException } from '@aws-sdk/client-sns';
import type { InitializeMiddleware, MiddlewareStack, Pluggable } from '@smithy/types';
import {
  ActionCatalog,
  type Caller,
  type CompiledPolicy,
  compilePolicy,
  type Decision,
  evaluate,
  evaluateKms,
  IamPolicyError,
  type IamRequest,
} from './evaluate.js';
import { iamRequests, type RequestEnvironment, requestEnvironment, serviceOf } from './requests.js';
import type { StackIam } from './template.js';

type Metadata = { httpStatusCode: number };

interface Denial {
  readonly status: number;
  create(message: string, $metadata: Metadata): Error;
  /** How the service writes the action and the resource in its message. */
  readonly action?: (action: string) => string;
  readonly resource?: (resource: string) => string;
}

const client = { name: 'AccessDeniedException', $fault: 'client' } as const;
const DENIALS: Readonly<Record<string, Denial>> = {
  dynamodb: {
    status: 400,
    create: (message, $metadata) => new DynamoDBServiceException({ ...client, message, $metadata }),
  },
  sns: {
    status: 403,
    create: (message, $metadata) => new AuthorizationErrorException({ message, $metadata }),
    action: (action) => action.replace(/^sns:/, 'SNS:'),
  },
  sesv2: {
    status: 403,
    create: (message, $metadata) => new SESv2ServiceException({ ...client, message, $metadata }),
  },
  eventbridge: {
    status: 400,
    create: (message, $metadata) => new EventBridgeAccessDenied({ message, $metadata }),
  },
  s3: {
    status: 403,
    create: (message, $metadata) => new S3AccessDenied({ message, $metadata }),
    resource: (resource) => `"${resource}"`,
  },
  sfn: {
    status: 400,
    create: (message, $metadata) => new SFNServiceException({ ...client, message, $metadata }),
  },
  kms: {
    status: 400,
    create: (message, $metadata) => new KMSServiceException({ ...client, message, $metadata }),
  },
  lambda: {
    status: 403,
    create: (message, $metadata) => new LambdaServiceException({ ...client, message, $metadata }),
  },
};

export interface IamGuardOptions {
  /** The ARN of the state machine whose execution issued a task token (for states:SendTask*). */
  readonly stateMachineOfTaskToken?: (taskToken: string) => string | undefined;
}

export interface IamGuard {
  /**
   * Throws the service's AccessDenied error if `functionName`'s role may not make this call;
   * `service` is the SDK client's name (DynamoDBClient) or its service (DynamoDB), `commandName` the
   * command's (PutItemCommand or PutItem). An unmapped command throws UnmappedCommandError.
   */
  check(functionName: string, service: string, commandName: string, input: unknown): void;
  /** The decision for one IAM request of `functionName` (what `check` applies to each request of a call). */
  authorize(functionName: string, request: IamRequest): Decision;
  /**
   * `client.middlewareStack.use(guard.middleware(() => current))`: runs `check` at the 'initialize' step
   * (before any retry, signing or network) for the function `functionNameOf` names; calls made outside
   * any function invocation (undefined) are not checked.
   */
  middleware<Input extends object, Output extends object>(
    functionNameOf: () => string | undefined,
  ): Pluggable<Input, Output>;
}

/** The services requests.ts maps calls to (loaded into the action catalog with the policies' own). */
const REQUEST_SERVICES = ['dynamodb', 'sns', 'ses', 'events', 's3', 'states', 'kms', 'lambda'];
/** Distinct decisions kept per function before the cache starts over (a bound, not a tuning knob). */
const MAX_CACHED = 100_000;

interface Principal {
  readonly caller: Caller;
  readonly identity: CompiledPolicy;
  readonly decisions: Map<string, Decision>;
}

function denialOf(service: string): Denial {
  const denial = DENIALS[service];
  if (!denial) throw new Error(`IAM guard: no AccessDenied shape for ${service}`);
  return denial;
}

/** AWS's wording, e.g. `User: arn:aws:sts::1:assumed-role/R/stage is not authorized to perform: ...`. */
function message(p: Principal, denial: Denial, request: IamRequest, d: Decision): string {
  const action = denial.action?.(request.action) ?? request.action;
  const resource = denial.resource?.(request.resource) ?? request.resource;
  const why =
    d.verdict === 'ExplicitlyDenied'
      ? `with an explicit deny in a${d.policyType === 'identity' ? 'n identity' : ' resource'}-based policy`
      : `because no ${d.policyType}-based policy allows the ${action} action`;
  return `User: ${p.caller.sessionArn} is not authorized to perform: ${action} on resource: ${resource} ${why}`;
}

interface CompiledStack {
  readonly catalog: ActionCatalog;
  readonly keys: ReadonlyMap<string, CompiledPolicy>;
  readonly principals: ReadonlyMap<string, Principal>;
}

/** Every function role and key policy compiled: IamPolicyError for what cannot be enforced. */
async function compileStack(stackIam: StackIam): Promise<CompiledStack> {
  const roles = Object.values(stackIam.functions).map((f) => f.role.policies.flatMap((p) => p.statements));
  const keyPolicies = Object.values(stackIam.keys).map((k) => k.policy);
  const catalog = await ActionCatalog.load([
    ...REQUEST_SERVICES,
    ...[...roles, ...keyPolicies].flatMap((statements) => ActionCatalog.servicesOf(statements)),
  ]);
  const keys = new Map(
    Object.values(stackIam.keys).map((k) => [
      k.arn,
      compilePolicy(k.policy, catalog, { kind: 'resource', name: `key policy of ${k.logicalId}` }),
    ]),
  );
  const principals = new Map<string, Principal>();
  for (const [name, fn] of Object.entries(stackIam.functions)) {
    const statements = fn.role.policies.flatMap((p) => p.statements);
    principals.set(name, {
      caller: {
        account: stackIam.account,
        roleArn: fn.role.arn,
        sessionArn: `arn:${stackIam.partition}:sts::${stackIam.account}:assumed-role/${fn.role.name}/${name}`,
      },
      identity: compilePolicy(statements, catalog, { name: `role ${fn.role.name} of ${name}` }),
      decisions: new Map(),
    });
  }
  return { catalog, keys, principals };
}

/**
 * The decision for one request, cached per principal under the request's action, resource and the
 * context keys the policies read (any other key cannot change it).
 */
function decide({ catalog, keys }: CompiledStack, p: Principal, request: IamRequest): Decision {
  const kms = request.action.startsWith('kms:');
  const keyPolicy = kms ? keys.get(request.resource) : undefined;
  const relevant = (k: string) =>
    p.identity.conditionKeys.has(k.toLowerCase()) || !!keyPolicy?.conditionKeys.has(k.toLowerCase());
  const context = Object.entries(request.context ?? {}).filter(([k]) => relevant(k));
  const undetermined = (request.undetermined ?? []).filter(relevant);
  const cacheKey = JSON.stringify([request.action, request.resource, context, undetermined]);
  const cached = p.decisions.get(cacheKey);
  if (cached) return cached;
  if (!catalog.has(request.action)) throw new IamPolicyError(`${request.action} is not an IAM action`);
  let decision: Decision;
  if (!kms) decision = { verdict: evaluate(p.identity, request), policyType: 'identity' };
  else if (keyPolicy) decision = evaluateKms(p.identity, keyPolicy, p.caller, request);
  // A key that is not the stack's: its key policy is unknown here, so nothing grants access to it.
  else decision = { verdict: 'ImplicitlyDenied', policyType: 'resource' };
  if (p.decisions.size >= MAX_CACHED) p.decisions.clear();
  p.decisions.set(cacheKey, decision);
  return decision;
}

function guardPlugin<Input extends object, Output extends object>(
  check: IamGuard['check'],
  functionNameOf: () => string | undefined,
): Pluggable<Input, Output> {
  const middleware: InitializeMiddleware<Input, Output> = (next, context) => async (args) => {
    const functionName = functionNameOf();
    if (functionName !== undefined) {
      check(functionName, context.clientName ?? '', context.commandName ?? '', args.input);
    }
    return next(args);
  };
  const options = { step: 'initialize', name: 'ladderIamGuard', priority: 'high', override: true } as const;
  return { applyToStack: (stack: MiddlewareStack<Input, Output>) => stack.add(middleware, options) };
}

/**
 * A guard for the stack's functions. Compiles every role and key policy first: a policy the evaluator
 * cannot enforce, or an unknown action in one, throws here (IamPolicyError), before any call is made.
 */
export async function createIamGuard(stackIam: StackIam, options: IamGuardOptions = {}): Promise<IamGuard> {
  const env: RequestEnvironment = requestEnvironment(stackIam, options);
  const compiled = await compileStack(stackIam);
  const principalOf = (functionName: string): Principal => {
    const principal = compiled.principals.get(functionName);
    if (!principal) throw new Error(`IAM guard: "${functionName}" is not a function of the stack`);
    return principal;
  };
  const check = (functionName: string, service: string, commandName: string, input: unknown): void => {
    const principal = principalOf(functionName);
    for (const request of iamRequests(env, service, commandName, input)) {
      const decision = decide(compiled, principal, request);
      if (decision.verdict === 'Allowed') continue;
      const denial = denialOf(serviceOf(service));
      throw denial.create(message(principal, denial, request, decision), { httpStatusCode: denial.status });
    }
  };
  return {
    check,
    authorize: (functionName, request) => decide(compiled, principalOf(functionName), request),
    middleware: (functionNameOf) => guardPlugin(check, functionNameOf),
  };
}
