import { createHash } from 'node:crypto';
import { DateTime } from 'luxon';
import { beforeAll, describe, expect, it } from 'vitest';
import type { LedgerRecord } from '../../functions/domain/ledger.js';
import { parseScenario } from '../../local/scenario.js';
import { type SimulationResult, simulate } from '../../local/simulate.js';
import defaultPolicy from '../../policies/default.json' with { type: 'json' };
import { borrower } from '../borrower.js';

/**
 * Two things a ledger must say about what decided: a loan that came in after its due date has a
 * record for the pre-due stage it skipped, and its catch-up stages go out a day apart (the default
 * policy's minStageSpacingDays, 1), not seconds apart; and a scenario's own policy is named in every
 * record and in the result by its own id and version, or by its content hash, never as `default` 1.
 */
const SHANGHAI = 'Asia/Shanghai';
const loan = (loanId: string, extra: Record<string, unknown> = {}) => ({
  loanId,
  amountDue: '500.00',
  currency: 'CNY',
  dueDate: '2026-12-10',
  borrower: { ...borrower, borrowerId: `B-${loanId}` },
  events: [],
  ...extra,
});
const local = (iso: string) => DateTime.fromISO(iso, { zone: SHANGHAI }).toFormat('yyyy-MM-dd HH:mm');
const chainOf = (r: SimulationResult, loanId: string): LedgerRecord[] => r.ledgers.get(loanId) ?? [];

describe('a loan sent in late (its due date already past)', () => {
  let result: SimulationResult;
  beforeAll(async () => {
    // Delivered at D+4 10:00 borrower time: D-3, D+1 and D+3 are all past.
    const scenario = parseScenario({
      loans: [loan('late', { deliveredAt: '2026-12-14T10:00:00+08:00' })],
    });
    result = await simulate(scenario, { iam: false });
  }, 120_000);

  it('records the pre-due stage it skipped (SKIP, SKIPPED_LATE) before anything is sent', () => {
    const chain = chainOf(result, 'late');
    const first = chain[0];
    expect(first?.type).toBe('SKIP');
    expect(first?.stage).toBe('D-3');
    expect(first?.detail).toEqual({ reason: 'SKIPPED_LATE' });
    expect(first?.attempts.length).toBeGreaterThan(0);
    expect(first?.attempts.every((a) => a.status === 'SKIPPED' && a.reason === 'SKIPPED_LATE')).toBe(true);
    expect(local(first?.at ?? '')).toBe('2026-12-14 10:00');
    const stages = result.summary.perStage['D-3'];
    expect(stages?.skipped).toEqual({ SKIPPED_LATE: first?.attempts.length });
    expect(stages?.contacted).toBe(0);
  });

  it('sends the overdue notices it missed one day apart, at the stage time, then keeps to the ladder', () => {
    const sent = (stage: string) =>
      chainOf(result, 'late').find((r) => r.stage === stage && r.attempts.some((a) => a.status === 'SENT'));
    // D+1 (due on the 11th) at once, on arrival; D+3 (due on the 13th) the next day at 09:00, not
    // seconds later; D+7 and D+15 on their own days: the spacing paces a late ladder, it does not
    // move the ladder.
    expect(local(sent('D+1')?.at ?? '')).toBe('2026-12-14 10:00');
    expect(local(sent('D+3')?.at ?? '')).toBe('2026-12-15 09:00');
    const call = chainOf(result, 'late').find((r) => r.stage === 'D+7');
    expect(local(call?.at ?? '').slice(0, 10)).toBe('2026-12-17');
    expect(local(sent('D+15')?.at ?? '')).toBe('2026-12-25 09:00');
  });
});

describe('the audit trail names the policy that decided', () => {
  const stages = defaultPolicy.stages.filter((s) => s.id !== 'D+3');
  let unversioned: SimulationResult;
  let versioned: SimulationResult;
  let plain: SimulationResult;
  beforeAll(async () => {
    unversioned = await simulate(
      parseScenario({ policy: { extends: 'default', stages }, loans: [loan('inline')] }),
      { iam: false },
    );
    versioned = await simulate(
      parseScenario({
        policy: { extends: 'default', id: 'no-d3', version: 7, stages },
        loans: [loan('own')],
      }),
      { iam: false },
    );
    plain = await simulate(parseScenario({ policy: { extends: 'default' }, loans: [loan('plain')] }), {
      iam: false,
    });
  }, 180_000);

  it('an override without a version is recorded with its content hash, in every record and the result', () => {
    const { version: _v, ...content } = { ...defaultPolicy, stages } as Record<string, unknown>;
    // An independent hash: sorted keys at every level, as JSON (the canonical form of the ledger).
    const sortKeys = (v: unknown): unknown =>
      Array.isArray(v)
        ? v.map(sortKeys)
        : v && typeof v === 'object'
          ? Object.fromEntries(
              Object.keys(v)
                .sort()
                .map((k) => [k, sortKeys((v as Record<string, unknown>)[k])]),
            )
          : v;
    const expected = `sha256:${createHash('sha256')
      .update(JSON.stringify(sortKeys(content)))
      .digest('hex')}`;
    const chain = chainOf(unversioned, 'inline');
    expect(chain.length).toBeGreaterThan(3);
    for (const record of chain) {
      expect(record.policyId).toBe('default');
      expect(record.policyVersion).toBe(expected);
    }
    expect(unversioned.summary.policyVersion).toBe(expected);
    expect(unversioned.loans[0]?.policyVersion).toBe(expected);
    expect(chain.some((r) => r.stage === 'D+3')).toBe(false);
  });

  it('an override with its own id and version is recorded as that id and version', () => {
    const chain = chainOf(versioned, 'own');
    expect(chain.length).toBeGreaterThan(3);
    expect(new Set(chain.map((r) => `${r.policyId} ${r.policyVersion}`))).toEqual(new Set(['no-d3 7']));
    expect(versioned.summary).toMatchObject({ policy: 'no-d3', policyVersion: 7 });
    expect(versioned.loans[0]).toMatchObject({ policy: 'no-d3', policyVersion: 7 });
  });

  it('extending a bundled policy and changing nothing is that policy, version and all', () => {
    const chain = chainOf(plain, 'plain');
    expect(new Set(chain.map((r) => `${r.policyId} ${r.policyVersion}`))).toEqual(
      new Set([`default ${defaultPolicy.version}`]),
    );
  });

  it("refuses a policy that claims a bundled policy's id and version with other content", async () => {
    const scenario = parseScenario({
      policy: { extends: 'default', version: defaultPolicy.version, stages },
      loans: [loan('liar')],
    });
    await expect(simulate(scenario, { iam: false })).rejects.toThrow(
      new RegExp(
        `policy default version ${defaultPolicy.version} is a bundled policy's id and version with other content`,
      ),
    );
  });
});
