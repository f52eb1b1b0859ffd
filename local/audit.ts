import { LedgerStore } from '../functions/adapters/ledger-store.js';
import { SealStore } from '../functions/adapters/seal-store.js';
import { TABLES } from '../functions/adapters/tables.js';
import { type AuditReport, describeBroken, LedgerAudit } from '../functions/domain/audit.js';
import { ValidationError } from '../functions/domain/errors.js';
import type { LedgerRecord } from '../functions/domain/ledger.js';
import type { LedgerSeal, MacKey } from '../functions/domain/seal.js';
import { readText } from './cli/usage.js';
import { withDataDir } from './data-dir.js';
import { keyFile, readKeyFile } from './keys.js';
import { localTableName } from './services/store.js';

/**
 * `ladder audit verify`: the ledger and its seals from a JSON-lines file (`ladder simulate --ledger-out`)
 * or from the embedded store on disk (`--data` of simulate, start and serve), checked by the same
 * LedgerAudit the audit Lambda runs on AWS. A data directory holds its seal key (`keys/`); a file is
 * checked against the key given with `--key` (`--ledger-out` writes it beside the file).
 */
const isSealLine = (value: unknown): boolean =>
  typeof value === 'object' && value !== null && typeof (value as { mac?: unknown }).mac === 'string';

/** A ledger record or a seal, by its shape: what a file must hold some of to be a ledger at all. */
const isRecordLine = (value: unknown): boolean =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as { ledgerId?: unknown }).ledgerId === 'string' &&
  typeof (value as { seq?: unknown }).seq === 'number';

/**
 * Checks a JSON-lines ledger. A file with no ledger record and no seal in it (empty, another JSON
 * file, a scenario) is not a ledger: bad input (ValidationError, exit 2), not a broken ledger. A
 * ledger in which some lines are no longer records was tampered with: those are counted as broken.
 */
export async function auditLedgerFile(file: string, key?: MacKey): Promise<AuditReport> {
  const text = readText(file, '--ledger');
  const audit = new LedgerAudit();
  let recognised = 0;
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    let record: unknown;
    try {
      record = JSON.parse(line);
    } catch {
      record = null; // a line that is not JSON any more was tampered with: counted as unreadable
    }
    if (isSealLine(record) || isRecordLine(record)) recognised += 1;
    if (isSealLine(record)) audit.addSeals([record]);
    else audit.add([record]);
  }
  if (text.trim() === '') throw new ValidationError(`--ledger ${file}: empty file, no ledger in it`);
  if (recognised === 0) {
    throw new ValidationError(
      `--ledger ${file}: not a ledger (no line is a ledger record or seal; \`ladder simulate --ledger-out\` writes one)`,
    );
  }
  return await audit.report(key ? { key } : {});
}

/** Scans the Ledger table of a `--data` directory (the store must not be open in another process). */
export async function auditDataDir(dir: string): Promise<AuditReport> {
  return withDataDir(dir, async (db) => {
    const key = readKeyFile(keyFile(dir, 'seal'));
    const audit = new LedgerAudit();
    for await (const page of new LedgerStore(db, localTableName(TABLES.ledger)).scan()) audit.add(page);
    for await (const page of new SealStore(db, localTableName(TABLES.seals)).scan()) audit.addSeals(page);
    return await audit.report({ key });
  });
}

/** The ledger of a simulation as JSON lines, chain by chain in seq order, then its seals. */
export function ledgerLines(ledgers: Iterable<LedgerRecord[]>, seals: Iterable<LedgerSeal> = []): string {
  const lines: string[] = [];
  for (const records of ledgers) for (const record of records) lines.push(JSON.stringify(record));
  for (const seal of seals) lines.push(JSON.stringify(seal));
  return lines.length ? `${lines.join('\n')}\n` : '';
}

/** What the command prints: OK lines (unless quiet) and a summary on stdout, BROKEN lines on stderr. */
export function formatAudit(report: AuditReport, quiet = false): { out: string[]; err: string[] } {
  const out = quiet
    ? []
    : report.chains.filter((c) => c.ok).map((c) => `OK     ${c.ledgerId}  ${c.records} records`);
  const ok = report.chains.length - report.broken.length;
  out.push(
    `ledger: ${report.chains.length} chains, ${report.records} records: ${ok} OK, ${report.broken.length} broken` +
      (report.sealed ? '; seals checked' : '; seals NOT checked (no key: give --key)'),
  );
  return { out, err: report.broken.map(describeBroken) };
}
