import { ValidationError } from '../domain/errors.js';
import { createEventsCore, type EventResult, type EventsDeps } from '../events/core.js';

/**
 * Right to erasure: BorrowerErasureRequested -> the profile is marked ERASED (the stage gate then
 * closes every case of the borrower, and waiting executions are woken), and the contact item is
 * deleted. The ledger is not touched: it never held contact details, and it stays verifiable. This is
 * the only function with DeleteItem on the contacts table; it takes no other event.
 */
/** Erasure withdraws an open human task (the agent must not call an erased borrower): tasks required. */
export type ErasureDeps = EventsDeps & Required<Pick<EventsDeps, 'contacts' | 'tasks' | 'conversations'>>;

export function createErasureCore(deps: ErasureDeps) {
  const events = createEventsCore(deps);
  return async function erasureCore(detailType: string, detail: unknown): Promise<EventResult> {
    if (detailType !== 'BorrowerErasureRequested') {
      throw new ValidationError(
        `the erasure function takes BorrowerErasureRequested only, not "${String(detailType).slice(0, 40)}"`,
      );
    }
    return events(detailType, detail);
  };
}
