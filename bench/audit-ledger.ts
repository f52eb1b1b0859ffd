import { BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { CaseStore } from '../functions/adapters/case-store.js';
import { TABLES } from '../functions/adapters/tables.js';
import type { BorrowerProfile, CallRecord, CaseRecord } from '../functions/domain/case.js';
import { type AttemptEntry, chain, GENESIS_HASH, type LedgerRecord } from '../functions/domain/ledger.js';
import { type LedgerSeal, type MacKey, seal } from '../functions/domain/seal.js';
import { localTableName } from '../local/services/store.js';

/**
 * A synthetic ledger for the daily audit (the segmented audit's test and `npm run bench`): borrowers
 * in Shanghai with one to three loans each, every loan a sealed chain of one SMS a day at 09:00 local
 * up to the day the audit checks (13 December 2026, UTC), so every borrower is in the compliance
 * window. With `violations`, some break the CN rules, the cross-loan and cross-borrower ones included:
 *
 * - every 7th borrower's first loan sends its last SMS at 23:30 local (CN_CONTACT_HOURS);
 * - every 5th borrower (from the 2nd) with two loans has two connected calls on each loan that day:
 *   the 4th call with the debtor breaks the cap of 3 (CN_CONNECTED_CALLS_PER_DAY), across two chains;
 * - borrowers 2 and 3 of every ten share a phone line, with four unanswered calls each that day: the
 *   7th and 8th on the line break the cap of 6 (CN_UNANSWERED_CALLS_PER_DAY), across two borrowers.
 */
export interface SyntheticLedger {
  chains: LedgerRecord[][];
  seals: LedgerSeal[];
  profiles: BorrowerProfile[];
  cases: CaseRecord[];
  lines: Array<{ lineId: string; calls: CallRecord[] }>;
}

const DAY = 86_400_000;
/** 09:00 in Shanghai on the day the audit checks. */
const LAST = Date.parse('2026-12-13T01:00:00Z');
const iso = (t: number) => new Date(t).toISOString();
const pad = (i: number) => String(i).padStart(6, '0');

const sms = (loanId: string, j: number): AttemptEntry => ({
  channel: 'SMS',
  status: 'SENT',
  providerRef: `m-${loanId}-${j}`,
  templateId: `t${j}`,
  templateVersion: 1,
});

export async function syntheticLedger(
  key: MacKey,
  options: { borrowers: number; recordsPerChain: number; violations?: boolean },
): Promise<SyntheticLedger> {
  const out: SyntheticLedger = { chains: [], seals: [], profiles: [], cases: [], lines: [] };
  const lineCalls = new Map<string, CallRecord[]>();
  for (let i = 0; i < options.borrowers; i += 1) {
    const borrowerId = `B-${pad(i)}`;
    const lineId =
      options.violations && (i % 10 === 2 || i % 10 === 3) ? `line-${pad(i - (i % 10))}` : undefined;
    out.profiles.push({
      borrowerId,
      timeZone: 'Asia/Shanghai',
      locale: 'zh-CN',
      optOuts: {},
      contactPoints: { SMS: { verified: true }, EMAIL: { verified: true } },
      calls: [],
      ...(lineId ? { lineId } : {}),
    });
    const loans = 1 + (i % 3);
    for (let k = 0; k < loans; k += 1) {
      const loanId = `L-${pad(i)}-${k}`;
      out.cases.push({
        loanId,
        cycle: 1,
        borrowerId,
        policyId: 'default',
        policyVersion: 1,
        currency: 'CNY',
        amountDueMinor: 120000,
        paidMinor: 0,
        dueDate: '2026-12-10',
        openedAt: '2026-11-01T00:00:00.000Z',
        status: 'ACTIVE',
        promises: [],
        payments: [],
        notices: {},
        shiftDays: 0,
      });
      const contents: Array<{ at: number; stage: string; attempts: AttemptEntry[] }> = [];
      for (let j = 0; j < options.recordsPerChain; j += 1) {
        const late = options.violations && i % 7 === 0 && k === 0 && j === options.recordsPerChain - 1;
        const at = LAST - (options.recordsPerChain - 1 - j) * DAY + (late ? 14.5 * 3_600_000 : 0);
        contents.push({ at, stage: `S${j}`, attempts: [sms(loanId, j)] });
      }
      const calls: Array<{ at: number; outcome: string }> = [];
      if (options.violations && i % 5 === 1 && k < 2 && loans >= 2)
        calls.push(...[1, 2].map((h) => ({ at: LAST + (h + 2 * k) * 3_600_000, outcome: 'REACHED' })));
      if (lineId && k === 0)
        calls.push(
          ...[0, 1, 2, 3].map((n) => ({
            at: LAST + (70 + 40 * n + 20 * (i % 10 === 3 ? 1 : 0)) * 60_000,
            outcome: 'NO_ANSWER',
          })),
        );
      calls.forEach((c, n) => {
        contents.push({
          at: c.at,
          stage: `C${n}`,
          attempts: [{ channel: 'CALL', status: 'SENT', outcome: c.outcome }],
        });
        if (lineId)
          lineCalls.set(lineId, [
            ...(lineCalls.get(lineId) ?? []),
            { at: iso(c.at), loanId, borrowerId, connected: false, taskId: `${loanId}#C${n}` },
          ]);
      });
      let head = { seq: 0, hash: GENESIS_HASH };
      const records: LedgerRecord[] = [];
      for (const c of contents) {
        const record = chain(head, {
          ledgerId: `${loanId}#1`,
          loanId,
          cycle: 1,
          type: 'CONTACT',
          at: iso(c.at),
          stage: c.stage,
          policyId: 'default',
          policyVersion: 1,
          rulePackId: 'CN',
          rulePackVersion: '2026.2',
          attempts: c.attempts,
        });
        records.push(record);
        out.seals.push(await seal(key, record, record.at));
        head = record;
      }
      out.chains.push(records);
    }
  }
  out.lines = [...lineCalls].map(([lineId, calls]) => ({ lineId, calls }));
  return out;
}

/** Writes it to the store's tables: the ledger and seals in batches of 25, the cases through CaseStore. */
export async function writeSyntheticLedger(
  db: DynamoDBDocumentClient,
  ledger: SyntheticLedger,
): Promise<void> {
  const batches: Array<{ table: string; items: unknown[] }> = [];
  const add = (table: string, items: unknown[]) => {
    for (let i = 0; i < items.length; i += 25) batches.push({ table, items: items.slice(i, i + 25) });
  };
  add(localTableName(TABLES.ledger), ledger.chains.flat());
  add(localTableName(TABLES.seals), ledger.seals);
  for (let i = 0; i < batches.length; i += 8) {
    await Promise.all(
      batches.slice(i, i + 8).map(async ({ table, items }) => {
        let pending = items.map((Item) => ({ PutRequest: { Item: Item as Record<string, unknown> } }));
        while (pending.length > 0) {
          const out = await db.send(new BatchWriteCommand({ RequestItems: { [table]: pending } }));
          pending = (out.UnprocessedItems?.[table] ?? []) as typeof pending;
        }
      }),
    );
  }
  const cases = new CaseStore(db, localTableName(TABLES.cases));
  for (const p of ledger.profiles) await cases.saveProfile(p, undefined);
  for (const c of ledger.cases) await cases.saveCase(c, undefined);
  for (const l of ledger.lines) await cases.saveLineCalls(l, undefined);
}
