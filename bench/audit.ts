import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CaseStore } from '../functions/adapters/case-store.js';
import { documentClient } from '../functions/adapters/env.js';
import { LedgerStore } from '../functions/adapters/ledger-store.js';
import { SealStore } from '../functions/adapters/seal-store.js';
import { TABLES } from '../functions/adapters/tables.js';
import { createAuditCore } from '../functions/audit/core.js';
import { bundledPolicies } from '../functions/domain/policies.js';
import { hmacKey } from '../functions/domain/seal.js';
import { LOCAL_CREDENTIALS, LOCAL_REGION, localTableName, startStore } from '../local/services/store.js';
import { syntheticLedger, writeSyntheticLedger } from './audit-ledger.js';

/**
 * The daily audit's speed (`npm run bench:audit [-- borrowers]`): a synthetic ledger
 * (bench/audit-ledger.ts: 10 records a chain plus calls, one to three chains a borrower, every
 * borrower in the compliance window, some breaking rules across chains) in the embedded store,
 * audited whole and in SEGMENTS segments, one after the other in this process (as one Lambda
 * invocation each). Reports records a second per segment (the chain check, the seals, the compliance
 * check and their Queries), the store requests each made, and the heap the whole run held above the
 * store's (sampled every 50 ms after a GC: an upper bound, the store's responses in flight included).
 * From the slowest segment and that heap: the records one segment can take within Lambda's 15
 * minutes and within 1 GiB of heap. The embedded store (dynalite) answers about 1,900 requests a
 * second here, so these are this machine's figures, not DynamoDB's.
 */
const SEGMENTS = 4;
const TIMEOUT_SECONDS = 900;
setFlagsFromString('--expose_gc');
const gc = runInNewContext('gc') as () => void;
const round = (x: number, digits = 1) => Math.round(x * 10 ** digits) / 10 ** digits;

export async function benchAudit(borrowers: number, log: (line: string) => void = () => undefined) {
  const store = await startStore();
  const client = new DynamoDBClient({
    endpoint: store.endpoint,
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
  });
  let requests = 0;
  client.middlewareStack.add(
    (next) => (args) => {
      requests += 1;
      return next(args);
    },
    { step: 'initialize' },
  );
  try {
    const db = documentClient(client);
    const key = hmacKey(new Uint8Array(32).fill(3), 'bench:seal');
    const ledger = await syntheticLedger(key, { borrowers, recordsPerChain: 10, violations: true });
    log(
      `audit: writing ${ledger.chains.flat().length} records, their seals and ${ledger.cases.length} cases...`,
    );
    await writeSyntheticLedger(db, ledger);
    const table = (t: keyof typeof TABLES) => localTableName(TABLES[t]);
    const core = createAuditCore({
      ledger: new LedgerStore(db, table('ledger')),
      seals: new SealStore(db, table('seals')),
      cases: new CaseStore(db, table('cases')),
      key,
      clock: { now: () => Date.parse('2026-12-14T03:17:00Z') },
      policies: bundledPolicies(),
    });
    const measure = async (input: object) => {
      requests = 0;
      gc();
      const baseline = process.memoryUsage().heapUsed;
      let peak = baseline;
      const sample = setInterval(() => (peak = Math.max(peak, process.memoryUsage().heapUsed)), 50);
      const started = performance.now();
      const result = await core(input);
      const seconds = (performance.now() - started) / 1000;
      peak = Math.max(peak, process.memoryUsage().heapUsed);
      clearInterval(sample);
      return {
        records: result.records,
        seconds,
        requests,
        heapPeakMB: (peak - baseline) / 2 ** 20,
        violations: result.allViolations.length,
      };
    };
    log('audit: the whole ledger in one invocation...');
    const whole = await measure({});
    const segments = [];
    for (let segment = 0; segment < SEGMENTS; segment += 1) {
      log(`audit: segment ${segment} of ${SEGMENTS}...`);
      segments.push(await measure({ segment, totalSegments: SEGMENTS }));
    }
    const rates = segments.map((s) => s.records / s.seconds);
    const heapBytesPerRecord = (whole.heapPeakMB * 2 ** 20) / whole.records;
    return {
      records: whole.records,
      violations: whole.violations,
      wholeSeconds: round(whole.seconds),
      wholeRecordsPerSecond: Math.round(whole.records / whole.seconds),
      wholeHeapPeakMB: Math.round(whole.heapPeakMB),
      heapBytesPerRecord: Math.round(heapBytesPerRecord),
      segments: SEGMENTS,
      recordsPerSecondPerSegment: rates.map(Math.round),
      recordsWithinTimeoutAtSlowestSegment: Math.floor(Math.min(...rates) * TIMEOUT_SECONDS),
      recordsWithin1GiBHeap: Math.floor(2 ** 30 / heapBytesPerRecord),
      segmentRecords: segments.map((s) => s.records),
      segmentRequests: segments.map((s) => s.requests),
      segmentViolations: segments.map((s) => s.violations),
    };
  } finally {
    client.destroy();
    await store.close();
  }
}

if (process.argv[1]?.endsWith('audit.ts')) {
  const borrowers = Number(process.argv[2] ?? 5_000);
  console.log(
    JSON.stringify(await benchAudit(borrowers, (line) => process.stderr.write(`bench: ${line}\n`))),
  );
}
