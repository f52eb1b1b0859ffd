import type { LadderPolicy, Stage } from './policy.js';

/**
 * The stages the borrower must be told of in advance (DOMAIN.md): a field visit, a credit report and
 * a blacklist report each need an earlier NOTICE stage whose `noticeFor` names them, at least the
 * policy's notice days before (the visit's `fieldVisit.noticeDays`, the blacklist's
 * `blacklist.noticeDays`; the credit report's wait is the rule pack's and is kept at run time).
 */
const ADVANCE_NOTICE = {
  FIELD_VISIT: ['a field visit', 'the visit notice'],
  CREDIT_REPORT: ['credit reporting', 'the credit-report notice'],
  BLACKLIST_REPORT: ['a blacklist report', 'the blacklist notice'],
} as const;

const noticeDaysFor = (policy: LadderPolicy, kind: keyof typeof ADVANCE_NOTICE): number =>
  kind === 'FIELD_VISIT' ? policy.fieldVisit.noticeDays : (policy.blacklist?.noticeDays ?? 0);

/** What is wrong with a stage's advance notice, if the stage needs one. */
export function advanceNoticeProblem(policy: LadderPolicy, stage: Stage): string | undefined {
  if (!(stage.kind in ADVANCE_NOTICE)) return undefined;
  const kind = stage.kind as keyof typeof ADVANCE_NOTICE;
  const [what, notice] = ADVANCE_NOTICE[kind];
  const given = policy.stages.find((s) => s.noticeFor === kind && s.offsetDays < stage.offsetDays);
  if (!given) return `stage ${stage.id}: kind: ${what} needs an earlier NOTICE stage with noticeFor ${kind}`;
  const days = kind === 'CREDIT_REPORT' ? 0 : noticeDaysFor(policy, kind);
  if (stage.offsetDays - given.offsetDays < days)
    return `stage ${stage.id}: offsetDays: ${notice} (${given.id}) must come ${days} days before`;
  return undefined;
}
