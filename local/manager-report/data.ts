import type { Scenario } from '../scenario.js';
import type { SimulatedLoan, Summary } from '../summary.js';
import { type ArmComparison, compareArms } from './experiment.js';
import {
  type BucketRow,
  blocksByRule,
  buckets,
  type CurvePoint,
  cureCurve,
  type Efficiency,
  efficiency,
  type FunnelRow,
  funnel,
  type ReportLoan,
  type RollRow,
  type RunAverages,
} from './metrics.js';

/** Everything the manager's report shows, computed once (html.ts renders it, charts.ts draws it). */
export interface ReportData {
  title: string;
  /** What ran: loans, the policies by loans, rule pack, seed, simulated days. */
  run: {
    loans: number;
    loansByPolicy: Record<string, number>;
    rulePack: string;
    seed: number;
    virtualDays: number;
    finalStatus: Record<string, number>;
  };
  funnel: FunnelRow[];
  curve: CurvePoint[];
  cures: BucketRow[];
  rolls: RollRow[];
  blocks: Array<{ rule: string; attempts: number; loans: number }>;
  overall: Efficiency;
  experiment: ArmComparison | null;
}

export function reportData(
  title: string,
  loans: ReportLoan[],
  run: RunAverages & ReportData['run'],
  observedUntil: string,
): ReportData {
  const { cures, rolls } = buckets(loans, observedUntil);
  return {
    title,
    run: {
      loans: run.loans,
      loansByPolicy: run.loansByPolicy,
      rulePack: run.rulePack,
      seed: run.seed,
      virtualDays: run.virtualDays,
      finalStatus: run.finalStatus,
    },
    funnel: funnel(loans),
    curve: cureCurve(loans),
    cures,
    rolls,
    blocks: blocksByRule(loans),
    overall: efficiency(loans, run),
    experiment: compareArms(loans, run),
  };
}

/**
 * A run's loans as the report reads them: identifiers, dates, statuses and attempts only (the
 * scenario's borrower, with the contact details, is read for the due date and nothing else).
 */
export function reportLoans(loans: SimulatedLoan[], scenario: Scenario): ReportLoan[] {
  const due = new Map(scenario.loans.map((l) => [l.loanId, l.dueDate]));
  return loans.map((l) => ({
    loanId: l.loanId,
    dueDate: due.get(l.loanId) ?? '',
    finalStatus: l.finalStatus,
    endedAt: l.balanceTimeline.at(-1)?.at ?? l.executions.at(-1)?.stoppedAt ?? '',
    attempts: l.attempts.map((a) => ({
      stage: a.stage,
      channel: a.channel,
      status: a.status,
      ...(a.reason ? { reason: a.reason } : {}),
    })),
    ...(l.arm ? { arm: l.arm } : {}),
    policy: l.policy,
    stateTransitions: l.stateTransitions,
  }));
}

/** The report of a finished run (summary from local/summary.ts). */
export function simulationReportData(
  title: string,
  loans: SimulatedLoan[],
  scenario: Scenario,
  summary: Summary,
): ReportData {
  const rows = reportLoans(loans, scenario);
  const observedUntil = rows.reduce(
    (last, l) => (l.endedAt && Date.parse(l.endedAt) > Date.parse(last) ? l.endedAt : last),
    rows[0]?.endedAt ?? new Date(0).toISOString(),
  );
  return reportData(
    title,
    rows,
    {
      ddbRequestsPerLoan: summary.totals.ddbRequests / Math.max(1, summary.loans),
      lambdaInvocationsPerLoan: summary.totals.lambdaInvocations / Math.max(1, summary.loans),
      loans: summary.loans,
      loansByPolicy: summary.loansByPolicy,
      rulePack: summary.rulePack,
      seed: summary.seed,
      virtualDays: summary.virtualDays,
      finalStatus: summary.finalStatus,
    },
    observedUntil,
  );
}
