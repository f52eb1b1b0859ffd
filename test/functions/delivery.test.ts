import { gzipSync } from 'node:zlib';
import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MessageRef } from '../../functions/adapters/case-store.js';
import { createDeliveryCore } from '../../functions/delivery/core.js';
import { reportsOf } from '../../functions/delivery/handler.js';
import type { CaseRecord } from '../../functions/domain/case.js';
import { verifyChain } from '../../functions/domain/ledger.js';
import { bundledPolicies } from '../../functions/domain/policies.js';
import { borrowerRows, db, fixedClock, kase, ledgerWriter, PHONE, stores } from './fixtures.js';

const ddb = mockClient(db);
afterEach(() => ddb.reset());

/** A CloudWatch Logs subscription event, as SNS's delivery-status log group sends one. */
const smsLog = (messageId: string, status: 'SUCCESS' | 'FAILURE') => ({
  awslogs: {
    data: gzipSync(
      JSON.stringify({
        messageType: 'DATA_MESSAGE',
        logEvents: [
          {
            id: '1',
            timestamp: Date.parse('2026-12-11T01:00:05Z'),
            message: JSON.stringify({
              notification: { messageId, timestamp: '2026-12-11 01:00:00.000' },
              delivery: { destination: PHONE, providerResponse: 'Phone carrier has blocked this message' },
              status,
            }),
          },
        ],
      }),
    ).toString('base64'),
  },
});

describe('delivery reports: what the providers send, in one shape', () => {
  it('an SNS SMS delivery-status log line, delivered or not, without the phone number', () => {
    expect(reportsOf(smsLog('sms-1', 'SUCCESS'))).toEqual([
      { ref: 'sms-1', channel: 'SMS', status: 'DELIVERED', at: '2026-12-11T01:00:05.000Z' },
    ]);
    const failed = reportsOf(smsLog('sms-2', 'FAILURE'));
    expect(failed).toEqual([
      {
        ref: 'sms-2',
        channel: 'SMS',
        status: 'UNDELIVERED',
        at: '2026-12-11T01:00:05.000Z',
        reason: 'Phone carrier has blocked this message',
      },
    ]);
    expect(JSON.stringify(failed)).not.toContain(PHONE);
  });

  it("SES's Delivery and Bounce settle an e-mail; a complaint or an open says nothing about delivery", () => {
    const ses = (eventType: string, extra: object) => ({
      source: 'aws.ses',
      'detail-type': 'x',
      detail: { eventType, mail: { messageId: 'mail-1', timestamp: '2026-12-11T01:00:00Z' }, ...extra },
    });
    expect(reportsOf(ses('Delivery', { delivery: { timestamp: '2026-12-11T01:00:09Z' } }))).toEqual([
      { ref: 'mail-1', channel: 'EMAIL', status: 'DELIVERED', at: '2026-12-11T01:00:09Z' },
    ]);
    expect(
      reportsOf(ses('Bounce', { bounce: { bounceType: 'Permanent', timestamp: '2026-12-11T01:00:03Z' } })),
    ).toEqual([
      {
        ref: 'mail-1',
        channel: 'EMAIL',
        status: 'UNDELIVERED',
        at: '2026-12-11T01:00:03Z',
        reason: 'Permanent',
      },
    ]);
    expect(reportsOf(ses('Complaint', {}))).toEqual([]);
    expect(reportsOf(ses('Open', {}))).toEqual([]);
  });

  it("the print vendor's LetterDispatched; anything else is refused", () => {
    const letter = {
      'detail-type': 'LetterDispatched',
      detail: { letterKey: 'L-1#1#5#LETTER', dispatchedAt: '2026-12-12T08:00:00Z' },
    };
    expect(reportsOf(letter)).toEqual([
      { ref: 'L-1#1#5#LETTER', channel: 'LETTER', status: 'DISPATCHED', at: '2026-12-12T08:00:00Z' },
    ]);
    expect(() => reportsOf({ hello: 'world' })).toThrow(/not a delivery report/);
  });
});

describe('delivery core: reports on the delivery chain, and notices that count from delivery', () => {
  const message = (ref: string, extra: Partial<MessageRef> = {}): MessageRef => ({
    ref,
    borrowerId: 'B-1',
    loanId: 'L-1',
    cycle: 1,
    stage: 'D+28',
    channel: 'SMS',
    seq: 6,
    sentAt: '2026-12-11T01:00:00.000Z',
    policyId: 'default',
    policyVersion: 1,
    rulePackId: 'CN',
    rulePackVersion: '2026.2',
    noticeFor: 'FIELD_VISIT',
    ...extra,
  });
  const noticed: CaseRecord = {
    ...kase,
    noticesSent: { FIELD_VISIT: { at: '2026-12-11T01:00:00.000Z', refs: ['sms-1', 'L-1#1#6#LETTER'] } },
  };
  const core = () =>
    createDeliveryCore({
      cases: stores.cases,
      ledger: stores.ledger,
      writer: ledgerWriter(),
      policies: bundledPolicies(),
      clock: fixedClock('2026-12-11T01:01:00Z'),
    });
  const putsTo = (table: string) =>
    ddb
      .commandCalls(PutCommand)
      .filter((c) => c.args[0].input.TableName === table)
      .map((c) => c.args[0].input.Item);
  const known = (m: MessageRef, chain: unknown[] = []) => {
    ddb
      .on(QueryCommand, { TableName: 'Cases', ExpressionAttributeValues: { ':pk': `MSG#${m.ref}` } })
      .resolves({
        Items: [{ pk: `MSG#${m.ref}`, sk: 'MSG', rev: 1, doc: m }],
      });
    ddb
      .on(QueryCommand, { TableName: 'Cases', ExpressionAttributeValues: { ':pk': 'BORROWER#B-1' } })
      .resolves({
        Items: borrowerRows(noticed),
      });
    ddb.on(QueryCommand, { TableName: 'Ledger' }).resolves({ Items: chain as never[] });
  };
  beforeEach(() => {
    ddb.on(QueryCommand).resolves({ Items: [] });
    ddb.on(PutCommand).resolves({});
  });

  it("records a delivery on the loan's delivery chain, sealed, and the notice counts from it", async () => {
    known(message('sms-1'));
    const result = await core()([
      { ref: 'sms-1', channel: 'SMS', status: 'DELIVERED', at: '2026-12-11T01:00:30.000Z' },
    ]);
    expect(result).toEqual({ recorded: 1, ignored: 0 });
    const [record] = putsTo('Ledger');
    expect(record).toMatchObject({
      ledgerId: 'L-1#1#deliveries',
      seq: 1,
      type: 'DELIVERY',
      stage: 'D+28',
      rulePackVersion: '2026.2',
      attempts: [{ channel: 'SMS', status: 'DELIVERED', providerRef: 'sms-1' }],
      detail: { reportedAt: '2026-12-11T01:00:30.000Z', contactSeq: 6 },
    });
    expect(verifyChain([record as never])).toEqual({ ok: true, records: 1 });
    expect(putsTo('Seals')).toHaveLength(1);
    const [saved] = putsTo('Cases') as Array<{ doc: CaseRecord }>;
    expect(saved?.doc.notices.FIELD_VISIT).toBe('2026-12-11T01:00:30.000Z');
    expect(saved?.doc.noticeBasis).toEqual({ FIELD_VISIT: 'DELIVERED' });
  });

  it('a letter counts from its dispatch plus the transit days; an undelivered SMS is noted, not counted', async () => {
    known(message('L-1#1#6#LETTER', { channel: 'LETTER' }));
    await core()([
      { ref: 'L-1#1#6#LETTER', channel: 'LETTER', status: 'DISPATCHED', at: '2026-12-12T08:00:00.000Z' },
    ]);
    const [letter] = putsTo('Cases') as Array<{ doc: CaseRecord }>;
    expect([letter?.doc.notices.FIELD_VISIT, letter?.doc.noticeBasis]).toEqual([
      '2026-12-15T08:00:00.000Z',
      { FIELD_VISIT: 'DISPATCHED' },
    ]);
    ddb.reset();
    ddb.on(PutCommand).resolves({});
    known(message('sms-1'));
    await core()([{ ref: 'sms-1', channel: 'SMS', status: 'UNDELIVERED', at: '2026-12-11T01:00:30.000Z' }]);
    const [sms] = putsTo('Cases') as Array<{ doc: CaseRecord }>;
    expect(sms?.doc.notices.FIELD_VISIT).toBeUndefined();
    expect(sms?.doc.noticesSent?.FIELD_VISIT?.undelivered).toEqual(['sms-1']);
  });

  it('a repeated report and a report of a message Ladder never sent change nothing', async () => {
    const m = message('sms-1', { noticeFor: undefined });
    known(m, [{ attempts: [{ channel: 'SMS', status: 'DELIVERED', providerRef: 'sms-1' }] }]);
    const again = await core()([
      { ref: 'sms-1', channel: 'SMS', status: 'DELIVERED', at: '2026-12-11T01:00:30.000Z' },
      { ref: 'someone-elses', channel: 'SMS', status: 'DELIVERED', at: '2026-12-11T01:00:30.000Z' },
    ]);
    expect(again).toEqual({ recorded: 0, ignored: 2 });
    expect(ddb.commandCalls(PutCommand)).toHaveLength(0);
  });
});
