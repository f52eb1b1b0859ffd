import defaultPolicy from '../../policies/default.json' with { type: 'json' };
import { ValidationError } from './errors.js';
import { type LoadedPolicy, loadPolicy } from './policy.js';

/**
 * The policies bundled with the functions. They are validated when this module loads, so a bad
 * policy fails the Lambda cold start, the local runtime and `cdk synth` (which renders from it).
 */
export interface PolicyRegistry {
  get(id: string): LoadedPolicy;
  readonly defaultId: string;
}

export function policyRegistry(policies: unknown[]): PolicyRegistry {
  const loaded = new Map(policies.map((raw) => loadPolicy(raw)).map((p) => [p.id, p]));
  const first = loaded.keys().next().value;
  if (first === undefined) throw new ValidationError('no policy');
  return {
    defaultId: first,
    get(id) {
      const policy = loaded.get(id);
      if (!policy) throw new ValidationError(`unknown policy "${id}"`);
      return policy;
    },
  };
}

export const bundledPolicies = (): PolicyRegistry => policyRegistry([defaultPolicy]);
