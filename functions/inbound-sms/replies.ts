import { createHash } from 'node:crypto';
import type { CaseStore, Stored } from '../adapters/case-store.js';
import type { ConversationStore } from '../adapters/conversation-store.js';
import type { LedgerStore } from '../adapters/ledger-store.js';
import type { LedgerWriter } from '../adapters/ledger-writer.js';
import type { TaskStore } from '../adapters/task-store.js';
import type { CaseRecord, ReplyRef } from '../domain/case.js';
import { type Clock, isoUtc } from '../domain/clock.js';
import { ConcurrentUpdateError } from '../domain/errors.js';
import { hearHardship } from '../domain/hardship.js';
import { classifyReply, type Intent } from '../domain/intents.js';
import { chain, conversationLedgerId, GENESIS_HASH, type LedgerRecord } from '../domain/ledger.js';
import type { PolicyRegistry } from '../domain/policies.js';

/**
 * A borrower's free-text reply becomes a conversation item: the text stored under the contact key
 * (conversations table), one work item on the `conversations` queue for the borrower (naming every
 * loan of theirs in collection), and on each of those loans a REPLY record on its conversation chain
 * (the item id and the SHA-256 of the text) and a reference on the case, which the ladder reads
 * (a hardship reply pauses escalation: functions/domain/hardship.ts). The text is never logged and
 * never enters an execution's state. Every write is idempotent by the item id, so a redelivered
 * message (SNS and Lambda retry) makes no second item, record or reference.
 */
export interface ReplyDeps {
  cases: Pick<CaseStore, 'borrowerView' | 'saveCase'>;
  conversations: Pick<ConversationStore, 'put'>;
  tasks: Pick<TaskStore, 'open'>;
  ledger: Pick<LedgerStore, 'list'>;
  writer: LedgerWriter;
  policies: PolicyRegistry;
  clock: Clock;
}

export interface Reply {
  channel: 'SMS' | 'EMAIL';
  text: string;
  subject?: string;
  /** The provider's message id: the same message delivered twice is one item. */
  messageId: string;
}

export interface ReplyResult {
  /** Conversation items opened (0 when the borrower has no loan in collection, or a repeat). */
  items: number;
  intent?: Intent;
}

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

/** The item's id: from the message and the borrower (a shared number is one item per borrower). */
export const replyItemId = (reply: Pick<Reply, 'channel' | 'messageId'>, borrowerId: string): string =>
  sha256(`ladder-reply-v1\n${reply.channel}\n${reply.messageId}\n${borrowerId}`).slice(0, 32);

/** The reply of one borrower (found by the number or address it came from). */
export async function takeReply(deps: ReplyDeps, borrowerId: string, reply: Reply): Promise<ReplyResult> {
  const view = await deps.cases.borrowerView(borrowerId);
  const active = view.cases
    .filter((c) => c.item.status === 'ACTIVE')
    .sort(
      (a, b) => a.item.dueDate.localeCompare(b.item.dueDate) || a.item.loanId.localeCompare(b.item.loanId),
    );
  const first = active[0];
  if (!first || !view.profile) return { items: 0 };
  const intent = classifyReply(reply.text, reply.channel, view.profile.item.locale, reply.subject);
  const itemId = replyItemId(reply, borrowerId);
  const receivedAt = isoUtc(deps.clock.now());
  const ref: ReplyRef = {
    itemId,
    taskId: `reply-${itemId}`,
    channel: reply.channel,
    intent,
    sha256: sha256(reply.text),
    receivedAt,
  };
  await deps.conversations.put({
    borrowerId,
    itemId,
    channel: reply.channel,
    ...(reply.subject ? { subject: reply.subject } : {}),
    text: reply.text,
    receivedAt,
  });
  for (const kase of active) {
    await recordReply(deps, kase.item, ref);
    await noteOnCase(deps, kase, ref);
  }
  const { created } = await deps.tasks.open({
    taskId: ref.taskId,
    queue: 'conversations',
    loanId: first.item.loanId,
    cycle: first.item.cycle,
    borrowerId,
    stage: 'REPLY',
    openedAt: receivedAt,
    status: 'OPEN',
    conversation: { itemId, channel: reply.channel, intent, loans: active.map((c) => c.item.loanId) },
  });
  return { items: created ? 1 : 0, intent };
}

/** The REPLY record on the loan's conversation chain, unless the chain has this item already. */
async function recordReply(deps: ReplyDeps, kase: CaseRecord, ref: ReplyRef): Promise<void> {
  const ledgerId = conversationLedgerId(kase.loanId, kase.cycle);
  const records = await deps.ledger.list(ledgerId);
  if (records.some((r) => r.detail?.itemId === ref.itemId)) return;
  const policy = deps.policies.get(kase.policyId);
  const last: Pick<LedgerRecord, 'seq' | 'hash'> = records.at(-1) ?? { seq: 0, hash: GENESIS_HASH };
  await deps.writer.append(
    chain(last, {
      ledgerId,
      loanId: kase.loanId,
      cycle: kase.cycle,
      type: 'REPLY',
      at: ref.receivedAt,
      stage: 'REPLY',
      policyId: kase.policyId,
      policyVersion: kase.policyVersion,
      rulePackId: policy.rules.id,
      rulePackVersion: policy.rules.version,
      attempts: [],
      detail: { itemId: ref.itemId, sha256: ref.sha256, channel: ref.channel, intent: ref.intent },
    }),
  );
}

/** The reference on the case (what the ladder reads), once; a concurrent write is retried. */
async function noteOnCase(deps: ReplyDeps, kase: Stored<CaseRecord>, ref: ReplyRef): Promise<void> {
  let current: Stored<CaseRecord> | undefined = kase;
  for (let attempt = 0; attempt < 5 && current; attempt++) {
    if (current.item.replies?.some((r) => r.itemId === ref.itemId)) return;
    const c = structuredClone(current.item);
    c.replies = [...(c.replies ?? []), ref];
    // A reply that reads as hardship is heard at once: escalation pauses (domain/hardship.ts).
    if (ref.intent === 'HARDSHIP')
      hearHardship(c, deps.policies.get(c.policyId), Date.parse(ref.receivedAt), 'REPLY');
    try {
      await deps.cases.saveCase(c, current.rev);
      return;
    } catch (error) {
      if (!(error instanceof ConcurrentUpdateError)) throw error;
      const view = await deps.cases.borrowerView(kase.item.borrowerId);
      current = view.cases.find(
        (x) => x.item.loanId === kase.item.loanId && x.item.cycle === kase.item.cycle,
      );
    }
  }
  throw new ConcurrentUpdateError(`case ${kase.item.loanId}: the reply could not be noted`);
}
