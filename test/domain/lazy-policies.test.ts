import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../functions/domain/errors.js';
import { lazyPolicyRegistry, policyRegistry } from '../../functions/domain/policies.js';
import { rawPolicy } from './fixtures.js';

/**
 * The functions' registry validates a policy when it is first used (off the cold start), with the
 * same results as the eager registry once asked: the same policies, the same refusals.
 */
type Json = Record<string, unknown>;
const challenger = (id: string, experiment: Json) => ({ ...rawPolicy(), id, experiment });
const plain = (id: string) => ({ ...rawPolicy(), id });
const broken = (id: string) => ({ ...rawPolicy(), id, stages: [] });
const split = { split: 0.5, seed: 's' };

describe('lazyPolicyRegistry', () => {
  it('validates nothing until asked: a broken policy fails only when it is used', () => {
    const registry = lazyPolicyRegistry([plain('a'), broken('bad')]);
    expect(registry.defaultId).toBe('a');
    expect(registry.get('a').id).toBe('a');
    expect(() => registry.get('bad')).toThrow(ValidationError);
    expect(() => registry.all()).toThrow(ValidationError);
    // The eager registry refuses the same list at once.
    expect(() => policyRegistry([plain('a'), broken('bad')])).toThrow(ValidationError);
  });

  it('gives what the eager registry gives, validated once', () => {
    const list = [challenger('a', { challenger: 'b', ...split }), plain('b')];
    const lazy = lazyPolicyRegistry(list);
    expect(lazy.get('a')).toBe(lazy.get('a'));
    expect(lazy.get('a')).toEqual(policyRegistry(list).get('a'));
    expect(lazy.all().map((p) => p.id)).toEqual(['a', 'b']);
    expect(() => lazy.get('c')).toThrow('unknown policy "c"');
  });

  it("checks an experiment's challenger when the policy is first used: missing, itself, or a cycle", () => {
    expect(() => lazyPolicyRegistry([challenger('a', { challenger: 'b', ...split })]).get('a')).toThrow(
      'policy a: experiment.challenger: no policy "b"',
    );
    expect(() => lazyPolicyRegistry([challenger('a', { challenger: 'a', ...split })]).get('a')).toThrow(
      'policy a: experiment.challenger: "a" must be a plain ladder',
    );
    const cycle = lazyPolicyRegistry([
      challenger('a', { challenger: 'b', ...split }),
      challenger('b', { challenger: 'a', ...split }),
    ]);
    expect(() => cycle.get('a')).toThrow('policy b: experiment.challenger: "a" must be a plain ladder');
    expect(() => cycle.get('b')).toThrow('policy a: experiment.challenger: "b" must be a plain ladder');
  });

  it('refuses an empty list, and validates at once a policy without an id', () => {
    expect(() => lazyPolicyRegistry([])).toThrow('no policy');
    expect(() => lazyPolicyRegistry([{ ...rawPolicy(), id: undefined }])).toThrow(ValidationError);
  });
});
