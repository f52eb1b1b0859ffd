import { existsSync, readFileSync } from 'node:fs';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { documentClient } from '../functions/adapters/env.js';
import { LedgerStore } from '../functions/adapters/ledger-store.js';
import { TABLES } from '../functions/adapters/tables.js';
import { type AuditReport, describeBroken, LedgerAudit } from '../functions/domain/audit.js';
import { ValidationError } from '../functions/domain/errors.js';
import type { LedgerRecord } from '../functions/domain/ledger.js';
import { LOCAL_CREDENTIALS, LOCAL_REGION, localTableName, startStore } from './services/store.js';

/**
 * `ladder audit verify`: the ledger from a JSON-lines file (`ladder simulate --ledger-out`) or from the
 * embedded store on disk (`--data` of simulate, start and serve), verified by the same LedgerAudit the
 * audit Lambda runs on AWS.
 */
export async function auditLedgerFile(file: string): Promise<AuditReport> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ValidationError(`${file}: ${(error as Error).message.split('\n')[0]}`);
  }
  const audit = new LedgerAudit();
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    let record: unknown;
    try {
      record = JSON.parse(line);
    } catch {
      record = null; // a line that is not JSON any more was tampered with: counted as unreadable
    }
    audit.add([record]);
  }
  return await audit.report();
}

/** Scans the Ledger table of a `--data` directory (the store must not be open in another process). */
export async function auditDataDir(dir: string): Promise<AuditReport> {
  if (!existsSync(dir)) throw new ValidationError(`${dir}: no such directory`);
  const store = await startStore({ dataDir: dir });
  const client = new DynamoDBClient({
    endpoint: store.endpoint,
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
  });
  try {
    const ledger = new LedgerStore(documentClient(client), localTableName(TABLES.ledger));
    const audit = new LedgerAudit();
    for await (const page of ledger.scan()) audit.add(page);
    return await audit.report();
  } finally {
    client.destroy();
    await store.close();
  }
}

/** The ledger of a simulation as JSON lines, chain by chain in seq order. */
export function ledgerLines(ledgers: Iterable<LedgerRecord[]>): string {
  const lines: string[] = [];
  for (const records of ledgers) for (const record of records) lines.push(JSON.stringify(record));
  return lines.length ? `${lines.join('\n')}\n` : '';
}

/** What the command prints: OK lines (unless quiet) and a summary on stdout, BROKEN lines on stderr. */
export function formatAudit(report: AuditReport, quiet = false): { out: string[]; err: string[] } {
  const out = quiet
    ? []
    : report.chains.filter((c) => c.ok).map((c) => `OK     ${c.ledgerId}  ${c.records} records`);
  const ok = report.chains.length - report.broken.length;
  out.push(
    `ledger: ${report.chains.length} chains, ${report.records} records: ${ok} OK, ${report.broken.length} broken`,
  );
  return { out, err: report.broken.map(describeBroken) };
}
