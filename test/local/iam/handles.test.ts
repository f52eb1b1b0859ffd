/** The Ladder construct's handles, found flat (this branch) or through the parts that own them (the split). */
import { Construct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { LadderHandleError, ladderHandles } from '../../../local/iam/handles.js';

const root = new Construct(undefined as unknown as Construct, 'Root');
const make = (id: string) => new Construct(root, id);
const FUNCTIONS = ['intake', 'stage', 'humanTask', 'events', 'agentApi', 'erasure', 'inboundSms', 'audit'];
const c = Object.fromEntries(
  [
    ...FUNCTIONS,
    'cases',
    'contacts',
    'ledger',
    'tasks',
    'default',
    'bus',
    'bucket',
    'caseKey',
    'contactKey',
    'dlq',
    'queue',
    'intakeDlq',
    'smsTopic',
    'alarmTopic',
  ].map((id) => [id, make(id)]),
) as Record<string, Construct>;
const tables = { cases: c.cases, contacts: c.contacts, ledger: c.ledger, tasks: c.tasks };

/** The handles that are single constructs, by their LadderHandles name. */
const singles = {
  bus: c.bus,
  evidenceBucket: c.bucket,
  caseKey: c.caseKey,
  contactKey: c.contactKey,
  deadLetterQueue: c.dlq,
  intakeQueue: c.queue,
  intakeDeadLetterQueue: c.intakeDlq,
  inboundSmsTopic: c.smsTopic,
  alarmTopic: c.alarmTopic,
};
const flat = {
  ...Object.fromEntries(FUNCTIONS.map((f) => [`${f}Function`, c[f]])),
  tables,
  stateMachines: { default: c.default },
  ...singles,
};
const parts = {
  keys: { caseKey: c.caseKey, contactKey: c.contactKey },
  tables: { ...tables, byKey: tables },
  routing: { bus: c.bus, deadLetterQueue: c.dlq },
  evidence: { bucket: c.bucket },
  workflow: { stageFunction: c.stage, humanTaskFunction: c.humanTask, stateMachines: { default: c.default } },
  intake: { intakeFunction: c.intake, queue: c.queue, deadLetterQueue: c.intakeDlq },
  borrowerEvents: { eventsFunction: c.events },
  workQueue: { agentApiFunction: c.agentApi },
  erasure: { erasureFunction: c.erasure },
  consent: { inboundSmsFunction: c.inboundSms, inboundSmsTopic: c.smsTopic },
  audit: { auditFunction: c.audit },
  monitoring: { alarmTopic: c.alarmTopic },
};

describe('ladderHandles', () => {
  it('finds the same constructs flat and through the parts', () => {
    const expected = {
      functions: Object.fromEntries(FUNCTIONS.map((f) => [f, c[f]])),
      tables,
      stateMachines: { default: c.default },
      ...singles,
    };
    expect(ladderHandles(flat)).toEqual(expected);
    expect(ladderHandles(parts)).toEqual(expected);
  });

  it('names the paths it tried when a handle is missing', () => {
    const { bus: _bus, ...withoutBus } = flat;
    expect(() => ladderHandles(withoutBus)).toThrow(LadderHandleError);
    expect(() => ladderHandles(withoutBus)).toThrow(
      'the Ladder construct has none of ladder.bus, ladder.routing.bus',
    );
    expect(() => ladderHandles({ ...flat, bus: 'LadderBus' })).toThrow('bus is not a construct');
  });
});
