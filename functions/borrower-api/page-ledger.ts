import { createHash } from 'node:crypto';
import type { CaseStore } from '../adapters/case-store.js';
import type { LedgerStore } from '../adapters/ledger-store.js';
import type { LedgerWriter } from '../adapters/ledger-writer.js';
import type { CaseRecord } from '../domain/case.js';
import { type Clock, isoUtc } from '../domain/clock.js';
import { ConcurrentUpdateError } from '../domain/errors.js';
import {
  chain,
  GENESIS_HASH,
  type LedgerContent,
  type LedgerRecord,
  pageLedgerId,
} from '../domain/ledger.js';
import type { LinkClaims } from '../domain/links.js';
import type { PolicyRegistry } from '../domain/policies.js';

/**
 * Every action taken on the borrower's page is evidence of its own: one PAGE record on the loan
 * cycle's page chain (pageLedgerId) per action, applied or refused, naming the link (never the
 * borrower's contact details or anything they wrote), the action, the outcome and the rule that
 * refused it. One record per action even when the request is retried: the record carries an action
 * id made from the link, the loan, the action and the request's id, and a chain that has it already
 * gets no second record.
 */
export interface PageLedgerDeps {
  cases: Pick<CaseStore, 'borrowerView'>;
  ledger: Pick<LedgerStore, 'list'>;
  writer: LedgerWriter;
  policies: PolicyRegistry;
  clock: Clock;
}

/** The page's actions on one loan, by the last segment of their path. */
const LOAN_ACTIONS = ['promise', 'plan', 'sign', 'dispute', 'hardship'] as const;
/** The page's actions of the link's borrower (settings: ./preferences.ts), by their path. */
const BORROWER_ACTIONS = {
  '/opt-out': 'opt-out',
  '/opt-in': 'opt-in',
  '/preferences': 'preferences',
  '/contact/change': 'contact-change',
  '/contact/verify': 'contact-verify',
} as const;
export type PageActionName =
  | (typeof LOAN_ACTIONS)[number]
  | (typeof BORROWER_ACTIONS)[keyof typeof BORROWER_ACTIONS];

export interface PageAction {
  claims: LinkClaims;
  /** The loans it concerns: its loan, or for the borrower's settings every loan the link names. */
  loanIds: readonly string[];
  action: PageActionName;
  /** The request's id: the page's Idempotency-Key (one per action, reused on a retry), else the API's. */
  requestId: string;
  /** The HTTP status the page got. */
  status: number;
  /** The rule that refused it (the 409/413/415 answer's error), BAD_REQUEST for a 400. */
  rule?: string;
  /** Identifier-only facts of the action (a dispute's reason code and document key and hash, ...). */
  facts?: Record<string, string | number | boolean>;
}

/**
 * The page's Idempotency-Key header (a UUID per action, the same on its retry), if it is one; a link
 * can only merge its own repeats of one action on one loan with it (the action id includes both).
 */
export const idempotencyKey = (value: unknown): string | undefined =>
  typeof value === 'string' && /^[A-Za-z0-9-]{8,64}$/.test(value) ? value : undefined;

/** The page action a request is, on loans the link names; undefined for a read or anything else. */
export function pageActionOf(
  claims: LinkClaims,
  method: string,
  path: string,
): Pick<PageAction, 'action' | 'loanIds'> | undefined {
  if (method !== 'POST') return undefined;
  const own = BORROWER_ACTIONS[path as keyof typeof BORROWER_ACTIONS];
  if (own) return { action: own, loanIds: claims.loanIds };
  const m = /^\/loans\/([^/]+)\/([a-z-]+)$/.exec(path);
  const action = LOAN_ACTIONS.find((a) => a === m?.[2]);
  let loanId: string | undefined;
  try {
    loanId = m?.[1] === undefined ? undefined : decodeURIComponent(m[1]);
  } catch {
    return undefined;
  }
  return action && loanId && claims.loanIds.includes(loanId) ? { action, loanIds: [loanId] } : undefined;
}

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

/** The action's id on its chain: the same request again (a retry) has the same id. */
export const pageActionId = (linkId: string, loanId: string, action: string, requestId: string): string =>
  sha256(`ladder-page-action-v1\n${linkId}\n${loanId}\n${action}\n${requestId}`).slice(0, 32);

/** The page action's record on the page chain of each loan it concerns that has a case. */
export async function recordPageAction(deps: PageLedgerDeps, a: PageAction): Promise<void> {
  const at = isoUtc(deps.clock.now());
  const view = await deps.cases.borrowerView(a.claims.borrowerId);
  for (const loanId of a.loanIds) {
    const kase = view.cases
      .map((c) => c.item)
      .filter((c) => c.loanId === loanId && c.borrowerId === a.claims.borrowerId)
      .sort((x, y) => y.cycle - x.cycle)[0];
    if (kase) await appendOnce(deps, kase, a, at);
  }
}

async function appendOnce(deps: PageLedgerDeps, kase: CaseRecord, a: PageAction, at: string): Promise<void> {
  const ledgerId = pageLedgerId(kase.loanId, kase.cycle);
  const actionId = pageActionId(a.claims.linkId, kase.loanId, a.action, a.requestId);
  const policy = deps.policies.get(kase.policyId);
  const content: LedgerContent = {
    ledgerId,
    loanId: kase.loanId,
    cycle: kase.cycle,
    type: 'PAGE',
    at,
    stage: 'PAGE',
    policyId: kase.policyId,
    policyVersion: kase.policyVersion,
    rulePackId: policy.rules.id,
    rulePackVersion: policy.rules.version,
    attempts: [],
    detail: {
      ...a.facts,
      actionId,
      linkId: a.claims.linkId,
      action: a.action,
      outcome: a.status < 300 ? 'APPLIED' : 'REFUSED',
      status: a.status,
      ...(a.status >= 300 && a.rule ? { rule: a.rule } : {}),
    },
  };
  // Another action of the same loan may take the seq first: read the chain again and append after it.
  for (let attempt = 0; attempt < 5; attempt++) {
    const records = await deps.ledger.list(ledgerId);
    if (records.some((r) => r.detail?.actionId === actionId)) return;
    const last: Pick<LedgerRecord, 'seq' | 'hash'> = records.at(-1) ?? { seq: 0, hash: GENESIS_HASH };
    try {
      await deps.writer.append(chain(last, content));
      return;
    } catch (error) {
      if (!(error instanceof ConcurrentUpdateError)) throw error;
    }
  }
  throw new ConcurrentUpdateError(`${ledgerId}: the page action could not be recorded`);
}
