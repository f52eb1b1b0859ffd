import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { lambdaHandler } from '../adapters/handler.js';
import { logger, metrics } from '../adapters/powertools.js';
import { type AuditDeps, type AuditResult, createAuditCore } from './core.js';

/**
 * Invoked daily once per segment by the audit state machine. Every broken chain is one error log line
 * naming the loan, the ledger and the record; LedgerChainsBroken (emitted by every segment, 0
 * included) alarms when any segment's count is above 0, and each chain is checked by exactly one
 * segment, so the segments' counts add up to the ledger's. Likewise every compliance violation of the
 * previous UTC day is one error log line (loan, cycle, seq, rule, rule pack, channel: identifiers
 * only) and ComplianceViolations has its alarm. AuditSegmentSeconds says how close a segment came to
 * the timeout (its alarm: lib/monitoring.ts).
 */
export function buildAuditHandler(deps: AuditDeps) {
  const core = createAuditCore(deps);
  return lambdaHandler('Audit', async (event: unknown): Promise<AuditResult> => {
    const { report, allViolations, ...result } = await core(event);
    for (const chain of report.broken) {
      logger.error('ledger chain broken', {
        loanId: chain.loanId,
        ledgerId: chain.ledgerId,
        seq: chain.seq,
        problem: chain.problem,
      });
    }
    logger.info('ledger audit', {
      ...(result.totalSegments === undefined
        ? {}
        : { segment: result.segment, totalSegments: result.totalSegments }),
      chains: result.chains,
      records: result.records,
      broken: result.brokenChains,
    });
    metrics.addMetric('LedgerChainsBroken', MetricUnit.Count, result.brokenChains);
    metrics.addMetric('LedgerRecordsVerified', MetricUnit.Count, result.records);
    for (const v of allViolations) {
      logger.error('compliance violation', {
        loanId: v.loanId,
        cycle: v.cycle,
        seq: v.seq,
        rule: v.ruleId,
        rulePack: `${v.rulePackId} ${v.rulePackVersion}`,
        ...(v.channel ? { channel: v.channel } : {}),
      });
    }
    logger.info('compliance check', result.compliance);
    metrics.addMetric('ComplianceViolations', MetricUnit.Count, allViolations.length);
    metrics.addMetric('AuditSegmentSeconds', MetricUnit.Seconds, result.elapsedMs / 1000);
    return result;
  });
}
