import { createHash } from 'node:crypto';
import type { AgentNote } from '../../domain/evidence.js';
import { noteRefs } from '../../domain/evidence.js';
import type { LedgerRecord } from '../../domain/ledger.js';
import type { Ctx } from '../context.js';

/**
 * The agents' notes and visit reports the loan's ledger names, with their text from the conversations
 * table (under the contact key), for the evidence pack only: the pack is written to the evidence
 * bucket under the evidence key, and the text goes nowhere else (not into the record, the execution's
 * state, a log or the handoff event). Each text is checked against the SHA-256 its record holds.
 */
export async function notesForPack(ctx: Ctx, ledger: readonly LedgerRecord[]): Promise<AgentNote[]> {
  const refs = noteRefs(ledger);
  const store = ctx.deps.conversations;
  const out: AgentNote[] = [];
  for (const ref of refs) {
    const entry = store ? await store.get(ctx.req.borrowerId, ref.noteId) : undefined;
    const text = entry?.text;
    const matches =
      text !== undefined && createHash('sha256').update(text, 'utf8').digest('hex') === ref.sha256;
    out.push({ ...ref, ...(text !== undefined ? { text } : {}), matches });
  }
  return out;
}
