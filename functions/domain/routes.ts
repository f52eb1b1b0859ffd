import type { EventType } from './events.js';

/**
 * Where each upstream event goes, and who may send it: the one definition the EventBridge rules of the
 * stack (lib/event-routing.ts) and the local router (local/router.ts) are built from.
 *
 * Rules match the event's `source` as well as its detail-type: an event counts only when a producer
 * the lender named sent it. Ladder's own functions publish with the source `ladder` (and IAM allows
 * them no other: lib/event-routing.ts), which no rule accepts, so no function of Ladder's can pay a
 * loan, resolve a dispute, opt a borrower in or erase one.
 */
export const EVENT_TARGETS = {
  /** A loan became delinquent: intake opens a case. */
  intake: ['LoanDelinquent'],
  /** Payments and everything the borrower says or does. */
  events: [
    'PaymentReceived',
    'BalanceChanged',
    'BorrowerOptedOut',
    'BorrowerOptedIn',
    'DisputeOpened',
    'DisputeResolved',
    'PromiseToPayMade',
    'RepaymentPlanAccepted',
    'HardshipReported',
    'BorrowerStatusChanged',
    'ContactPointVerified',
    'BorrowerPreferencesChanged',
  ],
  /** Erasure: the only function that may delete contact details. */
  erasure: ['BorrowerErasureRequested'],
  /** The print vendor's dispatch reports, to the delivery function (with the providers' own reports). */
  delivery: ['LetterDispatched'],
} as const satisfies Record<string, readonly EventType[]>;

export type EventTarget = keyof typeof EVENT_TARGETS;

/** The source of everything Ladder itself publishes (placement, handoff, letters, bureau reports). */
export const LADDER_SOURCE = 'ladder';

/** The source upstream producers use unless the deployment names its own (LadderProps.eventSources). */
export const DEFAULT_UPSTREAM_SOURCES: readonly string[] = ['lender.loans'];

/** Which sources may send which detail-type: a default list, and lists per detail-type that replace it. */
export interface EventSources {
  readonly default?: readonly string[];
  readonly byDetailType?: Partial<Record<EventType, readonly string[]>>;
}

/** The sources an upstream event of this type is accepted from. */
export const sourcesFor = (detailType: EventType, sources: EventSources = {}): readonly string[] =>
  sources.byDetailType?.[detailType] ?? sources.default ?? DEFAULT_UPSTREAM_SOURCES;

/** The target of a detail-type, if any rule routes it. */
export const targetOf = (detailType: string): EventTarget | undefined =>
  (Object.keys(EVENT_TARGETS) as EventTarget[]).find((t) =>
    (EVENT_TARGETS[t] as readonly string[]).includes(detailType),
  );

/** Why a configured source list is refused (Ladder's own source, or EventBridge's reserved `aws.`). */
export function sourceProblem(source: string): string | undefined {
  if (source === LADDER_SOURCE)
    return `"${LADDER_SOURCE}" is Ladder's own source: it cannot be an upstream producer`;
  if (source.startsWith('aws.'))
    return `"${source}": sources starting with aws. are reserved for AWS services`;
  if (!/^[A-Za-z0-9._-]{1,256}$/.test(source)) return `"${source}": letters, digits and . _ - only`;
  return undefined;
}
