import cashLoan from '../../policies/cash-loan.json' with { type: 'json' };
import creditCard from '../../policies/credit-card.json' with { type: 'json' };
import defaultPolicy from '../../policies/default.json' with { type: 'json' };
import earlyCall from '../../policies/early-call.json' with { type: 'json' };
import largeBalance from '../../policies/large-balance.json' with { type: 'json' };
import { ValidationError } from './errors.js';
import { type LoadedPolicy, loadPolicy } from './policy.js';

/**
 * The policies bundled with the functions. A bad one fails `cdk synth` (which renders every policy's
 * state machine from it) and the tests; a function validates a policy when it first uses it.
 */
export interface PolicyRegistry {
  get(id: string): LoadedPolicy;
  readonly defaultId: string;
  /** Every policy: each has its own state machine. */
  all(): LoadedPolicy[];
}

export function policyRegistry(policies: unknown[]): PolicyRegistry {
  const loaded = new Map(policies.map((raw) => loadPolicy(raw)).map((p) => [p.id, p]));
  const first = loaded.keys().next().value;
  if (first === undefined) throw new ValidationError('no policy');
  for (const policy of loaded.values())
    checkChallenger(policy, loaded.get(policy.experiment?.challenger ?? ''));
  return {
    defaultId: first,
    all: () => [...loaded.values()],
    get(id) {
      const policy = loaded.get(id);
      if (!policy) throw new ValidationError(`unknown policy "${id}"`);
      return policy;
    },
  };
}

/** A policy's experiment names a plain ladder of the registry (`target`: the policy it names, if any). */
function checkChallenger(policy: LoadedPolicy, target: LoadedPolicy | undefined): void {
  const challenger = policy.experiment?.challenger;
  if (challenger === undefined) return;
  if (!target)
    throw new ValidationError(`policy ${policy.id}: experiment.challenger: no policy "${challenger}"`);
  // A policy naming itself is caught here too: it is the target, and it has an experiment.
  if (target.experiment) {
    throw new ValidationError(
      `policy ${policy.id}: experiment.challenger: "${challenger}" must be a plain ladder`,
    );
  }
}

/**
 * The same registry, each policy validated when first asked for (with the challenger it names), and
 * all of them by `all()`. A function's cold start then validates none, and an invocation only the
 * one or two policies its loan runs (the bundled five took 25 to 40 ms to validate at every cold
 * start; docs/benchmarks.md). Every bundled policy is still validated before it deploys: `cdk synth`
 * renders each one's state machine from `all()`, and the tests load them all.
 */
export function lazyPolicyRegistry(policies: unknown[]): PolicyRegistry {
  const raw = new Map<string, unknown>();
  for (const p of policies) {
    const id = (p as { id?: unknown } | null)?.id;
    // Without an id it cannot be found lazily: validate it now, which names what is wrong.
    raw.set(typeof id === 'string' ? id : loadPolicy(p).id, p);
  }
  const first = raw.keys().next().value;
  if (first === undefined) throw new ValidationError('no policy');
  const loaded = new Map<string, LoadedPolicy>();
  // Validated, its challenger not yet checked: a policy met again here (itself, or a cycle of
  // experiments) has an experiment, so naming it fails the check.
  const checking = new Map<string, LoadedPolicy>();
  const load = (id: string): LoadedPolicy | undefined => {
    const known = loaded.get(id) ?? checking.get(id);
    if (known || !raw.has(id)) return known;
    const policy = loadPolicy(raw.get(id));
    checking.set(id, policy);
    try {
      const challenger = policy.experiment?.challenger;
      checkChallenger(policy, challenger === undefined ? undefined : load(challenger));
    } finally {
      checking.delete(id);
    }
    loaded.set(id, policy);
    return policy;
  };
  return {
    defaultId: first,
    all: () => [...raw.keys()].map((id) => load(id) as LoadedPolicy),
    get(id) {
      const policy = load(id);
      if (!policy) throw new ValidationError(`unknown policy "${id}"`);
      return policy;
    },
  };
}

/**
 * The first is the default. A loan that names no policy is routed by segment (policies/segments.json,
 * functions/domain/segments.ts): a credit card, an online cash loan, a large balance.
 */
export const BUNDLED_POLICIES: unknown[] = [defaultPolicy, earlyCall, creditCard, cashLoan, largeBalance];
let bundled: PolicyRegistry | undefined;
/** The bundled registry, each policy validated once per process on first use (every caller gets the same one). */
export const bundledPolicies = (): PolicyRegistry => {
  bundled ??= lazyPolicyRegistry(BUNDLED_POLICIES);
  return bundled;
};
