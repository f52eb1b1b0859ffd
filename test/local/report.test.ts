import { describe, expect, it } from 'vitest';
import { formatSummary } from '../../local/report.js';
import type { Summary } from '../../local/simulate.js';

/** The summary's first line names what decided: the one policy, or each policy the segments chose. */
describe('formatSummary', () => {
  const summary = (loansByPolicy: Record<string, number>) =>
    ({
      seed: 42,
      rulePack: 'CN',
      policy: 'default',
      policyVersion: 2,
      loansByPolicy,
      loans: 3,
      finalStatus: { CURED: 3 },
      perStage: {},
      executions: { SUCCEEDED: 3 },
      executionDays: { mean: 1, max: 1 },
      stateTransitionsPerLoan: 1,
      ddbRequestsPerLoan: 1,
      lambdaInvocationsPerLoan: 1,
      automatedStage: { transitions: 3, ddbRequests: 1 },
      costPer1000LoansUSD: { total: 1, stepFunctions: 1, lambda: 0, dynamodb: 0, ses: 0, sns: 0 },
      virtualDays: 5,
    }) as unknown as Summary;

  it('one policy: its id', () => {
    const first = formatSummary(summary({ default: 3 }), 1, 'v24.0.0').split('\n')[0];
    expect(first).toBe('Ladder run: 3 loans, policy "default", rule pack CN, seed 42');
  });

  it('several, as the segment routing chose them: each with its loans', () => {
    const first = formatSummary(summary({ default: 2, 'large-balance': 1 }), 1, 'v24.0.0').split('\n')[0];
    expect(first).toBe(
      'Ladder run: 3 loans, policies by segment "default" 2, "large-balance" 1, rule pack CN, seed 42',
    );
  });
});
