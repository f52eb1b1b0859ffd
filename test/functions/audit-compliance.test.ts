import { QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { logger, metrics } from '../../functions/adapters/powertools.js';
import { previousUtcDay } from '../../functions/audit/compliance.js';
import { buildAuditHandler } from '../../functions/audit/handler.js';
import { chain, GENESIS_HASH, type LedgerContent, type LedgerRecord } from '../../functions/domain/ledger.js';
import { bundledPolicies } from '../../functions/domain/policies.js';
import { seal } from '../../functions/domain/seal.js';
import { borrowerRows, db, fixedClock, kase, lambdaContext, profile, sealKey, stores } from './fixtures.js';

/**
 * The daily audit's compliance check: after the ledger audit, the previous UTC day's records are
 * judged, the borrowers read by Query (byLoan, then their partition), one error line per violation
 * (identifiers only) and the metric ComplianceViolations, 0 included.
 */
const ddb = mockClient(db);
afterEach(() => {
  ddb.reset();
  vi.restoreAllMocks();
});

const content = (at: string, stage: string): LedgerContent => ({
  ledgerId: 'L-1#1',
  loanId: 'L-1',
  cycle: 1,
  type: 'CONTACT',
  at,
  stage,
  policyId: 'default',
  policyVersion: 1,
  rulePackId: 'CN',
  rulePackVersion: '2026.2',
  attempts: [
    { channel: 'SMS', status: 'SENT', providerRef: `msg-${stage}`, templateId: stage, templateVersion: 1 },
  ],
});

/** L-1's chain: the D+1 SMS at 09:00 Shanghai on 11 December, and the D+3 one at `d3At`. */
const ledger = (d3At: string): LedgerRecord[] => {
  const first = chain({ seq: 0, hash: GENESIS_HASH }, content('2026-12-11T01:00:00.000Z', 'D+1'));
  return [first, chain(first, content(d3At, 'D+3'))];
};

function storeHolds(records: LedgerRecord[]) {
  ddb.on(ScanCommand, { TableName: 'Ledger' }).resolves({ Items: records });
  ddb.on(ScanCommand, { TableName: 'Seals' }).callsFake(async () => ({
    Items: await Promise.all(records.map((r) => seal(sealKey, r, r.at))),
  }));
  ddb
    .on(QueryCommand, { TableName: 'Cases', IndexName: 'byLoan' })
    .resolves({ Items: [{ borrowerId: 'B-1' }] });
  ddb
    .on(QueryCommand, { TableName: 'Cases', ExpressionAttributeValues: { ':pk': 'BORROWER#B-1' } })
    .resolves({ Items: borrowerRows(kase, profile) });
}

// The audit runs at 03:17 UTC on 14 December: it checks 13 December (UTC).
const handler = () =>
  buildAuditHandler({
    ledger: stores.ledger,
    seals: stores.seals,
    key: sealKey,
    clock: fixedClock('2026-12-14T03:17:00Z'),
    cases: stores.cases,
    policies: bundledPolicies(),
  });

describe('audit Lambda: compliance of the previous UTC day', () => {
  it('names the previous UTC day', () => {
    expect(previousUtcDay(Date.parse('2026-12-14T03:17:00Z'))).toEqual({
      since: Date.parse('2026-12-13T00:00:00Z'),
      until: Date.parse('2026-12-14T00:00:00Z'),
    });
    expect(previousUtcDay(Date.parse('2026-12-14T00:00:00Z')).since).toBe(Date.parse('2026-12-13T00:00:00Z'));
  });

  it('logs one error line per violation (identifiers only) and emits ComplianceViolations', async () => {
    // 23:30 Shanghai on 13 December: outside 08:00-22:00.
    storeHolds(ledger('2026-12-13T15:30:00.000Z'));
    const errors = vi.spyOn(logger, 'error');
    const added = vi.spyOn(metrics, 'addMetric');

    const result = await handler()({}, lambdaContext);

    expect(result.brokenChains).toBe(0);
    expect(result.compliance).toEqual({
      records: 1,
      sentAttempts: 1,
      violations: 1,
      since: '2026-12-13T00:00:00.000Z',
      until: '2026-12-14T00:00:00.000Z',
    });
    expect(result.violations.map((v) => `${v.loanId} ${v.seq} ${v.ruleId}`)).toEqual([
      'L-1 2 CN_CONTACT_HOURS',
    ]);
    expect(errors).toHaveBeenCalledWith('compliance violation', {
      loanId: 'L-1',
      cycle: 1,
      seq: 2,
      rule: 'CN_CONTACT_HOURS',
      rulePack: 'CN 2026.2',
      channel: 'SMS',
    });
    expect(added).toHaveBeenCalledWith('ComplianceViolations', 'Count', 1);
    // The cases table is read by Query only: the function may not Scan it.
    expect(ddb).not.toHaveReceivedCommandWith(ScanCommand, { TableName: 'Cases' });
    expect(ddb).toHaveReceivedCommandWith(QueryCommand, { TableName: 'Cases', IndexName: 'byLoan' });
  });

  it('emits ComplianceViolations 0 when the day was clean, and leaves other days alone', async () => {
    // 21:59 Shanghai on 13 December: inside. The 23:30 send of another day would not be checked.
    storeHolds(ledger('2026-12-13T13:59:00.000Z'));
    const added = vi.spyOn(metrics, 'addMetric');
    const errors = vi.spyOn(logger, 'error');
    const result = await handler()({}, lambdaContext);
    expect(result.compliance.violations).toBe(0);
    expect(added).toHaveBeenCalledWith('ComplianceViolations', 'Count', 0);
    expect(errors).not.toHaveBeenCalled();

    ddb.reset();
    storeHolds(ledger('2026-12-12T15:30:00.000Z'));
    expect((await handler()({}, lambdaContext)).compliance.violations).toBe(0);
  });
});
