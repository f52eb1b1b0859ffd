import { caseKey } from '../domain/case.js';
import { isoUtc } from '../domain/clock.js';
import { ValidationError } from '../domain/errors.js';
import { type EventsDeps, type Handlers, need, onBorrower, wakeAll } from './apply.js';

/** Events that end every ladder of the borrower at once: a specialist status, or erasure. */
export const statusHandlers = (
  deps: EventsDeps,
): Handlers<'BorrowerStatusChanged' | 'BorrowerErasureRequested'> => ({
  BorrowerStatusChanged: async (d) => {
    const result = await onBorrower(deps, d.borrowerId, (p) => {
      // An erased borrower stays erased: intake would otherwise store their contact details again.
      if (p.specialStatus !== 'ERASED') p.specialStatus = d.status;
    });
    // Each open case goes to the specialist queue (a work item with no callback: the ladder ends);
    // an erased borrower's cases are closed by the erasure, with nothing left for a specialist.
    const erased = result.view?.profile?.item.specialStatus === 'ERASED';
    for (const c of erased ? [] : (result.view?.cases ?? [])) {
      if (c.item.status !== 'ACTIVE') continue;
      await need(deps.tasks, 'task store').open({
        taskId: `${caseKey(c.item.loanId, c.item.cycle)}#SPECIALIST#${d.status}`,
        queue: 'specialist',
        loanId: c.item.loanId,
        cycle: c.item.cycle,
        borrowerId: c.item.borrowerId,
        stage: d.status,
        openedAt: isoUtc(deps.clock.now()),
        status: 'OPEN',
      });
    }
    await wakeAll(deps, result.view);
    return { applied: result.applied, ...(result.note ? { note: result.note } : {}) };
  },
  BorrowerErasureRequested: async (d) => {
    const { contacts } = deps;
    if (!contacts) {
      throw new ValidationError('BorrowerErasureRequested: handled by the erasure function only');
    }
    // The profile first: from this write on, the stage gate closes every case of the borrower, so no
    // stage reads the contact details between their deletion and the mark. A retry after a failed
    // delete finds the profile marked and deletes again (both steps are idempotent).
    const result = await onBorrower(deps, d.borrowerId, (p) => {
      p.specialStatus = 'ERASED';
      p.contactPoints = {};
    });
    await contacts.erase(d.borrowerId);
    await wakeAll(deps, result.view);
    return { applied: true, ...(result.note ? { note: result.note } : {}) };
  },
});
