import { costPer1000 } from './cost.js';
import type { ArmSummary, Summary } from './summary.js';

/**
 * The summary of a portfolio run in parts (worker processes, and batches of borrowers within each):
 * the parts' counts added up and the averages recomputed from the added-up totals, so the merged
 * summary is the one a single run over all the loans gives, except `virtualDays` (the longest part's).
 */
const round = (x: number, digits = 2) => Math.round(x * 10 ** digits) / 10 ** digits;

function addCounts(into: Record<string, number>, from: Record<string, number>): void {
  for (const [k, v] of Object.entries(from)) into[k] = (into[k] ?? 0) + v;
}

function mergeStages(into: Summary['perStage'], from: Summary['perStage']): void {
  for (const [stage, s] of Object.entries(from)) {
    const t = into[stage] ?? {
      contacted: 0,
      blocked: {},
      skipped: {},
      deferred: 0,
      failed: 0,
      curedAfter: 0,
    };
    into[stage] = t;
    t.contacted += s.contacted;
    t.deferred += s.deferred;
    t.failed += s.failed;
    t.curedAfter += s.curedAfter;
    addCounts(t.blocked, s.blocked);
    addCounts(t.skipped, s.skipped);
  }
}

function mergeArms(parts: Summary[]): Record<string, ArmSummary> | undefined {
  const arms: Record<string, ArmSummary> = {};
  for (const part of parts)
    for (const [arm, a] of Object.entries(part.experiment ?? {})) {
      const t = arms[arm] ?? { ...a, loans: 0, cured: 0, contacts: 0, cureDays: 0 };
      arms[arm] = t;
      t.loans += a.loans;
      t.cured += a.cured;
      t.contacts += a.contacts;
      t.cureDays += a.cureDays;
    }
  for (const a of Object.values(arms)) {
    a.cureRate = round(a.cured / a.loans, 3);
    a.contactsPerCure = a.cured ? round(a.contacts / a.cured) : null;
    a.daysToCure = a.cured ? round(a.cureDays / a.cured, 1) : null;
  }
  return Object.keys(arms).length > 0 ? arms : undefined;
}

export function mergeSummaries(parts: Summary[]): Summary {
  const [first] = parts;
  if (!first) throw new Error('no summaries to merge');
  const merged: Summary = structuredClone(first);
  for (const part of parts.slice(1)) {
    merged.loans += part.loans;
    addCounts(merged.loansByPolicy, part.loansByPolicy);
    addCounts(merged.finalStatus, part.finalStatus);
    addCounts(merged.executions, part.executions);
    mergeStages(merged.perStage, part.perStage);
    for (const k of Object.keys(merged.totals) as Array<keyof Summary['totals']>)
      merged.totals[k] += part.totals[k];
    merged.smsSent += part.smsSent;
    merged.emailsSent += part.emailsSent;
    merged.deadLetters += part.deadLetters;
    merged.virtualDays = Math.max(merged.virtualDays, part.virtualDays);
    merged.executionDays.max = Math.max(merged.executionDays.max, part.executionDays.max);
  }
  const experiment = mergeArms(parts);
  if (experiment) merged.experiment = experiment;
  const t = merged.totals;
  const n = Math.max(1, merged.loans);
  merged.stateTransitionsPerLoan = round(t.stateTransitions / n);
  merged.ddbRequestsPerLoan = round(t.ddbRequests / n);
  merged.lambdaInvocationsPerLoan = round(t.lambdaInvocations / n);
  merged.automatedStage = {
    transitions: round(t.stageTransitions / Math.max(1, t.stageRuns)),
    ddbRequests: round(t.stageDdbRequests / Math.max(1, t.stageInvocations)),
  };
  merged.executionDays.mean = round(t.executionDays / Math.max(1, t.finishedExecutions), 1);
  merged.costPer1000LoansUSD = costPer1000(
    t.stateTransitions / n,
    t.ddbRequests / n,
    t.lambdaInvocations / n,
    merged.smsSent / n,
    merged.emailsSent / n,
  );
  return merged;
}
