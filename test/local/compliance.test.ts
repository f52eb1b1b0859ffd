import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditDataDir } from '../../local/audit.js';
import { parseScenario } from '../../local/scenario.js';
import { LOCAL_CREDENTIALS, LOCAL_REGION, startStore } from '../../local/services/store.js';
import { type SimulationResult, simulate } from '../../local/simulate.js';

/**
 * Acceptance of the compliance work on the real definition and handlers, on the virtual clock:
 * the US contact window over a whole ladder in many zones, an SMS opt-out by reply, and erasure.
 */
const borrower = (id: string, timeZone: string, n: number) => ({
  borrowerId: id,
  name: `Borrower ${id}`,
  phone: `+1202555${String(1000 + n)}`,
  email: `${id.toLowerCase()}@example.com`,
  timeZone,
  locale: 'en',
});
const localHour = (iso: string, zone: string) => DateTime.fromISO(iso, { zone }).hour;

describe('US rule pack over a whole ladder, borrowers in many time zones', () => {
  // Due 2027-02-25: the ladder runs into late May, across the US (14 March) and UK (28 March) clock changes.
  const zones = [
    'America/New_York',
    'America/Los_Angeles',
    'Pacific/Honolulu',
    'America/St_Johns',
    'Europe/London',
    'Asia/Kolkata',
    'Asia/Shanghai',
    'Pacific/Chatham',
  ];
  const scenario = {
    rulePack: 'US',
    loans: zones.flatMap((zone, i) => {
      const base = { amountDue: '900.00', currency: 'USD', dueDate: '2027-02-25' };
      const at = (local: string) => DateTime.fromISO(local, { zone }).toISO() as string;
      return [
        // Never pays: every stage, to the legal handoff.
        { ...base, loanId: `never-${i}`, borrower: borrower(`N${i}`, zone, i), events: [] },
        // A dispute resolved late in the evening and a promise broken at midnight: escalation resumes at
        // hours the window must push to 08:00 local.
        {
          ...base,
          loanId: `night-${i}`,
          borrower: borrower(`M${i}`, zone, 100 + i),
          events: [
            { type: 'dispute', at: at('2027-02-27T10:00') },
            { type: 'disputeResolved', inFavourOf: 'lender', at: at('2027-03-05T22:30') },
            { type: 'promiseToPay', amount: '900.00', date: '2027-03-20', onAgentCall: 1 },
          ],
        },
      ];
    }),
  };
  let result: SimulationResult;
  beforeAll(async () => {
    result = await simulate(parseScenario(structuredClone(scenario)));
  });

  it("never SENDS outside 08:00-21:00 in any borrower's local time, and defers what falls outside, naming the pack", () => {
    const zoneOf = new Map(scenario.loans.map((l) => [l.loanId, l.borrower.timeZone]));
    let sent = 0;
    for (const loan of result.loans) {
      const zone = zoneOf.get(loan.loanId) ?? 'UTC';
      for (const a of loan.attempts.filter((x) => x.status === 'SENT')) {
        sent += 1;
        const hour = localHour(a.at, zone);
        expect(hour, `${loan.loanId} ${a.stage} ${a.channel} at ${a.at} (${zone})`).toBeGreaterThanOrEqual(8);
        expect(hour, `${loan.loanId} ${a.stage} ${a.channel} at ${a.at} (${zone})`).toBeLessThan(21);
      }
    }
    expect(sent).toBeGreaterThan(100);
    const deferred = result.loans.flatMap((l) => l.attempts.filter((a) => a.status === 'DEFERRED'));
    expect(deferred.length).toBeGreaterThanOrEqual(zones.length);
    // Contact hours, and the field visit waiting out its notice: counted from the notice's delivery,
    // reported seconds after it was sent, so the visit waits those seconds past the two days.
    expect(new Set(deferred.map((a) => a.reason))).toEqual(
      new Set(['US_CONTACT_HOURS', 'FIELD_VISIT_NOTICE_PERIOD']),
    );
  });

  it('runs every never-paying ladder to the legal handoff, recording the US pack in each ledger record', () => {
    for (const loan of result.loans.filter((l) => l.loanId.startsWith('never-'))) {
      expect(loan.finalStatus, loan.loanId).toBe('HANDED_OVER');
    }
    const packs = new Set(
      [...result.ledgers.values()].flat().map((r) => `${r.rulePackId} ${r.rulePackVersion}`),
    );
    expect(packs).toEqual(new Set(['US 2026.1']));
  });
});

describe('consent and erasure through the local stack', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ladder-erasure-'));
  const zone = 'Asia/Shanghai';
  const at = (local: string) => DateTime.fromISO(local, { zone }).toISO() as string;
  const erased = { ...borrower('ERASED', zone, 7), name: 'Li Lei', email: 'li.lei@example.com' };
  const replied = borrower('REPLIED', zone, 8);
  const kept = borrower('KEPT', zone, 9);
  const base = { amountDue: '1200.00', currency: 'CNY', dueDate: '2026-12-10' };
  const scenario = {
    loans: [
      {
        ...base,
        loanId: 'erased',
        borrower: erased,
        events: [{ type: 'erasure', at: at('2026-12-14T12:00') }],
      },
      {
        ...base,
        loanId: 'replied',
        borrower: replied,
        events: [{ type: 'smsReply', body: 'TD', at: at('2026-12-12T12:00') }],
      },
      { ...base, loanId: 'kept', borrower: kept, events: [] },
    ],
  };
  let result: SimulationResult;
  const byId = (id: string) => result.loans.find((l) => l.loanId === id);

  beforeAll(async () => {
    result = await simulate(parseScenario(structuredClone(scenario)), { dataDir: dir });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('a "TD" reply to an SMS closes SMS for that borrower from then on; e-mail goes on', () => {
    const after = byId('replied')?.attempts.filter((a) => a.at > '2026-12-12T04:00:00.000Z') ?? [];
    expect(after.filter((a) => a.channel === 'SMS' && a.status === 'SENT')).toEqual([]);
    expect(
      after.some((a) => a.channel === 'SMS' && a.status === 'BLOCKED' && a.reason === 'OPTED_OUT_SMS'),
    ).toBe(true);
    expect(after.some((a) => a.channel === 'EMAIL' && a.status === 'SENT')).toBe(true);
  });

  it("erasure closes the borrower's case (CLOSED): nothing is attempted after it", () => {
    const loan = byId('erased');
    expect(loan?.finalStatus).toBe('CLOSED');
    expect(loan?.attempts.some((a) => a.status === 'SENT' && a.at < '2026-12-14T04:00:00.000Z')).toBe(true);
    expect(loan?.attempts.filter((a) => a.at > '2026-12-14T04:00:00.000Z')).toEqual([]);
    expect(byId('kept')?.attempts.filter((a) => a.at > '2026-12-14T04:00:00.000Z').length).toBeGreaterThan(0);
  });

  it('leaves no contact detail of the erased borrower in any table, and the ledger verifies', async () => {
    const store = await startStore({ dataDir: dir });
    const client = new DynamoDBClient({
      endpoint: store.endpoint,
      region: LOCAL_REGION,
      credentials: LOCAL_CREDENTIALS,
    });
    const doc = DynamoDBDocumentClient.from(client);
    const tables: Record<string, string> = {};
    try {
      for (const table of ['Cases', 'Contacts', 'Ledger', 'Tasks']) {
        const items: unknown[] = [];
        let start: Record<string, unknown> | undefined;
        do {
          const page = await doc.send(new ScanCommand({ TableName: table, ExclusiveStartKey: start }));
          items.push(...(page.Items ?? []));
          start = page.LastEvaluatedKey;
        } while (start);
        tables[table] = JSON.stringify(items);
      }
    } finally {
      client.destroy();
      await store.close();
    }
    for (const [table, text] of Object.entries(tables)) {
      for (const detail of [erased.phone, erased.email, erased.name]) {
        expect(text, `${table} holds ${detail}`).not.toContain(detail);
      }
    }
    // The scan does see contact details: the borrower who was not erased is still there.
    expect(tables.Contacts).toContain(kept.phone);
    expect(tables.Cases).toContain('"specialStatus":"ERASED"');
    // The erased loan's ledger records are still there, and every chain still verifies.
    expect(tables.Ledger).toContain('"ledgerId":"erased#1"');
    const report = await auditDataDir(dir);
    expect(report.broken).toEqual([]);
    expect(report.chains.map((c) => c.ledgerId).sort()).toEqual([
      'erased#1',
      'erased#1#deliveries',
      'kept#1',
      'kept#1#deliveries',
      'replied#1',
      'replied#1#deliveries',
    ]);
  });
});
