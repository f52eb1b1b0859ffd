import cashLoan from '../../policies/cash-loan.json' with { type: 'json' };
import creditCard from '../../policies/credit-card.json' with { type: 'json' };
import defaultPolicy from '../../policies/default.json' with { type: 'json' };
import earlyCall from '../../policies/early-call.json' with { type: 'json' };
import largeBalance from '../../policies/large-balance.json' with { type: 'json' };
import { ValidationError } from './errors.js';
import { type LoadedPolicy, loadPolicy } from './policy.js';

/**
 * The policies bundled with the functions. Each function's index validates them at init, so a bad
 * policy fails the Lambda cold start, the local runtime and `cdk synth` (which renders from it).
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
  for (const policy of loaded.values()) {
    const challenger = policy.experiment?.challenger;
    if (challenger === undefined) continue;
    const target = loaded.get(challenger);
    if (!target)
      throw new ValidationError(`policy ${policy.id}: experiment.challenger: no policy "${challenger}"`);
    // A policy naming itself is caught here too: it is the target, and it has an experiment.
    if (target.experiment) {
      throw new ValidationError(
        `policy ${policy.id}: experiment.challenger: "${challenger}" must be a plain ladder`,
      );
    }
  }
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

/**
 * The first is the default. A loan that names no policy is routed by segment (policies/segments.json,
 * functions/domain/segments.ts): a credit card, an online cash loan, a large balance.
 */
export const BUNDLED_POLICIES: unknown[] = [defaultPolicy, earlyCall, creditCard, cashLoan, largeBalance];
let bundled: PolicyRegistry | undefined;
/** The bundled registry, validated once per process (every caller gets the same one). */
export const bundledPolicies = (): PolicyRegistry => {
  bundled ??= policyRegistry(BUNDLED_POLICIES);
  return bundled;
};
