import * as z from 'zod';
import type { LedgerStore } from '../adapters/ledger-store.js';
import type { SealStore } from '../adapters/seal-store.js';
import type { ComplianceSummary } from '../compliance/report.js';
import type { Violation } from '../compliance/types.js';
import { type AuditReport, type ChainReport, LedgerAudit } from '../domain/audit.js';
import type { Clock } from '../domain/clock.js';
import { ValidationError } from '../domain/errors.js';
import type { LedgerRecord } from '../domain/ledger.js';
import type { MacKey } from '../domain/seal.js';
import { type ComplianceDeps, checkPreviousDay } from './compliance.js';

/**
 * The daily ledger audit on AWS: Scan the ledger and its seals (read-only: the function may only Scan
 * them, and only verify MACs), check every chain with the same LedgerAudit `ladder audit verify` runs,
 * and report the broken ones. One schedule per segment invokes it with `{segment, totalSegments}`, so
 * a large table is shared between invocations (every record and seal of one chain is in one segment).
 * Then the compliance check of the previous UTC day's records (./compliance.ts), over the records
 * scanned: in a segmented run each invocation checks its segment's loans, so the caps shared across
 * loans (a phone line's, a debtor's) see only the calls of loans in the same segment.
 */
export interface AuditDeps extends ComplianceDeps {
  ledger: Pick<LedgerStore, 'scan'>;
  seals: Pick<SealStore, 'scan'>;
  key: Pick<MacKey, 'verify'>;
  clock: Clock;
}

/** A record appended less than this long ago may still be waiting for its seal (a writer mid-append). */
export const SEAL_GRACE_MS = 60 * 60_000;

export const AuditRequestSchema = z
  .object({
    segment: z.number().int().min(0).optional(),
    totalSegments: z.number().int().min(1).max(1_000_000).optional(),
  })
  .refine(
    (r) => (r.segment === undefined) === (r.totalSegments === undefined),
    'give both segment and totalSegments, or neither',
  )
  .refine(
    (r) => r.segment === undefined || r.segment < (r.totalSegments ?? 0),
    'segment must be < totalSegments',
  );

export interface AuditResult {
  chains: number;
  records: number;
  brokenChains: number;
  /** The first broken chains (identifiers only), at most MAX_LISTED. */
  broken: Array<Omit<ChainReport, 'ok' | 'records'>>;
  /** The compliance check of the previous UTC day: the day, what was checked, how many violations. */
  compliance: Omit<ComplianceSummary, 'byRule' | 'cases'>;
  /** The first violations (identifiers and times only), at most MAX_LISTED. */
  violations: Violation[];
}

const MAX_LISTED = 100;

export function createAuditCore(deps: AuditDeps) {
  return async function auditCore(
    input: unknown,
  ): Promise<AuditResult & { report: AuditReport; allViolations: Violation[] }> {
    const parsed = AuditRequestSchema.safeParse(input ?? {});
    if (!parsed.success) throw new ValidationError(`bad audit request: ${parsed.error.issues[0]?.message}`);
    const { segment, totalSegments } = parsed.data;
    const audit = new LedgerAudit();
    const part =
      segment !== undefined && totalSegments !== undefined ? { segment, totalSegments } : undefined;
    // The same pages feed both checks: the ledger is scanned once.
    const records: LedgerRecord[] = [];
    for await (const page of deps.ledger.scan(part)) {
      audit.add(page);
      records.push(...page);
    }
    for await (const page of deps.seals.scan(part)) audit.addSeals(page);
    const now = deps.clock.now();
    const report = await audit.report({ key: deps.key, now, graceMs: SEAL_GRACE_MS });
    const { violations, summary } = await checkPreviousDay(deps, records, now);
    const { byRule: _byRule, cases: _cases, ...compliance } = summary;
    return {
      chains: report.chains.length,
      records: report.records,
      brokenChains: report.broken.length,
      broken: report.broken.slice(0, MAX_LISTED).map(({ ok: _ok, records: _records, ...chain }) => chain),
      compliance,
      violations: violations.slice(0, MAX_LISTED),
      report,
      allViolations: violations,
    };
  };
}
