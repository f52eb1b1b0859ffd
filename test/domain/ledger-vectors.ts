import type { LedgerContent } from '../../functions/domain/ledger.js';

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
