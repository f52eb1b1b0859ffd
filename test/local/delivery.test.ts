import { describe, expect, it } from 'vitest';
import type { LedgerRecord } from '../../functions/domain/ledger.js';
import { parseScenario } from '../../local/scenario.js';
import { simulate } from '../../local/simulate.js';
import { borrower } from '../borrower.js';

/**
 * Delivery truth on the local runtime: the SMS sink and the e-mail service report each message's
 * fate as SNS and SES would, the print vendor dispatches each letter a day after it is asked, and
 * every report lands on the loan's delivery chain. A notice that was not delivered does not count.
 */
const never = {
  loanId: 'L-never',
  amountDue: '1200.00',
  currency: 'CNY',
  dueDate: '2026-12-10',
  borrower,
  events: [],
};
const run = (delivery = {}) => simulate(parseScenario({ seed: 1, loans: [never] }), { delivery });
const outgoing = (records: LedgerRecord[], status: string) =>
  records.flatMap((r) => r.attempts.filter((a) => a.status === status).map((a) => a.providerRef));
const reported = (records: LedgerRecord[], status: string) => outgoing(records, status).sort();

describe('delivery truth', () => {
  it('every message sent is reported delivered, every letter requested is dispatched, on the delivery chain', async () => {
    const result = await run();
    const contacts = result.ledgers.get('L-never') ?? [];
    const deliveries = result.deliveries.get('L-never') ?? [];
    expect(deliveries.every((r) => r.type === 'DELIVERY' && r.ledgerId === 'L-never#1#deliveries')).toBe(
      true,
    );
    const sent = contacts
      .flatMap((r) => r.attempts)
      .filter((a) => a.status === 'SENT' && a.channel !== 'CALL' && a.channel !== 'VISIT');
    expect(reported(deliveries, 'DELIVERED')).toEqual(sent.map((a) => a.providerRef).sort());
    expect(reported(deliveries, 'DISPATCHED')).toEqual((outgoing(contacts, 'REQUESTED') as string[]).sort());
    expect(outgoing(contacts, 'REQUESTED').length).toBeGreaterThan(0);
    // The visit waited for its notice's delivery; the credit report names the notice it relied on.
    expect(contacts.find((r) => r.stage === 'D+30' && r.attempts[0]?.status === 'SENT')).toBeDefined();
    expect(contacts.find((r) => r.stage === 'D+90')?.detail).toEqual({
      report: 'CREDIT_BUREAU',
      notice: 'DELIVERED',
    });
  });

  it('notices that are not delivered do not count: the visit is blocked; a dispatched letter still counts', async () => {
    const result = await run({ undeliveredEvery: 1 });
    const contacts = result.ledgers.get('L-never') ?? [];
    expect(contacts.filter((r) => r.stage === 'D+30').flatMap((r) => r.attempts)).toEqual([
      { channel: 'VISIT', status: 'BLOCKED', reason: 'FIELD_VISIT_NOTICE_NOT_DELIVERED' },
    ]);
    // The credit notice went by e-mail (bounced) and by letter (dispatched, then the transit days).
    expect(contacts.find((r) => r.stage === 'D+90')?.detail).toEqual({
      report: 'CREDIT_BUREAU',
      notice: 'DISPATCHED',
    });
    const deliveries = result.deliveries.get('L-never') ?? [];
    expect(outgoing(deliveries, 'DELIVERED')).toEqual([]);
    expect(outgoing(deliveries, 'UNDELIVERED').length).toBeGreaterThan(0);
  });
});
