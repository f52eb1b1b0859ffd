import { describeBroken, LedgerAudit } from '../../functions/domain/audit.js';
import { chain, GENESIS_HASH, type LedgerContent, type LedgerRecord } from '../../functions/domain/ledger.js';
import { hmacKey, type LedgerSeal, seal } from '../../functions/domain/seal.js';

/**
 * Fixed vectors, computed once outside this code base (Python's hashlib and hmac over the canonical
 * strings below): a change of the record format, the canonical JSON or the seal message cannot pass
 * silently, and the ledger is never checked only against the code that wrote it.
 */
export const FIRST: LedgerContent = {
  ledgerId: 'L-1#1',
  loanId: 'L-1',
  cycle: 1,
  type: 'CONTACT',
  at: '2026-12-11T01:00:00.000Z',
  stage: 'D+1',
  policyId: 'default',
  policyVersion: 1,
  rulePackId: 'CN',
  rulePackVersion: '2026.1',
  attempts: [
    { channel: 'SMS', status: 'SENT', providerRef: 'msg-1', templateId: 'first-notice', templateVersion: 1 },
  ],
  detail: { note: 'é中' },
};
export const SECOND: LedgerContent = {
  ...FIRST,
  stage: 'D+3',
  at: '2026-12-13T01:00:00.000Z',
  attempts: [{ channel: 'EMAIL', status: 'BLOCKED', reason: 'OPTED_OUT_EMAIL' }],
  detail: undefined,
};
export const CANONICAL_FIRST =
  '{"at":"2026-12-11T01:00:00.000Z","attempts":[{"channel":"SMS","providerRef":"msg-1","status":"SENT",' +
  '"templateId":"first-notice","templateVersion":1}],"cycle":1,"detail":{"note":"é中"},"ledgerId":"L-1#1",' +
  '"loanId":"L-1","policyId":"default","policyVersion":1,"rulePackId":"CN","rulePackVersion":"2026.1",' +
  '"stage":"D+1","type":"CONTACT"}';
export const HASH_1 = 'af1aef54428636dfa7a089fdb56e110ef8fc29b72be1de149fdc3eb99ae1d7cc';
export const HASH_2 = '949a4723bfb869699ba830abbc75ff203b5281db8d09887c64a54b88d481eb8b';
export const KEY = Uint8Array.from({ length: 32 }, (_, i) => i);
export const MAC_2 = 'e6e0dfd96ef06fdb4745f031674709e36011cd8149a139db3fead7f214dd2f99';

export const key = hmacKey(KEY, 'local:test');
export const AT = Date.parse('2026-12-20T00:00:00Z');

/** A chain of n records, each sealed as the ledger writer seals it. */
export async function sealedChain(loanId: string, n: number) {
  const records: LedgerRecord[] = [];
  const seals: LedgerSeal[] = [];
  let head = { seq: 0, hash: GENESIS_HASH };
  for (let i = 0; i < n; i++) {
    const record = chain(head, { ...FIRST, ledgerId: `${loanId}#1`, loanId, stage: `D+${i}` });
    records.push(record);
    seals.push(await seal(key, record, FIRST.at));
    head = record;
  }
  return { records, seals };
}

/** The audit's broken chains, one line each, with the key, at AT, with an hour's grace for new records. */
export async function audit(records: unknown[], seals: unknown[], options = {}) {
  const a = new LedgerAudit();
  a.add(records);
  a.addSeals(seals);
  const report = await a.report({ key, now: AT, graceMs: 3_600_000, ...options });
  return report.broken.map(describeBroken);
}
