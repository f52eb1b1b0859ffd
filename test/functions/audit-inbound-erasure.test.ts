import { ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, PutCommand, QueryCommand, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { SNSEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { logger, metrics } from '../../functions/adapters/powertools.js';
import { buildAuditHandler } from '../../functions/audit/handler.js';
import type { BorrowerProfile } from '../../functions/domain/case.js';
import { chain, GENESIS_HASH, type LedgerRecord } from '../../functions/domain/ledger.js';
import { bundledPolicies } from '../../functions/domain/policies.js';
import { type LedgerSeal, seal } from '../../functions/domain/seal.js';
import { buildErasureHandler } from '../../functions/erasure/handler.js';
import { createEventsCore } from '../../functions/events/core.js';
import { buildInboundSmsHandler } from '../../functions/inbound-sms/handler.js';
import {
  borrowerRows,
  db,
  fixedClock,
  kase,
  lambdaContext,
  PHONE,
  profile,
  sealKey,
  stores,
} from './fixtures.js';

const ddb = mockClient(db);
afterEach(() => {
  ddb.reset();
  vi.restoreAllMocks();
});

const records = (loanId: string, n: number): LedgerRecord[] => {
  const out: LedgerRecord[] = [];
  let head = { seq: 0, hash: GENESIS_HASH };
  for (let i = 0; i < n; i++) {
    const r = chain(head, {
      ledgerId: `${loanId}#1`,
      loanId,
      cycle: 1,
      type: 'CONTACT',
      at: '2026-12-11T01:00:00.000Z',
      stage: `D+${i}`,
      policyId: 'default',
      policyVersion: 1,
      rulePackId: 'CN',
      rulePackVersion: '2026.1',
      attempts: [],
    });
    out.push(r);
    head = r;
  }
  return out;
};

const sealsOf = (rs: LedgerRecord[]): Promise<LedgerSeal[]> =>
  Promise.all(rs.map((r) => seal(sealKey, r, r.at)));

describe('audit Lambda', () => {
  const handler = () =>
    buildAuditHandler({
      ledger: stores.ledger,
      seals: stores.seals,
      key: sealKey,
      clock: fixedClock('2026-12-20T00:00:00Z'),
      cases: stores.cases,
      policies: bundledPolicies(),
    });
  beforeEach(() => {
    ddb.on(ScanCommand, { TableName: 'Seals' }).resolves({ Items: [] });
  });

  it('scans every page, verifies every chain, logs each broken one by loan and seq and emits LedgerChainsBroken', async () => {
    const [a0, a1, a2] = records('L-A', 3) as [LedgerRecord, LedgerRecord, LedgerRecord];
    const [b0, b1] = records('L-B', 2) as [LedgerRecord, LedgerRecord];
    const tampered = { ...b1, stage: 'D+99' };
    ddb
      .on(ScanCommand, { TableName: 'Ledger' })
      .resolvesOnce({ Items: [a0, a1, b0], LastEvaluatedKey: { ledgerId: 'L-B#1', seq: 1 } })
      .resolvesOnce({ Items: [tampered, a2] });
    ddb.on(ScanCommand, { TableName: 'Seals' }).resolves({ Items: await sealsOf([a0, a1, a2, b0, b1]) });
    const errors = vi.spyOn(logger, 'error');
    const added = vi.spyOn(metrics, 'addMetric');

    const result = await handler()({}, lambdaContext);

    expect(result).toEqual({
      chains: 2,
      records: 5,
      brokenChains: 1,
      broken: [{ ledgerId: 'L-B#1', loanId: 'L-B', seq: 2, problem: 'content was edited' }],
      // The records are a week old: the previous UTC day has none to check.
      compliance: {
        records: 0,
        sentAttempts: 0,
        violations: 0,
        since: '2026-12-19T00:00:00.000Z',
        until: '2026-12-20T00:00:00.000Z',
      },
      violations: [],
      elapsedMs: expect.any(Number),
    });
    expect(ddb).toHaveReceivedCommandTimes(ScanCommand, 3);
    expect(ddb).toHaveReceivedNthCommandWith(ScanCommand, 2, {
      TableName: 'Ledger',
      ExclusiveStartKey: { ledgerId: 'L-B#1', seq: 1 },
    });
    expect(errors).toHaveBeenCalledWith('ledger chain broken', {
      loanId: 'L-B',
      ledgerId: 'L-B#1',
      seq: 2,
      problem: 'content was edited',
    });
    expect(added).toHaveBeenCalledWith('LedgerChainsBroken', 'Count', 1);
  });

  it('emits LedgerChainsBroken 0 on a clean ledger (the alarm sees the audit ran)', async () => {
    const clean = records('L-A', 4);
    ddb.on(ScanCommand, { TableName: 'Ledger' }).resolves({ Items: clean });
    ddb.on(ScanCommand, { TableName: 'Seals' }).resolves({ Items: await sealsOf(clean) });
    const added = vi.spyOn(metrics, 'addMetric');
    const result = await handler()({}, lambdaContext);
    expect(result.brokenChains).toBe(0);
    expect(added).toHaveBeenCalledWith('LedgerChainsBroken', 'Count', 0);
  });

  it('a chain re-hashed after an edit verifies as a chain but no longer matches its seals', async () => {
    const original = records('L-A', 3);
    const rewritten = records('L-A', 3).map((r) => r);
    const [r0] = original as [LedgerRecord];
    const { seq: _s, prevHash: _p, hash: _h, ...content } = original[1] as LedgerRecord;
    const forged = chain(r0, { ...content, stage: 'D+99' });
    const { seq: _s2, prevHash: _p2, hash: _h2, ...content2 } = original[2] as LedgerRecord;
    rewritten.splice(1, 2, forged, chain(forged, content2));
    ddb.on(ScanCommand, { TableName: 'Ledger' }).resolves({ Items: rewritten });
    ddb.on(ScanCommand, { TableName: 'Seals' }).resolves({ Items: await sealsOf(original) });
    const result = await handler()({}, lambdaContext);
    expect(result.broken).toEqual([
      {
        ledgerId: 'L-A#1',
        loanId: 'L-A',
        seq: 2,
        problem: 'does not match its seal: the chain was rewritten',
      },
    ]);
  });

  it('scans one segment of both tables when asked, and rejects half a segment spec', async () => {
    ddb.on(ScanCommand).resolves({ Items: [] });
    await handler()({ segment: 2, totalSegments: 4 }, lambdaContext);
    expect(ddb).toHaveReceivedCommandWith(ScanCommand, { TableName: 'Ledger', Segment: 2, TotalSegments: 4 });
    expect(ddb).toHaveReceivedCommandWith(ScanCommand, { TableName: 'Seals', Segment: 2, TotalSegments: 4 });
    await expect(handler()({ segment: 2 }, lambdaContext)).rejects.toMatchObject({ name: 'ValidationError' });
  });

  it('a throttled Scan is a TransientError (the invocation is retried), not a clean report', async () => {
    ddb
      .on(ScanCommand)
      .rejects(new ProvisionedThroughputExceededException({ message: 'slow', $metadata: {} }));
    await expect(handler()({}, lambdaContext)).rejects.toMatchObject({ name: 'TransientError' });
  });
});

describe('inbound SMS Lambda', () => {
  const callbacks = { succeed: async () => ({ delivered: false }) };
  const handler = () =>
    buildInboundSmsHandler({
      contacts: stores.contacts,
      events: createEventsCore({
        cases: stores.cases,
        callbacks,
        clock: fixedClock('2026-12-12T02:00:00Z'),
        policies: bundledPolicies(),
      }),
      clock: fixedClock('2026-12-12T02:00:00Z'),
    });
  const sns = (...messages: unknown[]): SNSEvent =>
    ({
      Records: messages.map((m) => ({
        Sns: { Message: typeof m === 'string' ? m : JSON.stringify(m) },
      })),
    }) as unknown as SNSEvent;
  const reply = (body: string) => ({
    originationNumber: PHONE,
    destinationNumber: '+8610690000',
    messageBody: body,
    inboundMessageId: 'in-1',
  });

  beforeEach(() => {
    ddb.on(QueryCommand, { IndexName: 'byPhone' }).resolves({ Items: [{ borrowerId: 'B-1', phone: PHONE }] });
    ddb.on(QueryCommand, { TableName: 'Cases' }).resolves({ Items: borrowerRows() });
    ddb.on(PutCommand).resolves({});
  });

  it('"退订" from a number opts its borrower out of SMS, found through the byPhone index', async () => {
    const result = await handler()(sns(reply('退订')), lambdaContext);
    expect(result).toEqual({ optOuts: 1, optIns: 0, items: 0 });
    expect(ddb).toHaveReceivedCommandWith(QueryCommand, {
      TableName: 'Contacts',
      IndexName: 'byPhone',
      ExpressionAttributeValues: { ':phone': PHONE },
    });
    const saved = ddb
      .commandCalls(PutCommand)
      .map((c) => c.args[0].input.Item?.doc as BorrowerProfile)
      .find((d) => d?.optOuts);
    expect(saved?.optOuts).toEqual({ SMS: '2026-12-12T02:00:00.000Z' });
  });

  it('"START" from a number opts its borrower back in to SMS', async () => {
    ddb.on(QueryCommand, { TableName: 'Cases' }).resolves({
      Items: borrowerRows(undefined, { ...profile, optOuts: { SMS: '2026-12-01T00:00:00.000Z' } }),
    });
    const result = await handler()(sns(reply('Start')), lambdaContext);
    expect(result).toEqual({ optOuts: 0, optIns: 1, items: 0 });
    const saved = ddb
      .commandCalls(PutCommand)
      .map((c) => c.args[0].input.Item?.doc as BorrowerProfile)
      .find((d) => d?.optOuts);
    expect(saved?.optOuts).toEqual({});
    expect(saved?.optIns).toEqual({ SMS: '2026-12-12T02:00:00.000Z' });
  });

  it('any other reply changes nothing and looks nobody up', async () => {
    const result = await handler()(sns(reply('I will pay on Friday')), lambdaContext);
    expect(result).toEqual({ optOuts: 0, optIns: 0, items: 0 });
    expect(ddb.calls()).toHaveLength(0);
  });

  it('a malformed message is logged by field (not its content) and skipped, the next one still applied', async () => {
    const warn = vi.spyOn(logger, 'warn');
    const added = vi.spyOn(metrics, 'addMetric');
    const result = await handler()(
      sns('not json', { ...reply('STOP'), originationNumber: '138 0013 8000' }, reply('STOP')),
      lambdaContext,
    );
    expect(result).toEqual({ optOuts: 1, optIns: 0, items: 0 });
    expect(added.mock.calls.filter(([name]) => name === 'InboundSmsRejected')).toHaveLength(2);
    expect(JSON.stringify(warn.mock.calls)).not.toContain('138 0013 8000');
  });

  it('an unknown number opts nobody out', async () => {
    ddb.on(QueryCommand, { IndexName: 'byPhone' }).resolves({ Items: [] });
    expect(await handler()(sns(reply('STOP')), lambdaContext)).toEqual({ optOuts: 0, optIns: 0, items: 0 });
    expect(ddb.commandCalls(PutCommand)).toHaveLength(0);
  });
});

describe('erasure Lambda', () => {
  const handler = () =>
    buildErasureHandler({
      cases: stores.cases,
      contacts: stores.contacts,
      conversations: stores.conversations,
      tasks: stores.tasks,
      callbacks: { succeed: async () => ({ delivered: true }) },
      clock: fixedClock('2026-12-12T02:00:00Z'),
      policies: bundledPolicies(),
    });
  const erasure = {
    'detail-type': 'BorrowerErasureRequested',
    detail: { borrowerId: 'B-1', at: '2026-12-12T02:00:00Z' },
  };

  it('withdraws the call task an agent has open, so nobody calls an erased borrower', async () => {
    const withTask = {
      ...kase,
      openTask: { taskId: 'T-1', queue: 'agent-calls' as const },
      waitToken: 'tok',
    };
    ddb.on(QueryCommand).resolves({ Items: borrowerRows(withTask) });
    ddb.on(PutCommand).resolves({});
    ddb.on(UpdateCommand).resolves({});
    ddb.on(DeleteCommand).resolves({});
    expect(await handler()(erasure as never, lambdaContext)).toEqual({ applied: true });
    expect(ddb).toHaveReceivedCommandWith(UpdateCommand, { TableName: 'Tasks', Key: { taskId: 'T-1' } });
  });

  it('erases the contact item of BorrowerErasureRequested', async () => {
    ddb.on(QueryCommand).resolves({ Items: borrowerRows() });
    ddb.on(PutCommand).resolves({});
    ddb.on(DeleteCommand).resolves({});
    const event = {
      'detail-type': 'BorrowerErasureRequested',
      detail: { borrowerId: 'B-1', at: '2026-12-12T02:00:00Z' },
    };
    expect(await handler()(event as never, lambdaContext)).toEqual({ applied: true });
    expect(ddb).toHaveReceivedCommandWith(DeleteCommand, {
      TableName: 'Contacts',
      Key: { borrowerId: 'B-1' },
    });
  });

  it('takes no other event', async () => {
    const event = {
      'detail-type': 'BorrowerOptedOut',
      detail: { borrowerId: 'B-1', channel: 'SMS', at: '2026-12-12T02:00:00Z' },
    };
    await expect(handler()(event as never, lambdaContext)).rejects.toMatchObject({ name: 'ValidationError' });
    expect(ddb.calls()).toHaveLength(0);
  });
});
