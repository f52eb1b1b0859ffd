import { isoUtc } from '../domain/clock.js';
import { inWindow, readable } from './check.js';
import type { ComplianceInput, ComplianceOptions, Violation } from './types.js';

/** How much was checked and what was found: what `ladder audit compliance` and the Lambda report. */
export interface ComplianceSummary {
  /** Records in the window. */
  records: number;
  /** SENT attempts among them (each judged by every rule). */
  sentAttempts: number;
  cases: number;
  violations: number;
  /** Violations per rule id (CN_CONTACT_HOURS: 2, ...). */
  byRule: Record<string, number>;
  since?: string;
  until?: string;
}

export function summarize(
  input: ComplianceInput,
  options: Pick<ComplianceOptions, 'since' | 'until'>,
  violations: readonly Violation[],
): ComplianceSummary {
  const records = readable(input.records).filter((r) => inWindow(r, options));
  const byRule: Record<string, number> = {};
  for (const v of violations) byRule[v.ruleId] = (byRule[v.ruleId] ?? 0) + 1;
  return {
    records: records.length,
    sentAttempts: records.reduce(
      (n, r) => n + r.attempts.filter((a) => a.status === 'SENT' || a.status === 'REQUESTED').length,
      0,
    ),
    cases: input.cases.length,
    violations: violations.length,
    byRule,
    ...(options.since === undefined ? {} : { since: isoUtc(options.since) }),
    ...(options.until === undefined ? {} : { until: isoUtc(options.until) }),
  };
}

/** `VIOLATION loan L-1 cycle 1 seq 4 CN_CONTACT_HOURS (CN 2026.2): SMS at 2026-03-02 23:30:00 Asia/Shanghai, ...` */
export const formatViolation = (v: Violation): string =>
  `VIOLATION loan ${v.loanId} cycle ${v.cycle} seq ${v.seq} ${v.ruleId} (${v.rulePackId} ${v.rulePackVersion}): ${v.detail}`;

/** `compliance: 2141 records, 2235 sent attempts checked: 0 violations` */
export function formatSummary(s: ComplianceSummary): string {
  const window = s.since || s.until ? ` from ${s.since ?? 'the start'} to ${s.until ?? 'the end'}` : '';
  const rules = Object.entries(s.byRule)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([rule, n]) => `${rule} ${n}`)
    .join(', ');
  const found = `${s.violations} violation${s.violations === 1 ? '' : 's'}${rules ? ` (${rules})` : ''}`;
  return `compliance: ${s.records} records, ${s.sentAttempts} sent attempts checked${window}: ${found}`;
}
