import { readFileSync } from 'node:fs';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BusPublisher } from '../../functions/adapters/workflow.js';
import { OUTBOUND_TYPES } from '../../functions/domain/outbound.js';
import { parseScenario } from '../../local/scenario.js';
import { type SimulationResult, simulate } from '../../local/simulate.js';
import { outboundValidators } from './ajv.js';

/**
 * Every outbound event is a documented contract: what the code publishes in a local run validates
 * against the committed JSON Schemas (Ajv, not the zod schemas they are generated from), the AWS
 * publisher sends only checked, versioned details, and the examples in docs/events.md are valid.
 */
const validators = outboundValidators();
const validate = (type: string, detail: unknown): string[] => {
  const check = validators.get(type);
  if (!check) return [`no schema for ${type}`];
  return check(detail) ? [] : (check.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
};

const loan = (loanId: string, events: unknown[]) => ({
  loanId,
  amountDue: '800.00',
  currency: 'USD',
  dueDate: '2026-12-10',
  borrower: {
    borrowerId: `B-${loanId}`,
    name: 'Ann Lee',
    phone: '+12125550100',
    email: 'ann.lee@example.com',
    timeZone: 'America/New_York',
    locale: 'en',
  },
  events,
});

describe('outbound events published in a local run', () => {
  let result: SimulationResult;
  beforeAll(async () => {
    // Placed with the agency at D+60 (9 February 2027), then: never pays (letters, bureau report,
    // legal), pays in full, signs a plan, or wins a dispute: each recall reason once.
    result = await simulate(
      parseScenario({
        rulePack: 'US',
        loans: [
          loan('never', [{ type: 'refused', onAgentCall: 1 }]),
          loan('paid', [{ type: 'payment', amount: '800.00', at: '2027-02-12T12:00:00-05:00' }]),
          loan('planned', [
            {
              type: 'acceptPlan',
              at: '2027-02-11T12:00:00-05:00',
              instalments: [
                { amount: '400.00', date: '2027-03-01' },
                { amount: '400.00', date: '2027-04-01' },
              ],
            },
          ]),
          // Reported at D+90 (10 March), paid in full that evening before the D+91 handoff.
          loan('corrected', [{ type: 'payment', amount: '800.00', at: '2027-03-10T20:00:00-05:00' }]),
          loan('upheld', [
            { type: 'dispute', at: '2027-02-11T12:00:00-05:00' },
            { type: 'disputeResolved', inFavourOf: 'borrower', at: '2027-02-13T12:00:00-05:00' },
          ]),
        ],
      }),
    );
  });

  it('publishes every detail-type a Ladder function emits, each recall reason included', () => {
    const types = new Set(result.published.map((e) => e.detailType));
    // The blacklist's two are published only under a policy with a blacklist section (the default has
    // none): test/local/blacklist.test.ts publishes them under cash-loan and checks them with Ajv too.
    const blacklist = ['BlacklistReportRequested', 'BlacklistRemovalRequested'];
    expect([...types].sort()).toEqual(OUTBOUND_TYPES.filter((t) => !blacklist.includes(t)).sort());
    const reasons = result.published
      .filter((e) => e.detailType === 'AgencyRecallRequested')
      .map((e) => `${e.detail.loanId} ${e.detail.reason}`);
    expect(reasons.sort()).toEqual([
      'corrected PAID',
      'never LEGAL_HANDOFF',
      'paid PAID',
      'planned PLAN_AGREED',
      'upheld DISPUTE_UPHELD',
    ]);
  });

  it('every published detail validates against its JSON Schema (Ajv)', () => {
    const problems = result.published.flatMap((e) =>
      validate(e.detailType, e.detail).map((p) => `${e.detailType} ${e.detail.loanId}: ${p}`),
    );
    expect(problems).toEqual([]);
    expect(result.published.every((e) => e.detail.schemaVersion === 1)).toBe(true);
  });

  it('the oracle can fail: a detail missing its key or with a wrong version is refused', () => {
    const sample = result.published.find((e) => e.detailType === 'LegalHandoffRequested');
    const { idempotencyKey: _key, ...keyless } = sample?.detail ?? {};
    expect(validate('LegalHandoffRequested', keyless)).toEqual([
      " must have required property 'idempotencyKey'",
    ]);
    expect(validate('LegalHandoffRequested', { ...sample?.detail, schemaVersion: 2 })).toHaveLength(1);
  });
});

describe('BusPublisher (AWS)', () => {
  const events = mockClient(EventBridgeClient);
  afterEach(() => events.reset());
  const bus = () => new BusPublisher(new EventBridgeClient({ region: 'us-east-1' }), 'ladder-bus');
  const letter = {
    loanId: 'L-1',
    cycle: 1,
    borrowerId: 'B-1',
    templateId: 'formal-warning',
    templateVersion: 3,
    locale: 'en' as const,
    idempotencyKey: 'L-1#1#5#LETTER',
  };

  it('puts the checked, versioned detail on the bus with the source ladder', async () => {
    events.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e-1' }] });
    await bus().publish('LetterRequested', letter);
    const entry = events.commandCalls(PutEventsCommand)[0]?.args[0].input.Entries?.[0];
    expect(entry).toMatchObject({
      Source: 'ladder',
      DetailType: 'LetterRequested',
      EventBusName: 'ladder-bus',
    });
    const detail = JSON.parse(entry?.Detail ?? '{}');
    expect(detail).toEqual({ ...letter, schemaVersion: 1 });
    expect(validate('LetterRequested', detail)).toEqual([]);
  });

  it('refuses a detail that breaks its contract before anything is sent, naming the field only', async () => {
    const bad = { ...letter, locale: 'fr' } as unknown as typeof letter;
    await expect(bus().publish('LetterRequested', bad)).rejects.toThrow(
      expect.objectContaining({
        name: 'LadderError',
        message: expect.stringMatching(/^LetterRequested breaks its contract \(v1\): locale: /),
      }),
    );
    expect(events.calls()).toHaveLength(0);
  });

  it('drops a field the contract does not name (a contact detail cannot ride along)', async () => {
    events.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e-1' }] });
    const leaky = { ...letter, phone: '+12125550100' } as typeof letter;
    await bus().publish('LetterRequested', leaky);
    expect(events.commandCalls(PutEventsCommand)[0]?.args[0].input.Entries?.[0]?.Detail).not.toContain(
      '2125550100',
    );
  });
});

describe('docs/events.md', () => {
  const doc = readFileSync(new URL('../../docs/events.md', import.meta.url), 'utf8');
  /** The ```json block under each `### <DetailType>` heading. */
  const examples = new Map(
    [...doc.matchAll(/^### (\w+)\n[\s\S]*?```json\n([\s\S]*?)```/gm)].map((m) => [m[1] ?? '', m[2] ?? '']),
  );

  it.each(OUTBOUND_TYPES)('documents %s with an example that validates against its schema', (type) => {
    const example = examples.get(type);
    expect(example, `docs/events.md has no "### ${type}" with a json example`).toBeDefined();
    const event = JSON.parse(example ?? '{}') as {
      source?: string;
      'detail-type'?: string;
      detail?: unknown;
    };
    expect(event.source).toBe('ladder');
    expect(event['detail-type']).toBe(type);
    expect(validate(type, event.detail)).toEqual([]);
  });
});
