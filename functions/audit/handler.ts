import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { lambdaHandler } from '../adapters/handler.js';
import { logger, metrics } from '../adapters/powertools.js';
import { type AuditDeps, type AuditResult, createAuditCore } from './core.js';

/**
 * Scheduled daily. Every broken chain is one error log line naming the loan, the ledger and the
 * record; LedgerChainsBroken (emitted on every run, 0 included, so the alarm sees the audit ran) has
 * an alarm at > 0. Likewise every compliance violation of the previous UTC day is one error log line
 * (loan, cycle, seq, rule, rule pack, channel: identifiers only) and ComplianceViolations, 0
 * included, has its alarm.
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
    return result;
  });
}
