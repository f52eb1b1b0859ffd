import * as z from 'zod';
import type { LedgerStore } from '../adapters/ledger-store.js';
import type { SealStore } from '../adapters/seal-store.js';
import type { ComplianceSummary } from '../compliance/report.js';
import type { Violation } from '../compliance/types.js';
import type { AuditReport, ChainReport } from '../domain/audit.js';
import type { Clock } from '../domain/clock.js';
import { ValidationError } from '../domain/errors.js';
import { Instant } from '../domain/events.js';
import { once } from '../domain/once.js';
import type { MacKey } from '../domain/seal.js';
import { type ComplianceDeps, checkPreviousDay } from './compliance.js';
import { readSegment } from './segment.js';

/**
 * The daily ledger audit on AWS, one segment per invocation: the audit state machine (lib/ledger-audit.ts)
 * sizes the run from the ledger's item count and invokes this once per DynamoDB parallel Scan segment
 * with `{segment, totalSegments, at}`. The segment's chains are checked by the same LedgerAudit
 * `ladder audit verify` runs (./segment.ts: every chain by exactly one segment), then the compliance
 * check of the previous UTC day's records (./compliance.ts: every borrower by exactly one segment), so
 * the segments' counts add up to the whole ledger's. Without a segment, the whole table in one go.
 */
export interface AuditDeps extends ComplianceDeps {
  ledger: Pick<LedgerStore, 'scan' | 'latest' | 'list'>;
  seals: Pick<SealStore, 'scan' | 'list'>;
  key: Pick<MacKey, 'verify'>;
  clock: Clock;
}

/** A record appended less than this long ago may still be waiting for its seal (a writer mid-append). */
export const SEAL_GRACE_MS = 60 * 60_000;

export const AuditRequestSchema = once(() =>
  z
    .object({
      segment: z.number().int().min(0).optional(),
      totalSegments: z.number().int().min(1).max(1_000_000).optional(),
      /** The run's time (the execution's start): every segment checks the same day, however late it runs. */
      at: Instant().optional(),
    })
    .refine(
      (r) => (r.segment === undefined) === (r.totalSegments === undefined),
      'give both segment and totalSegments, or neither',
    )
    .refine(
      (r) => r.segment === undefined || r.segment < (r.totalSegments ?? 0),
      'segment must be < totalSegments',
    ),
);

export interface AuditResult {
  /** Which segment this was (absent: the whole ledger). */
  segment?: number;
  totalSegments?: number;
  chains: number;
  records: number;
  brokenChains: number;
  /** The first broken chains (identifiers only), at most MAX_LISTED. */
  broken: Array<Omit<ChainReport, 'ok' | 'records'>>;
  /** The compliance check of the previous UTC day: the day, what was checked, how many violations. */
  compliance: Omit<ComplianceSummary, 'byRule' | 'cases'>;
  /** The first violations (identifiers and times only), at most MAX_LISTED. */
  violations: Violation[];
  /** How long the segment took (ms): the audit's size alarm watches it. */
  elapsedMs: number;
}

const MAX_LISTED = 100;

export function createAuditCore(deps: AuditDeps) {
  return async function auditCore(
    input: unknown,
  ): Promise<AuditResult & { report: AuditReport; allViolations: Violation[] }> {
    const started = Date.now();
    const parsed = AuditRequestSchema().safeParse(input ?? {});
    if (!parsed.success) throw new ValidationError(`bad audit request: ${parsed.error.issues[0]?.message}`);
    const { segment, totalSegments, at } = parsed.data;
    const part =
      segment !== undefined && totalSegments !== undefined ? { segment, totalSegments } : undefined;
    const scanned = await readSegment(deps, part);
    const now = deps.clock.now();
    const report = await scanned.audit.report({ key: deps.key, now, graceMs: SEAL_GRACE_MS });
    const whole = part === undefined || part.totalSegments === 1;
    const day = at ? Date.parse(at) : now;
    const { violations, summary } = await checkPreviousDay(deps, scanned.chains, day, whole);
    const { byRule: _byRule, cases: _cases, ...compliance } = summary;
    return {
      ...(part ?? {}),
      chains: report.chains.length,
      records: report.records,
      brokenChains: report.broken.length,
      broken: report.broken.slice(0, MAX_LISTED).map(({ ok: _ok, records: _records, ...chain }) => chain),
      compliance,
      violations: violations.slice(0, MAX_LISTED),
      elapsedMs: Date.now() - started,
      report,
      allViolations: violations,
    };
  };
}
