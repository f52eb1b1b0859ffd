import type { Command } from 'commander';
import { EXIT, UsageError } from './usage.js';

/**
 * `ladder audit verify` and `ladder audit compliance`: exit 0 when the ledger is intact (or no contact
 * broke a rule), 1 naming each finding, 2 on bad usage or input (the wrong file, no store).
 */
interface VerifyOptions {
  ledger?: string;
  data?: string;
  key?: string;
  quiet?: boolean;
}

async function verify(opts: VerifyOptions): Promise<void> {
  if ((opts.ledger === undefined) === (opts.data === undefined))
    throw new UsageError('audit verify: give exactly one of --ledger <file> and --data <dir>');
  if (opts.key !== undefined && opts.ledger === undefined)
    throw new UsageError('audit verify: --key goes with --ledger (a --data directory holds its own key)');
  const [{ auditDataDir, auditLedgerFile, formatAudit }, { readKeyFile }] = await Promise.all([
    import('../audit.js'),
    import('../keys.js'),
  ]);
  const report = opts.ledger
    ? await auditLedgerFile(opts.ledger, opts.key ? readKeyFile(opts.key) : undefined)
    : await auditDataDir(opts.data as string);
  const { out, err } = formatAudit(report, opts.quiet);
  for (const line of err) console.error(line);
  console.log(out.join('\n'));
  if (report.broken.length > 0) process.exitCode = EXIT.finding;
}

interface ComplianceOptions {
  data?: string;
  since?: string;
  until?: string;
  scenario?: string;
  json?: boolean;
}

async function compliance(opts: ComplianceOptions): Promise<void> {
  // Loaded here, not at the top: the other commands do not pay for the checker.
  const { auditCompliance } = await import('../compliance.js');
  const { out, err, exitCode } = await auditCompliance(opts);
  for (const line of err) console.error(line);
  console.log(out.join('\n'));
  process.exitCode = exitCode;
}

export function auditCommands(program: Command): void {
  const audit = program.command('audit').description('checks on the audit ledger');
  audit
    .command('verify')
    .description(
      'verify every hash chain and seal of the ledger: exit 0 when all are intact, 1 naming each broken chain',
    )
    .option('--ledger <file>', 'JSON lines of ledger records and seals (`ladder simulate --ledger-out`)')
    .option('--key <file>', 'the seal key of a --ledger file (written beside it by --ledger-out)')
    .option('--data <dir>', 'the embedded store on disk (`--data` of simulate, start or serve)')
    .option('--quiet', 'print only the summary and the broken chains')
    .action(verify);

  audit
    .command('compliance')
    .description(
      'check every SENT contact in the store against the contact rules, independently of the code that ' +
        'decided them: exit 0 when none broke a rule, 1 naming each violation (loan, cycle, seq, rule)',
    )
    .option('--data <dir>', 'the embedded store on disk (`--data` of simulate, start or serve)')
    .option('--since <instant>', 'check only records at or after this ISO 8601 instant (with its offset)')
    .option('--until <instant>', 'check only records before this ISO 8601 instant (with its offset)')
    .option('--scenario <file>', 'judge by the policies of the scenario the store was simulated from')
    .option('--json', 'print {violations, summary} as JSON on stdout')
    .action(compliance);
}
