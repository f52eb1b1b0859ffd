import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { canonical } from '../functions/domain/ledger.js';
import { BUNDLED_POLICIES, bundledPolicies, policyRegistry } from '../functions/domain/policies.js';
import { PolicySchema } from '../functions/domain/policy.js';
import { fsReason } from './cli/usage.js';
import { type Scenario, ScenarioError } from './scenario.js';

/**
 * The policy a scenario runs: the bundled default, or its own (a file path, or inline), which may
 * start from a bundled policy with `"extends": "<policy id>"`.
 *
 * Merge: one level deep. Each top-level field the scenario's policy gives replaces the parent's field
 * whole (`stages` and every other array, and objects too: `templates`, `plan`, `cureThreshold`);
 * each field it leaves out is the parent's. The scenario's `rulePack`, when given, replaces the
 * merged policy's.
 *
 * Identity, which every ledger record and the result name: a policy that gives its own `version`
 * keeps its `id` (its own, or the parent's) and that version; one that does not gets the content hash
 * of the merged policy as its version (`sha256:<64 hex>`), unless it is exactly the bundled policy
 * it extends. So the audit trail never names a policy that did not decide: an override of the
 * default without a version of its own is recorded as `default` `sha256:…`, not as `default` 1.
 */
type RawPolicy = Record<string, unknown> & { id?: unknown; version?: unknown };

/** The content hash of a policy: SHA-256 over its canonical JSON, without its version. */
export function policyContentHash(policy: RawPolicy): string {
  const { version: _version, ...content } = policy;
  return `sha256:${createHash('sha256').update(canonical(content)).digest('hex')}`;
}

const bundled = (id: unknown): RawPolicy | undefined =>
  (BUNDLED_POLICIES as RawPolicy[]).find((p) => p.id === id);

function readPolicy(given: string | Record<string, unknown>, baseDir: string): RawPolicy {
  if (typeof given !== 'string') return given;
  const file = resolve(baseDir, given);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ScenarioError(`scenario: policy ${given}: ${fsReason(error)}`);
  }
  try {
    const raw = JSON.parse(text) as unknown;
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new Error('not an object');
    return raw as RawPolicy;
  } catch (error) {
    throw new ScenarioError(`scenario: policy ${given}: not a JSON policy (${(error as Error).message})`);
  }
}

/** The merged policy with the id and version it is recorded under (see above). */
export function identify(given: RawPolicy, rulePack?: string): RawPolicy {
  const { extends: parentId, ...own } = given;
  const unknown = Object.keys(own).find((key) => !Object.hasOwn(PolicySchema().shape, key));
  if (unknown !== undefined) throw new ScenarioError(`scenario: policy.${unknown}: not a policy field`);
  const parent = parentId === undefined ? {} : bundled(parentId);
  if (!parent) throw new ScenarioError(`scenario: policy.extends: no bundled policy "${String(parentId)}"`);
  const merged: RawPolicy = { ...parent, ...own, ...(rulePack ? { rulePack } : {}) };
  const hash = policyContentHash(merged);
  const same = bundled(merged.id);
  if (typeof own.version === 'string' && own.version !== hash) {
    throw new ScenarioError(`scenario: policy.version: "${own.version}" is not its content hash (${hash})`);
  }
  if (own.version !== undefined) {
    if (same && same.version === merged.version && policyContentHash(same) !== hash) {
      throw new ScenarioError(
        `scenario: policy ${String(merged.id)} version ${String(merged.version)} is a bundled policy's id and ` +
          'version with other content: give it its own id or version, or leave version out (its content hash is used)',
      );
    }
    return merged;
  }
  if (same && policyContentHash(same) === hash) return { ...merged, version: same.version };
  return { ...merged, version: hash };
}

/**
 * The scenario's policy registry: its own policy first (the default for its loans), then the bundled
 * ones it does not replace, so an experiment can name one.
 */
export function scenarioPolicies(scenario: Scenario, baseDir = '.') {
  const isDefault = !scenario.policy && !scenario.rulePack;
  if (isDefault) {
    const registry = bundledPolicies();
    return { registry, policy: registry.get('default'), isDefault };
  }
  const given = scenario.policy === undefined ? { extends: 'default' } : readPolicy(scenario.policy, baseDir);
  const merged = identify(given, scenario.rulePack);
  const others = BUNDLED_POLICIES.filter((p) => (p as RawPolicy).id !== merged.id);
  const registry = policyRegistry([merged, ...others]);
  return { registry, policy: registry.get(String(merged.id)), isDefault };
}
