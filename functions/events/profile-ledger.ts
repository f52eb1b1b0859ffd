import type { BorrowerView } from '../adapters/case-store.js';
import type { LedgerStore } from '../adapters/ledger-store.js';
import type { LedgerWriter } from '../adapters/ledger-writer.js';
import { ConcurrentUpdateError } from '../domain/errors.js';
import { chain, GENESIS_HASH, type LedgerRecord, profileLedgerId } from '../domain/ledger.js';
import type { PolicyRegistry } from '../domain/policies.js';

/** What writing a PROFILE record needs: the ledger's reads, and the ledger writer (which seals). */
export interface ProfileLedgerDeps {
  ledger: Pick<LedgerStore, 'list'>;
  writer: LedgerWriter;
  policies: PolicyRegistry;
}

export type ProfileEvent =
  | 'PREFERENCES_CHANGED'
  | 'CONTACT_CODE_SENT'
  | 'CONTACT_CODE_LOCKED'
  | 'CONTACT_POINT_CHANGED';

/**
 * A PROFILE record on the profile chain of each of the borrower's cases still on the ladder (or, with
 * none, of their latest case), so each loan's evidence shows what the borrower changed and when. The
 * detail holds identifiers and codes only. An event already recorded with the same `key` is not
 * recorded twice (a redelivered event); a concurrent append is retried on the new head.
 */
export async function recordProfileChange(
  deps: ProfileLedgerDeps,
  view: BorrowerView | undefined,
  at: string,
  event: ProfileEvent,
  detail: Record<string, string | number | boolean>,
): Promise<void> {
  const cases = (view?.cases ?? []).map((c) => c.item);
  const active = cases.filter((c) => c.status === 'ACTIVE');
  const latest = [...cases].sort((a, b) => Date.parse(b.openedAt) - Date.parse(a.openedAt))[0];
  const key = `${event}@${at}`;
  for (const kase of active.length > 0 ? active : latest ? [latest] : []) {
    const ledgerId = profileLedgerId(kase.loanId, kase.cycle);
    const policy = deps.policies.get(kase.policyId);
    for (let attempt = 0; ; attempt++) {
      const records = await deps.ledger.list(ledgerId);
      if (records.some((r) => r.detail?.key === key)) break;
      const last: Pick<LedgerRecord, 'seq' | 'hash'> = records.at(-1) ?? { seq: 0, hash: GENESIS_HASH };
      try {
        await deps.writer.append(
          chain(last, {
            ledgerId,
            loanId: kase.loanId,
            cycle: kase.cycle,
            type: 'PROFILE',
            at,
            stage: 'PROFILE',
            policyId: kase.policyId,
            policyVersion: kase.policyVersion,
            rulePackId: policy.rules.id,
            rulePackVersion: policy.rules.version,
            attempts: [],
            detail: { event, key, ...detail },
          }),
        );
        break;
      } catch (error) {
        if (!(error instanceof ConcurrentUpdateError) || attempt >= 4) throw error;
      }
    }
  }
}
