import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { documentClient } from '../../functions/adapters/env.js';
import { checkCompliance } from '../../functions/compliance/check.js';
import { LedgerAudit } from '../../functions/domain/audit.js';
import type { LedgerRecord } from '../../functions/domain/ledger.js';
import { readStore } from '../../local/compliance.js';
import type { LocalLadder } from '../../local/runtime.js';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../local/services/store.js';
import type { SimulationFaults } from '../../local/simulate.js';
import { simulate } from '../../local/simulate.js';
import type { History } from './histories.js';

/**
 * Runs histories through the real local runtime, several to a run (each history's borrowers, phone
 * numbers and e-mail addresses are its own, so they never meet), and says what each one broke:
 *  - something SENT that a rule forbade (the independent compliance checker, functions/compliance);
 *  - an execution that FAILED, or is still running anywhere but a dispute hold (stuck);
 *  - a message in the SMS outbox or the e-mail inbox without exactly one ledger record, or the reverse;
 *  - a ledger whose hash chain or seals do not verify.
 */
export interface HistoryRun {
  /** The id prefix of the history's loans and borrowers. */
  prefix: string;
  history: History;
}

export type Problems = Map<string, string[]>;

/** Where a run's evidence is read from, once it is over (the local stack before it closes). */
interface Observed {
  sms: Array<{ messageId: string; phoneNumber: string }>;
  mail: Array<{ messageId: string; to: string[] }>;
  executions: Array<{ loanId: string; status: string; last: string; error?: string }>;
  ledgers: Map<string, LedgerRecord[]>;
  audit: Awaited<ReturnType<LedgerAudit['report']>>;
  violations: Array<{ loanId: string; text: string }>;
}

export async function runHistories(
  runs: readonly HistoryRun[],
  options: { seed: number; rulePack: 'CN' | 'US'; faults?: SimulationFaults },
): Promise<Problems> {
  let seen: Observed | undefined;
  const loans = runs.flatMap((r) => r.history.loans);
  await simulate(
    { seed: options.seed, rulePack: options.rulePack, loans: structuredClone(loans) },
    {
      ...(options.faults ? { faults: options.faults } : {}),
      onFinish: async (l) => {
        seen = await observe(l);
        await l.services.email.clear();
      },
    },
  );
  if (!seen) throw new Error('the run ended without being observed');
  const problems: Problems = new Map();
  for (const run of runs) problems.set(run.prefix, problemsOf(run, seen));
  return problems;
}

async function observe(l: LocalLadder): Promise<Observed> {
  const ledgers = new Map<string, LedgerRecord[]>();
  const audit = new LedgerAudit();
  for await (const page of l.stores.ledger().scan()) {
    audit.add(page);
    for (const r of page) ledgers.set(r.loanId, [...(ledgers.get(r.loanId) ?? []), r]);
  }
  for await (const page of l.stores.seals().scan()) audit.addSeals(page);
  const mail = (await l.services.email.messages()).map((m) => ({
    messageId: m.messageId,
    to: m.destination.to,
  }));
  return {
    sms: l.services.sms.outbox(),
    mail,
    executions: [...l.executions.values()].map((e) => ({
      loanId: String(e.input.loanId),
      status: e.status,
      last: e.states.at(-1) ?? '',
      ...(e.error ? { error: e.error } : {}),
    })),
    ledgers,
    audit: await audit.report({ key: l.keys.seal }),
    violations: await storeCompliance(l),
  };
}

/** States a ladder may legitimately still be in when the run's horizon is reached. */
const WAITING = new Set(['Dispute hold']);

function problemsOf({ prefix, history }: HistoryRun, seen: Observed): string[] {
  const mine = (loanId: string) => loanId.startsWith(prefix);
  const phones = new Set(history.loans.map((l) => l.borrower.phone));
  const emails = new Set(history.loans.map((l) => l.borrower.email));
  const problems: string[] = [];
  for (const e of seen.executions.filter((x) => mine(x.loanId))) {
    if (e.status === 'FAILED')
      problems.push(`execution of ${e.loanId} FAILED in "${e.last}": ${e.error ?? ''}`);
    if (e.status === 'RUNNING' && !WAITING.has(e.last))
      problems.push(`execution of ${e.loanId} stuck in "${e.last}"`);
  }
  for (const v of seen.violations.filter((x) => mine(x.loanId))) problems.push(`compliance: ${v.text}`);
  for (const chain of seen.audit.broken.filter((c) => mine(c.loanId)))
    problems.push(`ledger ${chain.ledgerId} broken at ${chain.seq}: ${chain.problem}`);
  const attempts = [...seen.ledgers]
    .filter(([loanId]) => mine(loanId))
    .flatMap(([, rs]) => rs.flatMap((r) => r.attempts));
  const sentRefs = (channel: string) =>
    attempts.filter((a) => a.channel === channel && a.status === 'SENT').map((a) => a.providerRef ?? '');
  problems.push(
    ...oneToOne(
      'SMS',
      sentRefs('SMS'),
      seen.sms.filter((m) => phones.has(m.phoneNumber)).map((m) => m.messageId),
    ),
    ...oneToOne(
      'e-mail',
      sentRefs('EMAIL'),
      seen.mail.filter((m) => m.to.some((t) => emails.has(t))).map((m) => m.messageId),
    ),
  );
  return problems;
}

/** Every message delivered is recorded exactly once as SENT, and every SENT was delivered. */
function oneToOne(what: string, recorded: string[], delivered: string[]): string[] {
  const count = (list: string[]) =>
    list.reduce((m, x) => m.set(x, (m.get(x) ?? 0) + 1), new Map<string, number>());
  const inLedger = count(recorded);
  const out = count(delivered);
  const problems: string[] = [];
  for (const [id, n] of out)
    if (inLedger.get(id) !== 1)
      problems.push(`${what} ${id} delivered ${n}x, in the ledger ${inLedger.get(id) ?? 0}x`);
  for (const [id, n] of inLedger)
    if (!out.has(id)) problems.push(`${what} ${id} SENT in the ledger ${n}x, never delivered`);
  return problems;
}

/** The independent compliance check over a run's store, as `ladder audit compliance` reads one. */
async function storeCompliance(l: LocalLadder): Promise<Array<{ loanId: string; text: string }>> {
  const client = new DynamoDBClient({
    endpoint: l.services.endpoints.dynamodb,
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
  });
  try {
    const input = await readStore(documentClient(client));
    return checkCompliance(input, { policies: l.policies }).map((v) => ({
      loanId: v.loanId,
      text: `${v.loanId} seq ${v.seq} ${v.ruleId}: ${v.detail}`,
    }));
  } finally {
    client.destroy();
  }
}
