import type { ReportAttempt, ReportLoan } from '../../../local/manager-report/metrics.js';

/**
 * A tiny portfolio built by hand (all due 2026-01-01, observed until 2026-06-01), whose funnel,
 * buckets and rolls are worked out in the comments of metrics.test.ts.
 */
export const OBSERVED_UNTIL = '2026-06-01T00:00:00.000Z';
const a = (stage: string, channel: string, status: string, reason?: string): ReportAttempt => ({
  stage,
  channel,
  status,
  ...(reason ? { reason } : {}),
});
const loan = (
  loanId: string,
  finalStatus: string,
  endedAt: string,
  stateTransitions: number,
  attempts: ReportAttempt[],
): ReportLoan => ({
  loanId,
  dueDate: '2026-01-01',
  finalStatus,
  endedAt,
  attempts,
  policy: 'default',
  stateTransitions,
});

export const PORTFOLIO: ReportLoan[] = [
  // D: handed over at DPD 94 but unpaid, so delinquent to the end (DPD 151). Listed first, so its
  // stages are seen in the order D+1, D+3, D+15 before D-3 and D+7.
  loan('D', 'HANDED_OVER', '2026-04-05T00:00:00.000Z', 30, [
    a('D+1', 'SMS', 'SENT'),
    a('D+3', 'SMS', 'BLOCKED', 'OPTED_OUT_SMS'),
    a('D+15', 'LETTER', 'REQUESTED'),
    a('D+15', 'EMAIL', 'DEFERRED', 'FIELD_VISIT_NOTICE_PERIOD'),
  ]),
  // A: paid two days before the due date (DPD -2): never delinquent.
  loan('A', 'CURED', '2025-12-30T10:00:00.000Z', 10, [a('D-3', 'SMS', 'SENT')]),
  // B: cured at DPD 30 (30.5 days after the due date's midnight), the last day of 1-30.
  loan('B', 'CURED', '2026-01-31T12:00:00.000Z', 20, [
    a('D-3', 'SMS', 'SENT'),
    a('D+1', 'SMS', 'SENT'),
    a('D+1', 'EMAIL', 'SENT'),
    a('D+3', 'SMS', 'BLOCKED', 'OPTED_OUT_SMS'),
  ]),
  // C: cured at DPD 31, the first day of 31-60; its pre-due reminder was skipped (came in late).
  loan('C', 'CURED', '2026-02-01T00:00:00.000Z', 20, [
    a('D-3', 'SMS', 'SKIPPED', 'SKIPPED_LATE'),
    a('D+1', 'SMS', 'BLOCKED', 'CN_CONTACT_HOURS'),
    a('D+1', 'EMAIL', 'SENT'),
    a('D+7', 'CALL', 'REQUESTED'),
  ]),
  // E: settled at DPD 68 (left delinquency in 61-90, not a cure); its one send failed.
  loan('E', 'SETTLED', '2026-03-10T00:00:00.000Z', 10, [a('D+1', 'SMS', 'FAILED')]),
  // F: still open at the end of the run.
  loan('F', 'ACTIVE', OBSERVED_UNTIL, 10, [a('D+1', 'EMAIL', 'SENT')]),
];

/** `n` loans of one arm, the first `cured` of them CURED, the rest HANDED_OVER. */
export function arm(name: 'champion' | 'challenger', policy: string, n: number, cured: number): ReportLoan[] {
  return Array.from({ length: n }, (_, i) => ({
    loanId: `${name}-${i}`,
    dueDate: '2026-01-01',
    finalStatus: i < cured ? 'CURED' : 'HANDED_OVER',
    endedAt: '2026-02-01T00:00:00.000Z',
    attempts: [{ stage: 'D+1', channel: 'SMS', status: 'SENT' }],
    arm: name,
    policy,
    stateTransitions: 10,
  }));
}
