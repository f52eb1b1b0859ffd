/**
 * The resources of the Ladder construct the IAM reader needs, found through its public properties: the
 * parts it is made of (`ladder.workflow.stageFunction`, `ladder.keys.sealKey`, ...). Reading them from
 * the construct, not from logical-id patterns, means a refactoring of a part's internals changes
 * nothing here; a part that moves or renames a handle fails loudly (LadderHandleError), naming it.
 */
import { Construct, type IConstruct } from 'constructs';
import type { LocalFunctionName, TableKey } from './template.js';

/** A construct that runs as a role: a function or a state machine. */
export type WithRole = IConstruct & { readonly role?: IConstruct };

/** The handles that are single constructs, each by its path on the Ladder construct. */
export const SINGLES = {
  bus: 'routing.bus',
  evidenceBucket: 'evidence.bucket',
  caseKey: 'keys.caseKey',
  contactKey: 'keys.contactKey',
  sealKey: 'keys.sealKey',
  lineKey: 'keys.lineKey',
  linkKey: 'keys.linkKey',
  deadLetterQueue: 'routing.deadLetterQueue',
  intakeQueue: 'intake.queue',
  intakeDeadLetterQueue: 'intake.deadLetterQueue',
  inboundSmsTopic: 'consent.inboundSmsTopic',
  alarmTopic: 'monitoring.alarmTopic',
} as const;

/** Each function of the stack by its local name, and its path on the Ladder construct. */
export const FUNCTIONS: Readonly<Record<LocalFunctionName, string>> = {
  intake: 'intake.intakeFunction',
  stage: 'workflow.stageFunction',
  humanTask: 'workflow.humanTaskFunction',
  events: 'borrowerEvents.eventsFunction',
  agentApi: 'workQueue.agentApiFunction',
  deskApi: 'desk.deskApiFunction',
  erasure: 'erasure.erasureFunction',
  inboundSms: 'consent.inboundSmsFunction',
  audit: 'audit.auditFunction',
  ledgerWriter: 'ledgerWriter.writerFunction',
  delivery: 'delivery.deliveryFunction',
  borrowerApi: 'borrowerApi.apiFunction',
};

/** The tables by key (`tables.byKey`) and the state machines by policy id (`workflow.stateMachines`). */
const TABLES_PATH = 'tables.byKey';
const STATE_MACHINES_PATH = 'workflow.stateMachines';

export type LadderHandles = Readonly<Record<keyof typeof SINGLES, IConstruct>> & {
  readonly functions: Readonly<Record<LocalFunctionName, WithRole>>;
  readonly tables: Readonly<Record<TableKey, IConstruct>>;
  readonly stateMachines: Readonly<Record<string, WithRole>>;
};

/** The Ladder construct does not have a handle this reader needs. */
export class LadderHandleError extends Error {
  override readonly name = 'LadderHandleError';
}

function at(ladder: object, path: string): unknown {
  const value = path
    .split('.')
    .reduce<unknown>(
      (o, key) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[key] : undefined),
      ladder,
    );
  if (value === undefined) throw new LadderHandleError(`the Ladder construct has no ladder.${path}`);
  return value;
}

function construct(value: unknown, what: string): IConstruct {
  if (!Construct.isConstruct(value)) throw new LadderHandleError(`${what} is not a construct`);
  return value;
}

function constructs<K extends string>(value: unknown, what: string): Record<K, IConstruct> {
  if (!value || typeof value !== 'object')
    throw new LadderHandleError(`${what} is not a record of constructs`);
  const entries = Object.entries(value).map(([key, item]) => [key, construct(item, `${what}.${key}`)]);
  return Object.fromEntries(entries) as Record<K, IConstruct>;
}

const byPath = <K extends string>(ladder: object, paths: Readonly<Record<K, string>>) =>
  Object.fromEntries(
    Object.entries<string>(paths).map(([name, path]) => [name, construct(at(ladder, path), name)]),
  ) as Record<K, IConstruct>;

/** The handles of a Ladder construct, through the parts that own them. */
export function ladderHandles(ladder: object): LadderHandles {
  return {
    ...byPath(ladder, SINGLES),
    functions: byPath(ladder, FUNCTIONS),
    tables: constructs<TableKey>(at(ladder, TABLES_PATH), 'tables'),
    stateMachines: constructs(at(ladder, STATE_MACHINES_PATH), 'stateMachines'),
  };
}
