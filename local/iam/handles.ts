/**
 * The resources of the Ladder construct the IAM reader needs, found through its public properties.
 * The construct is being split into parts: where this code was written it exposes flat handles
 * (`ladder.stageFunction`), after the split each part owns its own (`ladder.workflow.stageFunction`).
 * Each handle lists both paths and the first that exists wins, so the reader works on either side of
 * the split; once the split is everywhere, the flat paths can go.
 */
import { Construct, type IConstruct } from 'constructs';
import type { LocalFunctionName, TableKey } from './template.js';

/** A construct that runs as a role: a function or a state machine. */
export type WithRole = IConstruct & { readonly role?: IConstruct };

export interface LadderHandles {
  readonly functions: Readonly<Record<LocalFunctionName, WithRole>>;
  readonly tables: Readonly<Record<TableKey, IConstruct>>;
  readonly stateMachines: Readonly<Record<string, WithRole>>;
  readonly bus: IConstruct;
  readonly evidenceBucket: IConstruct;
  readonly caseKey: IConstruct;
  readonly contactKey: IConstruct;
  readonly deadLetterQueue: IConstruct;
  readonly intakeQueue: IConstruct;
  readonly intakeDeadLetterQueue: IConstruct;
  readonly inboundSmsTopic: IConstruct;
  readonly alarmTopic: IConstruct;
}

/** The Ladder construct does not have a handle this reader needs (under any known path). */
export class LadderHandleError extends Error {
  override readonly name = 'LadderHandleError';
}

const FUNCTIONS: Readonly<Record<LocalFunctionName, readonly string[]>> = {
  intake: ['intakeFunction', 'intake.intakeFunction'],
  stage: ['stageFunction', 'workflow.stageFunction'],
  humanTask: ['humanTaskFunction', 'workflow.humanTaskFunction'],
  events: ['eventsFunction', 'borrowerEvents.eventsFunction'],
  agentApi: ['agentApiFunction', 'workQueue.agentApiFunction'],
  erasure: ['erasureFunction', 'erasure.erasureFunction'],
  inboundSms: ['inboundSmsFunction', 'consent.inboundSmsFunction'],
  audit: ['auditFunction', 'audit.auditFunction'],
};

const SINGLES: Readonly<
  Record<Exclude<keyof LadderHandles, 'functions' | 'tables' | 'stateMachines'>, readonly string[]>
> = {
  bus: ['bus', 'routing.bus'],
  evidenceBucket: ['evidenceBucket', 'evidence.bucket'],
  caseKey: ['caseKey', 'keys.caseKey'],
  contactKey: ['contactKey', 'keys.contactKey'],
  deadLetterQueue: ['deadLetterQueue', 'routing.deadLetterQueue'],
  intakeQueue: ['intakeQueue', 'intake.queue'],
  intakeDeadLetterQueue: ['intakeDeadLetterQueue', 'intake.deadLetterQueue'],
  inboundSmsTopic: ['inboundSmsTopic', 'consent.inboundSmsTopic'],
  alarmTopic: ['alarmTopic', 'monitoring.alarmTopic'],
};

function at(ladder: object, paths: readonly string[]): unknown {
  for (const path of paths) {
    const value = path
      .split('.')
      .reduce<unknown>(
        (o, key) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[key] : undefined),
        ladder,
      );
    if (value !== undefined) return value;
  }
  throw new LadderHandleError(
    `the Ladder construct has none of ${paths.map((p) => `ladder.${p}`).join(', ')}`,
  );
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

/** The handles of a Ladder construct (flat, or owned by its parts). */
export function ladderHandles(ladder: object): LadderHandles {
  const singles = Object.fromEntries(
    Object.entries(SINGLES).map(([name, paths]) => [name, construct(at(ladder, paths), name)]),
  ) as Record<keyof typeof SINGLES, IConstruct>;
  const functions = Object.fromEntries(
    Object.entries(FUNCTIONS).map(([name, paths]) => [name, construct(at(ladder, paths), name)]),
  ) as Record<LocalFunctionName, WithRole>;
  return {
    ...singles,
    functions,
    // After the split `tables` is a construct of its own and the record is `tables.byKey`.
    tables: constructs<TableKey>(at(ladder, ['tables.byKey', 'tables']), 'tables'),
    stateMachines: constructs(at(ladder, ['stateMachines', 'workflow.stateMachines']), 'stateMachines'),
  };
}
