import type { SimulatedLoan, Summary } from './simulate.js';

/**
 * The summary a collections manager reads after a run. Identifiers and counts only. `node` is the
 * runtime's version (`process.version`): the functions run on Lambda's nodejs24.x, and the run says
 * which Node it was, so a figure is never read as Node 24's when it was not.
 */
export function formatSummary(summary: Summary, seconds: number, node: string): string {
  const lines: string[] = [];
  const pad = (s: string | number, n: number) => String(s).padEnd(n);
  const policies = Object.entries(summary.loansByPolicy);
  const ran =
    policies.length > 1
      ? `policies by segment ${policies.map(([id, n]) => `"${id}" ${n}`).join(', ')}`
      : `policy "${summary.policy}"`;
  lines.push(
    `Ladder run: ${summary.loans} loans, ${ran}, rule pack ${summary.rulePack}, seed ${summary.seed}`,
  );
  lines.push(`${summary.virtualDays} simulated days in ${seconds.toFixed(1)} s on Node ${node}`);
  lines.push('');
  lines.push(
    `${pad('stage', 8)}${pad('contacted', 11)}${pad('deferred', 10)}${pad('failed', 8)}${pad('cured after', 13)}blocked, skipped (why)`,
  );
  for (const [stage, s] of Object.entries(summary.perStage)) {
    const blocked = Object.entries({ ...s.blocked, ...s.skipped })
      .map(([why, n]) => `${n} ${why}`)
      .join(', ');
    lines.push(
      `${pad(stage, 8)}${pad(s.contacted, 11)}${pad(s.deferred, 10)}${pad(s.failed, 8)}${pad(s.curedAfter, 13)}${blocked || '-'}`,
    );
  }
  lines.push('');
  lines.push(
    `final status: ${Object.entries(summary.finalStatus)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}`,
  );
  lines.push(
    `executions: ${Object.entries(summary.executions)
      .map(([k, v]) => `${k} ${v}`)
      .join(
        ', ',
      )}; open ${summary.executionDays.mean} days on average (longest ${summary.executionDays.max})`,
  );
  lines.push(
    `per loan: ${summary.stateTransitionsPerLoan} state transitions, ${summary.ddbRequestsPerLoan} DynamoDB requests, ${summary.lambdaInvocationsPerLoan} Lambda invocations`,
  );
  lines.push(
    `per automated stage: ${summary.automatedStage.transitions} state transitions, ${summary.automatedStage.ddbRequests} DynamoDB requests`,
  );
  for (const [arm, a] of Object.entries(summary.experiment ?? {})) {
    lines.push(
      `${arm} (${a.policy}): ${a.loans} loans, cure rate ${(a.cureRate * 100).toFixed(1)}%, ` +
        `${a.contactsPerCure ?? '-'} contacts per cure, ${a.daysToCure ?? '-'} days to cure`,
    );
  }
  const c = summary.costPer1000LoansUSD;
  lines.push(
    `estimated AWS cost per 1,000 loans: $${c.total} (Step Functions $${c.stepFunctions}, Lambda $${c.lambda}, DynamoDB $${c.dynamodb}, SES $${c.ses}, SNS SMS $${c.sns})`,
  );
  return lines.join('\n');
}

/**
 * The loans whose ladder outlasted an execution's year and continued in fresh executions: each
 * execution's name, status and days, in the order they ran (the names an operator finds in the console).
 */
export function formatContinuations(loans: SimulatedLoan[]): string[] {
  return loans
    .filter((l) => l.executions.length > 1)
    .map(
      (l) =>
        `${l.loanId}: ${l.executions
          .map((e) => `${e.name} (${e.status}${e.days === undefined ? '' : `, ${e.days} days`})`)
          .join(' -> ')}`,
    );
}
