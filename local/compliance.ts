import { dirname, resolve } from 'node:path';
import { type DynamoDBDocumentClient, ScanCommand, type ScanCommandInput } from '@aws-sdk/lib-dynamodb';
import { TABLES } from '../functions/adapters/tables.js';
import { checkCompliance } from '../functions/compliance/check.js';
import {
  type ComplianceSummary,
  formatSummary,
  formatViolation,
  summarize,
} from '../functions/compliance/report.js';
import type { ComplianceInput, PolicyLookup, Violation } from '../functions/compliance/types.js';
import type { BorrowerProfile, CaseRecord } from '../functions/domain/case.js';
import { ValidationError } from '../functions/domain/errors.js';
import type { LedgerRecord } from '../functions/domain/ledger.js';
import { bundledPolicies } from '../functions/domain/policies.js';
import { readJson } from './cli/usage.js';
import { withDataDir } from './data-dir.js';
import { localTableName } from './services/store.js';

export { withDataDir };

/**
 * `ladder audit compliance --data DIR`: the Cases and Ledger tables of the embedded store on disk
 * (Scans, as `ladder audit verify --data` reads the ledger), judged by the independent compliance
 * check (functions/compliance/).
 */
export interface ComplianceRun {
  violations: Violation[];
  summary: ComplianceSummary;
}

async function scanAll(db: DynamoDBDocumentClient, table: string): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let start: ScanCommandInput['ExclusiveStartKey'];
  do {
    const page = await db.send(new ScanCommand({ TableName: table, ExclusiveStartKey: start }));
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
}

/** Profiles and cases from the Cases table's items (`doc` of sk PROFILE and CASE#…; the rest is not read). */
export function splitCaseItems(items: readonly Record<string, unknown>[]) {
  const profiles: BorrowerProfile[] = [];
  const cases: CaseRecord[] = [];
  for (const item of items) {
    const sk = String(item.sk ?? '');
    if (sk === 'PROFILE') profiles.push(item.doc as BorrowerProfile);
    else if (sk.startsWith('CASE#')) cases.push(item.doc as CaseRecord);
  }
  return { profiles, cases };
}

/** The cases, profiles and ledger of an embedded store (Scans). */
export async function readStore(db: DynamoDBDocumentClient): Promise<ComplianceInput> {
  const caseItems = await scanAll(db, localTableName(TABLES.cases));
  const records = (await scanAll(db, localTableName(TABLES.ledger))) as unknown as LedgerRecord[];
  return { records, ...splitCaseItems(caseItems) };
}

/** The store's cases, profiles and ledger. */
export const readDataDir = (dir: string): Promise<ComplianceInput> => withDataDir(dir, readStore);

export async function complianceDataDir(
  dir: string,
  options: { policies: PolicyLookup; since?: number; until?: number },
): Promise<ComplianceRun> {
  const input = await readDataDir(dir);
  const violations = checkCompliance(input, options);
  return { violations, summary: summarize(input, options, violations) };
}

const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/i;

/** An ISO 8601 instant with its offset (a local time without one would be ambiguous). */
export function parseInstant(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const ms = Date.parse(value);
  if (!INSTANT.test(value) || Number.isNaN(ms))
    throw new ValidationError(
      `audit compliance: ${flag}: must be an ISO 8601 instant with an offset, such as 2026-12-01T00:00:00Z`,
    );
  return ms;
}

export interface ComplianceCommandOptions {
  data?: string;
  since?: string;
  until?: string;
  json?: boolean;
  scenario?: string;
}

/** The policies to judge by: the bundled ones, or those a scenario's simulation ran with. */
async function policiesFor(scenarioFile: string | undefined): Promise<PolicyLookup> {
  if (scenarioFile === undefined) return bundledPolicies();
  // The simulator's modules only when asked: they load the whole local runtime.
  const { parseScenario } = await import('./scenario.js');
  const { scenarioPolicies } = await import('./scenario-policy.js');
  const raw = readJson(scenarioFile, '--scenario');
  return scenarioPolicies(parseScenario(raw), dirname(resolve(scenarioFile))).registry;
}

/**
 * What `ladder audit compliance` prints and its exit code: one VIOLATION line per violation (stderr,
 * as `audit verify` prints broken chains) and the summary (stdout), or the JSON on stdout; 0 when
 * nothing broke a rule, 1 otherwise. Bad usage throws ValidationError (the CLI exits 2).
 */
export async function auditCompliance(
  opts: ComplianceCommandOptions,
): Promise<{ out: string[]; err: string[]; exitCode: number }> {
  if (opts.data === undefined) throw new ValidationError('audit compliance: --data <dir> is required');
  const since = parseInstant(opts.since, '--since');
  const until = parseInstant(opts.until, '--until');
  if (since !== undefined && until !== undefined && since >= until)
    throw new ValidationError('audit compliance: --since must be before --until');
  const policies = await policiesFor(opts.scenario);
  const run = await complianceDataDir(opts.data, {
    policies,
    ...(since === undefined ? {} : { since }),
    ...(until === undefined ? {} : { until }),
  });
  const exitCode = run.violations.length > 0 ? 1 : 0;
  if (opts.json) return { out: [JSON.stringify(run, null, 2)], err: [], exitCode };
  return { out: [formatSummary(run.summary)], err: run.violations.map(formatViolation), exitCode };
}
