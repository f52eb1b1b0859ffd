import type { AttemptEntry, LedgerRecord } from '../domain/ledger.js';
import { attemptKey } from './order.js';
import type { AttemptRule, Finding } from './types.js';

/**
 * The same message sent twice: a retry that sent again instead of replaying what it sent, or a stage
 * run twice. Two SENT messages (attempts with a template) of one loan cycle with the same channel,
 * template and stage (and, in PLAN records, the same instalment of the same agreement: a renegotiated
 * plan's instalments are numbered from 1 again), or two SMS or e-mails with the same
 * provider message id. Letters are left out of the provider-id test: the ledger records the print
 * vendor's name as their reference, the same for every letter.
 */
const PER_MESSAGE_REFERENCE = new Set(['SMS', 'EMAIL']);

const messageKey = (record: LedgerRecord, attempt: AttemptEntry): string | undefined => {
  if (attempt.templateId === undefined) return undefined;
  const instalment = record.type === 'PLAN' ? String(record.detail?.instalment ?? '') : '';
  const agreement = record.type === 'PLAN' ? String(record.detail?.agreement ?? '') : '';
  return [record.ledgerId, attempt.channel, attempt.templateId, record.stage, instalment, agreement].join(
    '\u0000',
  );
};

const referenceKey = (attempt: AttemptEntry): string | undefined =>
  attempt.providerRef !== undefined && PER_MESSAGE_REFERENCE.has(attempt.channel)
    ? `${attempt.channel}\u0000${attempt.providerRef}`
    : undefined;

const described = (first: LedgerRecord) => `seq ${first.seq} at ${first.at}`;

/** For every SENT attempt that repeats an earlier one (in time order), why: by attempt key. */
export function findDuplicates(ordered: readonly LedgerRecord[]): Map<string, Finding> {
  const byMessage = new Map<string, LedgerRecord>();
  const byReference = new Map<string, LedgerRecord>();
  const found = new Map<string, Finding>();
  for (const record of ordered) {
    record.attempts.forEach((attempt, index) => {
      if (attempt.status !== 'SENT') return;
      const message = messageKey(record, attempt);
      const reference = referenceKey(attempt);
      const sameMessage = message === undefined ? undefined : byMessage.get(message);
      const sameReference = reference === undefined ? undefined : byReference.get(reference);
      const what = `${attempt.channel} at ${record.at}`;
      if (sameMessage) {
        const plan = record.type === 'PLAN' ? ` instalment ${record.detail?.instalment}` : '';
        const detail = `${what}: template ${attempt.templateId} of stage ${record.stage}${plan} already sent (${described(sameMessage)})`;
        found.set(attemptKey(record, index), { rule: 'DUPLICATE_MESSAGE', detail });
      } else if (sameReference) {
        const detail = `${what}: the provider's message id was already recorded (loan ${sameReference.loanId} ${described(sameReference)})`;
        found.set(attemptKey(record, index), { rule: 'DUPLICATE_MESSAGE', detail });
      }
      if (message !== undefined && !sameMessage) byMessage.set(message, record);
      if (reference !== undefined && !sameReference) byReference.set(reference, record);
    });
  }
  return found;
}

export const duplicateMessage: AttemptRule = (s) => s.portfolio.duplicates.get(attemptKey(s.record, s.index));
