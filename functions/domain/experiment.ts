import { draw } from './draw.js';
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
  return draw(`${experiment.seed}:${loanId}`) < experiment.split
    ? { policyId: experiment.challenger, arm: 'challenger' }
    : { policyId: policy.id, arm: 'champion' };
}
