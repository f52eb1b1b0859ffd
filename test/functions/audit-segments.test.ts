import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import aslValidator from 'asl-validator';
import { StateMachine } from 'aws-local-stepfunctions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syntheticLedger, writeSyntheticLedger } from '../../bench/audit-ledger.js';
import { CaseStore } from '../../functions/adapters/case-store.js';
import { documentClient } from '../../functions/adapters/env.js';
import { LedgerStore } from '../../functions/adapters/ledger-store.js';
import { SealStore } from '../../functions/adapters/seal-store.js';
import { TABLES } from '../../functions/adapters/tables.js';
import { type AuditDeps, AuditRequestSchema, createAuditCore } from '../../functions/audit/core.js';
import type { Violation } from '../../functions/compliance/types.js';
import { chain, GENESIS_HASH, type LedgerRecord } from '../../functions/domain/ledger.js';
import { bundledPolicies } from '../../functions/domain/policies.js';
import { hmacKey } from '../../functions/domain/seal.js';
import { auditDefinition } from '../../lib/audit-definition.js';
import {
  LOCAL_CREDENTIALS,
  LOCAL_REGION,
  type LocalStore,
  localTableName,
  startStore,
} from '../../local/services/store.js';

/**
 * The daily audit in segments (functions/audit/segment.ts, compliance.ts) over the embedded store's
 * real parallel Scan: the segments together check every chain and count every record exactly once,
 * and find exactly the broken chains and the violations the whole-ledger run finds, the ones that
 * span chains in different segments (a debtor's calls across loans, a phone line's across borrowers)
 * included; also when the seals' segments are not the ledger's.
 */
const key = hmacKey(new Uint8Array(32).fill(9), 'test:seal');
let store: LocalStore;
let client: DynamoDBClient;
let deps: AuditDeps;
let appended = 0;
// 03:17 UTC on 14 December: the audit checks 13 December.
const AT = '2026-12-14T03:17:00.000Z';

beforeAll(async () => {
  store = await startStore();
  client = new DynamoDBClient({
    endpoint: store.endpoint,
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
  });
  const db = documentClient(client);
  const ledger = await syntheticLedger(key, { borrowers: 60, recordsPerChain: 3, violations: true });
  await writeSyntheticLedger(db, ledger);
  const table = (t: keyof typeof TABLES) => localTableName(TABLES[t]);
  // Tampering: an edited record, a chain whose records were deleted (its seals remain), an unsealed one.
  const chainOf = (id: string) => ledger.chains.find((c) => c[0]?.ledgerId === id) ?? [];
  const [edited, deleted] = [chainOf('L-000004-1#1'), chainOf('L-000006-0#1')];
  await db.send(new PutCommand({ TableName: table('ledger'), Item: { ...edited[1], stage: 'EDITED' } }));
  for (const r of deleted)
    await db.send(
      new DeleteCommand({ TableName: table('ledger'), Key: { ledgerId: r.ledgerId, seq: r.seq } }),
    );
  const { seq: _s, prevHash: _p, hash: _h, ...content } = chainOf('L-000004-0#1').at(-1) as LedgerRecord;
  const forged = chain({ seq: 0, hash: GENESIS_HASH }, { ...content, ledgerId: 'X-1#1', loanId: 'X-1' });
  await db.send(new PutCommand({ TableName: table('ledger'), Item: forged }));
  appended = ledger.chains.flat().length - deleted.length + 1;
  deps = {
    ledger: new LedgerStore(db, table('ledger')),
    seals: new SealStore(db, table('seals')),
    cases: new CaseStore(db, table('cases')),
    key,
    clock: { now: () => Date.parse(AT) },
    policies: bundledPolicies(),
  };
}, 120_000);

afterAll(async () => {
  client?.destroy();
  await store?.close();
});

const byId = (v: Violation) => `${v.loanId}#${v.cycle} ${v.seq} ${v.ruleId}`;
type Run = Awaited<ReturnType<ReturnType<typeof createAuditCore>>>;
const runSegments = async (total: number, d: AuditDeps = deps): Promise<Run[]> => {
  const core = createAuditCore(d);
  const runs: Run[] = [];
  for (let segment = 0; segment < total; segment += 1)
    runs.push(await core({ segment, totalSegments: total, at: AT }));
  return runs;
};

describe('the daily audit, whole and in segments', () => {
  let whole: Run;
  beforeAll(async () => {
    whole = await createAuditCore(deps)({ at: AT });
  }, 60_000);

  it('the whole run finds what was planted: every record, the three broken chains, the rules broken across chains', () => {
    expect(whole.records).toBe(appended);
    expect(whole.broken.map((b) => `${b.ledgerId} ${b.problem}`).sort()).toEqual([
      'L-000004-1#1 content was edited',
      'L-000006-0#1 every record is gone: the chain was sealed up to record 3',
      'X-1#1 not sealed by the ledger writer: appended by someone else',
    ]);
    const rules = new Set(whole.allViolations.map((v) => v.ruleId));
    expect([...rules].sort()).toEqual([
      'CN_CONNECTED_CALLS_PER_DAY',
      'CN_CONTACT_HOURS',
      'CN_UNANSWERED_CALLS_PER_DAY',
      'CN_UNVERIFIABLE',
    ]);
  });

  it.each([3, 8])('%i segments check every chain and count every record exactly once', async (total) => {
    const runs = await runSegments(total);
    const chains = runs.flatMap((r) => r.report.chains.map((c) => c.ledgerId));
    expect(chains.length).toBe(new Set(chains).size);
    expect(new Set(chains)).toEqual(new Set(whole.report.chains.map((c) => c.ledgerId)));
    expect(runs.reduce((n, r) => n + r.records, 0)).toBe(whole.records);
    expect(runs.filter((r) => r.records > 0).length).toBeGreaterThan(1);
    expect(runs.flatMap((r) => r.broken.map((b) => `${b.ledgerId} ${b.problem}`)).sort()).toEqual(
      whole.broken.map((b) => `${b.ledgerId} ${b.problem}`).sort(),
    );
  });

  it.each([3, 8])(
    '%i segments find each violation once, the same as the whole run, and add up its counts',
    async (total) => {
      const runs = await runSegments(total);
      expect(runs.flatMap((r) => r.allViolations.map(byId)).sort()).toEqual(
        whole.allViolations.map(byId).sort(),
      );
      const sum = (f: (r: Run) => number) => runs.reduce((n, r) => n + f(r), 0);
      expect(sum((r) => r.compliance.records)).toBe(whole.compliance.records);
      expect(sum((r) => r.compliance.sentAttempts)).toBe(whole.compliance.sentAttempts);
    },
  );

  it('a debtor whose loans are scanned by different segments is still judged across them', async () => {
    const runs = await runSegments(8);
    const segmentOf = new Map(runs.flatMap((r, i) => r.report.chains.map((c) => [c.ledgerId, i] as const)));
    const crossing = whole.allViolations.filter((v) => {
      if (v.ruleId !== 'CN_CONNECTED_CALLS_PER_DAY') return false;
      const debtor = v.loanId.slice(0, -2);
      return segmentOf.get(`${debtor}-0#1`) !== segmentOf.get(`${debtor}-1#1`);
    });
    expect(crossing.length).toBeGreaterThan(0);
  });

  it("when the seals' segments are not the ledger's, the Queries reconcile them to the same result", async () => {
    // The seal Scan of segment s returns segment s+1's seals: no chain has its seals in its own segment.
    const shifted: AuditDeps = {
      ...deps,
      seals: {
        list: (id) => deps.seals.list(id),
        scan: (part) =>
          deps.seals.scan(part && { ...part, segment: (part.segment + 1) % part.totalSegments }),
      },
    };
    const runs = await runSegments(4, shifted);
    expect(runs.flatMap((r) => r.broken.map((b) => `${b.ledgerId} ${b.problem}`)).sort()).toEqual(
      whole.broken.map((b) => `${b.ledgerId} ${b.problem}`).sort(),
    );
    const chains = runs.flatMap((r) => r.report.chains.map((c) => c.ledgerId));
    expect(chains.length).toBe(new Set(chains).size);
    expect(chains.length).toBe(whole.report.chains.length);
  });
});

/** The audit state machine's definition (lib/audit-definition.ts) on the local interpreter. */
describe('the audit state machine', () => {
  const definition = (per: number, concurrency = 4) =>
    JSON.parse(
      JSON.stringify(auditDefinition({ recordsPerSegment: per, concurrency }))
        .replaceAll('${Partition}', 'aws')
        .replaceAll('${LedgerTableName}', 'Ledger')
        .replaceAll('${AuditFunctionArn}', 'arn:aws:lambda:us-east-1:123456789012:function:audit'),
    );
  const run = async (
    itemCount: number,
    per: number,
    segment: (input: Record<string, unknown>) => Promise<unknown>,
  ) => {
    const machine = new StateMachine(definition(per));
    const execution = machine.run(
      {},
      {
        overrides: {
          taskResourceLocalHandlers: {
            'Ledger size': async () => ({ Table: { ItemCount: itemCount } }),
            // The handler gets the Task's Parameters: { FunctionName, Payload }.
            'Audit segment': async (input) => ({
              Payload: JSON.parse(
                JSON.stringify(await segment((input as { Payload: Record<string, unknown> }).Payload)),
              ),
            }),
          },
        },
      },
    );
    return (await execution.result) as {
      totalSegments: number;
      segmentResults: Array<Record<string, number>>;
    };
  };

  it("takes the execution's start time as AWS writes it ($$.Execution.StartTime) as the run's time", () => {
    const input = { segment: 3, totalSegments: 8, at: '2026-12-14T03:17:00.123Z' };
    expect(AuditRequestSchema().parse(input)).toEqual(input);
    expect(AuditRequestSchema().safeParse({ ...input, at: '2026-12-14 03:17' }).success).toBe(false);
  });

  it('passes asl-validator in every partition', () => {
    const validate = aslValidator as unknown as (d: unknown) => { isValid: boolean; errors: unknown[] };
    for (const partition of ['aws', 'aws-cn', 'aws-us-gov']) {
      const text = JSON.stringify(auditDefinition({ recordsPerSegment: 250_000, concurrency: 8 }));
      const result = validate(JSON.parse(text.replaceAll('${Partition}', partition)));
      expect(result.errors, partition).toEqual([]);
    }
  });

  it.each([
    [0, 1],
    [10, 1],
    [11, 2],
    [40, 4],
    [41, 8],
    [5_120, 512],
    [10_000_000, 512],
  ])(
    'a ledger of %i items at 10 a segment runs %i segments, each once, all with the same time',
    async (items, n) => {
      const seen: Array<Record<string, unknown>> = [];
      const out = await run(items, 10, async (input) => {
        seen.push(input);
        return {
          segment: input.segment,
          records: 0,
          chains: 0,
          brokenChains: 0,
          compliance: { violations: 0 },
          elapsedMs: 1,
        };
      });
      expect(out.totalSegments).toBe(n);
      expect(seen.map((s) => s.segment).sort((a, b) => Number(a) - Number(b))).toEqual([...Array(n).keys()]);
      expect(new Set(seen.map((s) => `${s.totalSegments} ${s.at}`)).size).toBe(1);
      expect(seen[0]?.totalSegments).toBe(n);
      expect(out.segmentResults).toHaveLength(n);
    },
  );

  it('run over the store, its segments count every record once', async () => {
    const core = createAuditCore(deps);
    const whole = await core({ at: AT });
    const out = await run(whole.records, Math.ceil(whole.records / 5), async (input) => {
      const { report: _r, allViolations: _v, ...result } = await core({ ...input, at: AT });
      return result;
    });
    expect(out.totalSegments).toBe(8);
    expect(out.segmentResults.reduce((n, r) => n + (r.records ?? 0), 0)).toBe(whole.records);
    expect(out.segmentResults.reduce((n, r) => n + (r.violations ?? 0), 0)).toBe(whole.allViolations.length);
    expect(out.segmentResults.reduce((n, r) => n + (r.brokenChains ?? 0), 0)).toBe(3);
  });
});
