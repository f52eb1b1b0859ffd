import type { LedgerRecord } from '../domain/ledger.js';
import type { LadderPolicy } from '../domain/policy.js';
import { RULE_PACKS, type RulePack, type RulePackId, resolveRulePack } from '../domain/rulepacks.js';
import type { PolicyLookup } from './types.js';

/**
 * The record's policy, or undefined when the registry does not know it: its id, or that version of
 * it (a record decided by a scenario's override of `default` names the override's content hash, and
 * is not judged by the bundled `default`).
 */
export function policyOf(policies: PolicyLookup, record: LedgerRecord): LadderPolicy | undefined {
  try {
    const policy = policies.get(record.policyId);
    return policy.version === record.policyVersion ? policy : undefined;
  } catch {
    return undefined;
  }
}

/** How a violation names a record's policy: `"default" v1`, or with its content hash. */
export const policyNamed = (record: LedgerRecord): string =>
  `"${record.policyId}" ${typeof record.policyVersion === 'number' ? `v${record.policyVersion}` : record.policyVersion}`;

const isPackId = (id: string): id is RulePackId => Object.hasOwn(RULE_PACKS, id);

/**
 * The numbers a record is judged by: the pack it names, with its policy's overrides when its
 * version says `+lender`. Only the current version of each pack is kept as data, so a record
 * decided under an older version is judged by the current numbers (its own version is still what a
 * violation names). A string says why no pack could be had.
 */
export function packOf(record: LedgerRecord, policy: LadderPolicy | undefined): RulePack | string {
  const id = record.rulePackId;
  if (!isPackId(id)) return `rule pack "${id}" unknown`;
  if (!record.rulePackVersion.endsWith('+lender')) return RULE_PACKS[id];
  if (!policy) return `policy ${policyNamed(record)} unknown: its rule overrides cannot be read`;
  try {
    return resolveRulePack(id, policy.ruleOverrides);
  } catch (error) {
    return `policy "${record.policyId}": ${(error as Error).message}`;
  }
}
