import { createHash } from 'node:crypto';
import type { ConversationStore } from '../adapters/conversation-store.js';
import type { HumanTask } from '../adapters/task-store.js';
import { ValidationError } from '../domain/errors.js';

/**
 * An agent's notes on a call, or a visitor's report, kept as a borrower's reply is: the text in the
 * conversations table (under the contact key; the erasure function deletes it with the borrower), and
 * only its id and SHA-256 go on to the execution, whose outcome record names them
 * (detail.noteId, detail.noteSha256). The text never enters an execution's state, a log, a metric or
 * the tasks table (which is not under the contact key). Legal gets it in the evidence pack, which is
 * under the evidence key (functions/stage/steps/evidence-notes.ts).
 */
export interface NoteRef {
  noteId: string;
  noteSha256: string;
}

export const sha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

/**
 * Stores the text once per task and text: the id names the task and the text's hash, so a completion
 * retried after a conflict stores nothing twice, and a different text is another entry.
 */
export async function keepNote(
  conversations: Pick<ConversationStore, 'put'> | undefined,
  task: HumanTask,
  text: string,
  now: string,
): Promise<NoteRef> {
  if (!conversations) throw new ValidationError('notes: this desk keeps no notes');
  const hash = sha256(text);
  const noteId = `${task.taskId}#note#${hash.slice(0, 16)}`;
  await conversations.put({
    borrowerId: task.borrowerId,
    itemId: noteId,
    channel: task.queue === 'field-visits' ? 'VISIT' : 'CALL',
    taskId: task.taskId,
    text,
    receivedAt: now,
  });
  return { noteId, noteSha256: hash };
}
