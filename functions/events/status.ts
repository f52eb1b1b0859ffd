import { caseKey } from '../domain/case.js';
import { isoUtc } from '../domain/clock.js';
import { ValidationError } from '../domain/errors.js';
import { type EventsDeps, type Handlers, need, onBorrower, wakeAll } from './apply.js';
import { logChange } from './consent.js';

/** Events that end every ladder of the borrower at once: a specialist status, or erasure. */
export const statusHandlers = (
  deps: EventsDeps,
): Handlers<'BorrowerStatusChanged' | 'BorrowerErasureRequested'> => ({
  BorrowerStatusChanged: async (d) => {
    const result = await onBorrower(deps, d.borrowerId, (p, now) => {
      // An erased borrower stays erased: intake would otherwise store their contact details again.
      if (p.specialStatus === 'ERASED') return 'ERASED';
      p.specialStatus = d.status;
      logChange(p, { type: 'STATUS', status: d.status, at: d.at, recordedAt: isoUtc(now) });
      return undefined;
    });
    if (!result.applied) return { applied: false, ...(result.note ? { note: result.note } : {}) };
    // Each open case goes to the specialist queue (a work item with no callback: the ladder ends).
    for (const c of result.view?.cases ?? []) {
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
    await wakeAll(deps, result.view, `SPECIALIST_${d.status}`);
    return { applied: true };
  },
  BorrowerErasureRequested: async (d) => {
    const { contacts } = deps;
    if (!contacts) {
      throw new ValidationError('BorrowerErasureRequested: handled by the erasure function only');
    }
    // The profile first: from this write on, the stage gate closes every case of the borrower, so no
    // stage reads the contact details between their deletion and the mark. A retry after a failed
    // delete finds the profile marked and deletes again (both steps are idempotent).
    const result = await onBorrower(deps, d.borrowerId, (p, now) => {
      if (p.specialStatus !== 'ERASED')
        logChange(p, { type: 'STATUS', status: 'ERASED', at: d.at, recordedAt: isoUtc(now) });
      p.specialStatus = 'ERASED';
      p.contactPoints = {};
    });
    // Erased or not known here, the contact details are deleted: intake may have stored them.
    await contacts.erase(d.borrowerId);
    // What the borrower wrote goes too (the ledger keeps each reply's id and hash only).
    await deps.conversations?.erase(d.borrowerId);
    await wakeAll(deps, result.view, 'ERASED');
    return { applied: result.applied, ...(result.note ? { note: result.note } : {}) };
  },
});
