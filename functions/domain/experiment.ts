import { createHash } from 'node:crypto';
import type { LadderPolicy } from './policy.js';

/**
 * Champion/challenger: a policy may name a challenger ladder and the share of loans it gets. The
 * assignment is random across loans but reproducible per loan (a hash of the experiment's seed and
 * the loan id), so a redelivered event, a replay or a simulation puts the loan in the same arm.
 */
export type Arm = 'champion' | 'challenger';

export function assignArm(policy: LadderPolicy, loanId: string): { policyId: string; arm?: Arm } {
  const experiment = policy.experiment;
  if (!experiment) return { policyId: policy.id };
  const draw = createHash('sha256').update(`${experiment.seed}:${loanId}`).digest().readUInt32BE(0) / 2 ** 32;
  return draw < experiment.split
    ? { policyId: experiment.challenger, arm: 'challenger' }
    : { policyId: policy.id, arm: 'champion' };
}
