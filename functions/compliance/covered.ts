import type { AttemptEntry } from '../domain/ledger.js';
import { localMoment } from './local-time.js';
import type { Finding, RecordScope } from './types.js';

/**
 * One voice per borrower, checked on its own terms: a message not sent because another loan's message
 * of the day covered it (COVERED, COVERED_BY `<loanId>#<cycle>#<seq>`) is judged by what it names.
 * The covering record must exist, be the same borrower's, on the same local day, and have SENT on the
 * same channel a message that says it covers this loan. Otherwise the borrower was never told about
 * this loan that day: COVERED_BY_NOTHING. (A covered attempt is not a SENT for any cap: it went out
 * once, as the covering loan's.)
 */
export function coveredBy(scope: RecordScope, attempt: AttemptEntry): Finding | undefined {
  const ref = attempt.providerRef ?? '';
  const cut = ref.lastIndexOf('#');
  const seq = Number(ref.slice(cut + 1));
  const covering = scope.portfolio.chains.get(ref.slice(0, cut))?.find((r) => r.seq === seq);
  const why = (detail: string): Finding => ({
    rule: 'COVERED_BY_NOTHING',
    detail: `${attempt.channel} at ${scope.record.at}: ${detail}`,
  });
  if (!covering) return why(`no record ${ref}`);
  const owner = scope.portfolio.caseOf.get(covering.ledgerId);
  if (owner?.borrowerId !== scope.kase.borrowerId) return why(`${ref} is another borrower's`);
  const day = (at: string) => localMoment(Date.parse(at), scope.zone).date;
  if (day(covering.at) !== day(scope.record.at)) return why(`${ref} was sent on another day`);
  const sent = covering.attempts.some(
    (a) => a.channel === attempt.channel && a.status === 'SENT' && a.covers?.includes(scope.record.loanId),
  );
  return sent ? undefined : why(`${ref} sent no ${attempt.channel} covering ${scope.record.loanId}`);
}
