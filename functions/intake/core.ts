import { DateTime } from 'luxon';
import type { CaseStore } from '../adapters/case-store.js';
import type { ContactStore } from '../adapters/contact-store.js';
import type { ExecutionStarter } from '../adapters/workflow.js';
import { type BorrowerProfile, type CaseRecord, stageTime } from '../domain/case.js';
import { type Clock, isoUtc } from '../domain/clock.js';
import { executionName } from '../domain/continuation.js';
import type { LadderInput } from '../domain/decide.js';
import { ConcurrentUpdateError, ValidationError } from '../domain/errors.js';
import { describeZodError, type LoanDelinquent, LoanDelinquentSchema } from '../domain/events.js';
import { assignArm } from '../domain/experiment.js';
import { GENESIS_HASH } from '../domain/ledger.js';
import { lineMessage } from '../domain/lines.js';
import { resolveLocale } from '../domain/locale.js';
import { toMinor } from '../domain/money.js';
import type { PolicyRegistry } from '../domain/policies.js';
import { minimumDueMinor } from '../domain/policy-money.js';
import type { MacKey } from '../domain/seal.js';
import { route, type SegmentTable } from '../domain/segments.js';
import { zone } from '../domain/zone.js';

/**
 * Intake of a LoanDelinquent event: validate, store the contact details (contacts table only), the
 * borrower's profile and the case, then start the ladder with a deterministic execution name (loan
 * id + cycle). A repeated event finds the case stored and the execution started: nothing new
 * happens. The execution input holds identifiers and timestamps only.
 */
export interface IntakeDeps {
  cases: CaseStore;
  contacts: ContactStore;
  starter: ExecutionStarter;
  clock: Clock;
  policies: PolicyRegistry;
  /**
   * Makes the phone line's pseudonym (an HMAC of the number under the line key: on AWS a KMS HMAC key
   * only intake may use). Borrowers who share a number share a line, and the per-number call caps count
   * on it. Without it the caps count per borrower.
   */
  lines?: Pick<MacKey, 'mac'>;
  /** The routing table that picks a loan's policy when its event names none; without it, the default policy. */
  segments?: SegmentTable;
}

/**
 * The loan's segment and policy: the one its event names (segment NAMED), else the routing table's
 * first fitting route (product, amount, days past due at intake, risk score), else the default.
 */
function chooseLadder(deps: IntakeDeps, event: LoanDelinquent, now: number) {
  if (event.policyId) return { segment: 'NAMED', policy: event.policyId };
  if (!deps.segments) return { segment: 'DEFAULT', policy: deps.policies.defaultId };
  const due = DateTime.fromISO(event.dueDate, { zone: zone(event.borrower.timeZone) });
  const daysPastDue = Math.max(0, Math.floor(DateTime.fromMillis(now).diff(due, 'days').days));
  return route(deps.segments, {
    product: event.product,
    amountDue: event.amountDue,
    currency: event.currency,
    daysPastDue,
    riskScore: event.riskScore,
  });
}

export { executionName, lineMessage };

/** How far ahead of its due date a case may be opened (the first Wait must stay under 24 days). */
export const MAX_DAYS_BEFORE_DUE = 20;

export function createIntakeCore(deps: IntakeDeps) {
  const { cases, contacts, starter, clock, policies } = deps;

  return async function intakeCore(
    detail: unknown,
  ): Promise<{ executionName: string; started: boolean; newCase: boolean }> {
    const parsed = LoanDelinquentSchema.safeParse(detail);
    if (!parsed.success) throw new ValidationError(`LoanDelinquent: ${describeZodError(parsed.error)}`);
    const event: LoanDelinquent = parsed.data;
    const now = clock.now();
    const routed = chooseLadder(deps, event, now);
    const named = policies.get(routed.policy);
    // Champion/challenger: the loan's arm is drawn from its id, so a repeated event draws the same.
    const { policyId, arm } = assignArm(named, event.loanId);
    const policy = policies.get(policyId);
    const amountDueMinor = toMinor(event.amountDue, event.currency);
    const { borrower } = event;
    const daysAhead = DateTime.fromISO(event.dueDate, { zone: zone(borrower.timeZone) }).diff(
      DateTime.fromMillis(now),
      'days',
    ).days;
    if (daysAhead > MAX_DAYS_BEFORE_DUE) {
      throw new ValidationError(`LoanDelinquent: dueDate: more than ${MAX_DAYS_BEFORE_DUE} days ahead`);
    }

    const view = await cases.borrowerView(borrower.borrowerId);
    const previous = view.profile?.item;
    const erased = previous?.specialStatus === 'ERASED';
    // An erased borrower's details are not stored again; the case below is closed by the stage gate.
    const stored = erased
      ? undefined
      : await contacts.put(
          {
            borrowerId: borrower.borrowerId,
            name: borrower.name,
            phone: borrower.phone,
            email: borrower.email,
          },
          previous !== undefined,
        );
    // Verification (ContactPointVerified) holds while the phone number and e-mail address stay the same.
    const unverified = { SMS: { verified: false }, EMAIL: { verified: false } };
    const lineId =
      erased || !deps.lines
        ? previous?.lineId
        : stored?.samePoints && previous?.lineId
          ? previous.lineId
          : (await deps.lines.mac(lineMessage(borrower.phone))).slice(0, 32);
    const zoneChanged = previous?.timeZone !== borrower.timeZone;
    // The language the borrower chose themselves (BorrowerPreferencesChanged) outranks the loan record's.
    const chosen = previous?.preferences?.language !== undefined;
    const language = resolveLocale(borrower.locale, policy.defaultLocale);
    const lastLanguage = previous?.changes?.findLast((c) => c.type === 'LOCALE');
    const languageChanged =
      !chosen && (lastLanguage?.requested !== language.requested || lastLanguage.locale !== language.locale);
    const profile: BorrowerProfile = {
      borrowerId: borrower.borrowerId,
      timeZone: borrower.timeZone,
      locale: chosen && previous ? previous.locale : language.locale,
      ...(previous?.preferences ? { preferences: previous.preferences } : {}),
      ...(borrower.preferredChannel ? { preferredChannel: borrower.preferredChannel } : {}),
      optOuts: previous?.optOuts ?? {},
      ...(previous?.optIns ? { optIns: previous.optIns } : {}),
      contactPoints: erased
        ? {}
        : stored?.samePoints
          ? { ...unverified, ...previous?.contactPoints }
          : unverified,
      calls: previous?.calls ?? [],
      ...(previous?.specialStatus ? { specialStatus: previous.specialStatus } : {}),
      ...(lineId ? { lineId } : {}),
      changes: [
        ...(previous?.changes ?? []),
        ...(zoneChanged
          ? [{ type: 'TIME_ZONE' as const, timeZone: borrower.timeZone, recordedAt: isoUtc(now) }]
          : []),
        ...(languageChanged ? [{ type: 'LOCALE' as const, ...language, recordedAt: isoUtc(now) }] : []),
      ],
    };
    const profileChanged = JSON.stringify(previous) !== JSON.stringify(profile);
    if (profileChanged) await cases.saveProfile(profile, view.profile?.rev);

    const existing = view.cases.find((c) => c.item.loanId === event.loanId && c.item.cycle === event.cycle);
    const minimum = minimumDueMinor(
      policy.balance,
      amountDueMinor,
      event.currency,
      event.minimumDue === undefined ? undefined : toMinor(event.minimumDue, event.currency),
    );
    const kase: CaseRecord = existing?.item ?? {
      loanId: event.loanId,
      cycle: event.cycle,
      borrowerId: borrower.borrowerId,
      policyId: policy.id,
      policyVersion: policy.version,
      segment: routed.segment,
      ...(arm && named.experiment
        ? { experiment: { policyId: named.id, seed: named.experiment.seed, arm } }
        : {}),
      currency: event.currency,
      amountDueMinor,
      ...(minimum === undefined ? {} : { minimumDueMinor: minimum }),
      paidMinor: 0,
      dueDate: event.dueDate,
      openedAt: isoUtc(now),
      status: 'ACTIVE',
      promises: [],
      payments: [],
      notices: {},
      shiftDays: 0,
    };
    let newCase = false;
    if (!existing) {
      try {
        await cases.saveCase(kase, undefined);
        newCase = true;
      } catch (error) {
        // The same event, delivered twice at once: the other delivery stored the case first.
        if (!(error instanceof ConcurrentUpdateError)) throw error;
      }
    }

    // The ladder continued in a later execution (functions/domain/continuation.ts): its first one has
    // ended, and Step Functions forgets a closed execution's name after 90 days, so starting it again
    // would run a second ladder for the same cycle.
    if (kase.execution) return { executionName: kase.execution, started: false, newCase };

    const first = policy.stages[0];
    const opened = Date.parse(kase.openedAt);
    const wakeAt = first ? Math.max(opened, stageTime(policy, kase, first, profile.timeZone)) : opened;
    // Deterministic input: a repeat with the same name and input is a no-op in Step Functions.
    const input: LadderInput = {
      loanId: kase.loanId,
      borrowerId: kase.borrowerId,
      cycle: kase.cycle,
      policyId: kase.policyId,
      step: {
        outcome: 'NEXT',
        stage: '',
        wakeAt: isoUtc(wakeAt),
        resumeStage: '',
        ledger: { seq: 0, hash: GENESIS_HASH },
      },
    };
    const name = executionName(kase.loanId, kase.cycle);
    const { started } = await starter.start(name, input);
    return { executionName: name, started, newCase };
  };
}
