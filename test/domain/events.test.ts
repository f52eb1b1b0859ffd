import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import {
  BORROWER_EVENT_TYPES,
  describeZodError,
  EVENT_SCHEMAS,
  type EventType,
} from '../../functions/domain/events.js';
import { EVENT_TARGETS } from '../../functions/domain/routes.js';
import { loanDelinquent } from '../borrower.js';

/**
 * The event contract at its edges: each field's format and length limits, and the one-line message
 * that names the field and never echoes the value.
 */
const AT = '2026-12-11T01:00:00+08:00';
const problem = (type: EventType, detail: unknown): string | undefined => {
  const parsed = EVENT_SCHEMAS[type].safeParse(detail);
  return parsed.success ? undefined : describeZodError(parsed.error);
};
const loan = (change: Record<string, unknown> = {}, borrower: Record<string, unknown> = {}) => ({
  ...loanDelinquent,
  ...change,
  borrower: { ...loanDelinquent.borrower, ...borrower },
});

describe('LoanDelinquent', () => {
  it('the shared fixture is valid, and the cycle defaults to 1', () => {
    const { cycle: _, ...withoutCycle } = loanDelinquent;
    expect(EVENT_SCHEMAS.LoanDelinquent.parse(withoutCycle).cycle).toBe(1);
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['loan id empty', { loanId: '' }, 'loanId: '],
    ['loan id of 65 characters', { loanId: 'L'.repeat(65) }, 'loanId: '],
    ['loan id with a space', { loanId: 'L 1' }, 'loanId: letters, digits and . _ : - only'],
    ['cycle 0', { cycle: 0 }, 'cycle: '],
    ['cycle 10000', { cycle: 10000 }, 'cycle: '],
    ['amount 0', { amountDue: '0' }, 'amountDue: must be greater than zero'],
    ['amount 0.000', { amountDue: '0.000' }, 'amountDue: must be greater than zero'],
    ['amount with a leading zero', { amountDue: '01' }, 'amountDue: must be a non-negative decimal string'],
    ['amount with 4 decimals', { amountDue: '1.0001' }, 'amountDue: must be a non-negative decimal string'],
    ['a currency code in lower case', { currency: 'cny' }, 'currency: must be an ISO 4217 currency code'],
    ['a due date not padded', { dueDate: '2026-1-10' }, 'dueDate: must be YYYY-MM-DD'],
    ['a due date with a time', { dueDate: '2026-12-10T00:00' }, 'dueDate: must be YYYY-MM-DD'],
    ['a due date not in the calendar', { dueDate: '2026-02-29' }, 'dueDate: is not a calendar date'],
    ['a due date after a prefix', { dueDate: 'x2026-12-10' }, 'dueDate: must be YYYY-MM-DD'],
    ['a due date with an extended year', { dueDate: '+002026-12-10' }, 'dueDate: must be YYYY-MM-DD'],
    ['a policy id with a suffix', { policyId: 'early-call!' }, 'policyId: '],
    ['a policy id in upper case', { policyId: 'Default' }, 'policyId: '],
  ])('%s is refused', (_what, change, message) => {
    expect(problem('LoanDelinquent', loan(change))?.startsWith(message)).toBe(true);
  });

  it.each<[string, Record<string, unknown>]>([
    ['loan id of 64 characters', { loanId: 'L'.repeat(64) }],
    ['loan id with . _ : -', { loanId: 'a.b_c:d-1' }],
    ['cycle 9999', { cycle: 9999 }],
    ['amount 0.001', { amountDue: '0.001' }],
    ['amount of 15 digits', { amountDue: '123456789012345' }],
    ['a leap day', { dueDate: '2028-02-29' }],
    ['a policy id', { policyId: 'early-call' }],
  ])('%s is accepted', (_what, change) => {
    expect(problem('LoanDelinquent', loan(change))).toBeUndefined();
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['a phone without +', { phone: '8613800138000' }, 'borrower.phone: must be an E.164 phone number'],
    ['a phone starting +0', { phone: '+0613800138' }, 'borrower.phone: must be an E.164 phone number'],
    ['a phone of 6 digits', { phone: '+123456' }, 'borrower.phone: must be an E.164 phone number'],
    ['a phone of 16 digits', { phone: '+1234567890123456' }, 'borrower.phone: must be an E.164 phone number'],
    ['a phone with a space', { phone: '+86 13800138000' }, 'borrower.phone: must be an E.164 phone number'],
    ['a phone after a prefix', { phone: 'x+8613800138000' }, 'borrower.phone: must be an E.164 phone number'],
    ['an empty name', { name: '' }, 'borrower.name: '],
    ['a name of 201 characters', { name: 'n'.repeat(201) }, 'borrower.name: '],
    [
      'an unknown time zone',
      { timeZone: 'Mars/Olympus_Mons' },
      'borrower.timeZone: must be an IANA time zone',
    ],
    ['a locale that is not a BCP 47 tag', { locale: 'english_US' }, 'borrower.locale: must be a BCP 47'],
    [
      'a preferred channel that is not SMS or e-mail',
      { preferredChannel: 'CALL' },
      'borrower.preferredChannel: ',
    ],
    ['an e-mail address of 255 characters', { email: `${'a'.repeat(243)}@example.com` }, 'borrower.email: '],
  ])('borrower: %s is refused, naming the field only', (_what, change, message) => {
    const said = problem('LoanDelinquent', loan({}, change));
    expect(said?.startsWith(message)).toBe(true);
    for (const value of Object.values(change).filter(Boolean)) expect(said).not.toContain(String(value));
  });

  it.each<[string, Record<string, unknown>]>([
    ['a phone of 7 digits', { phone: '+1234567' }],
    ['a phone of 15 digits', { phone: '+123456789012345' }],
    ['a name of 200 characters', { name: 'n'.repeat(200) }],
    ['an e-mail address of 254 characters', { email: `${'a'.repeat(242)}@example.com` }],
    ['a zone such as UTC+8', { timeZone: 'UTC+8' }],
    ['e-mail preferred', { preferredChannel: 'EMAIL' }],
    ['SMS preferred', { preferredChannel: 'SMS' }],
  ])('borrower: %s is accepted', (_what, change) => {
    expect(problem('LoanDelinquent', loan({}, change))).toBeUndefined();
  });
});

describe('the borrower events', () => {
  it('every event but LoanDelinquent is one the events or the erasure function takes', () => {
    expect(BORROWER_EVENT_TYPES).not.toContain('LoanDelinquent');
    expect(new Set(BORROWER_EVENT_TYPES)).toEqual(
      new Set([...EVENT_TARGETS.events, ...EVENT_TARGETS.erasure]),
    );
  });

  it.each<[EventType, unknown, string | undefined]>([
    ['PaymentReceived', { paymentId: 'P', loanId: 'L', amount: '1', currency: 'USD', paidAt: AT }, undefined],
    [
      'PaymentReceived',
      { paymentId: 'P', loanId: 'L', amount: '1', currency: 'USD', paidAt: '2026-12-11T01:00:00' },
      'paidAt: must be ISO 8601 with an offset',
    ],
    ['BorrowerOptedOut', { borrowerId: 'B', channel: 'CALL', at: AT }, undefined],
    ['BorrowerOptedOut', { borrowerId: 'B', channel: 'LETTER', at: AT }, 'channel: '],
    ['BorrowerOptedIn', { borrowerId: 'B', channel: 'SMS', at: AT }, undefined],
    ['BorrowerOptedIn', { borrowerId: 'B', channel: 'EMAIL', at: AT }, undefined],
    ['DisputeOpened', { loanId: 'L', at: AT }, undefined],
    ['DisputeOpened', { at: AT }, 'loanId: '],
    ['HardshipReported', { loanId: 'L' }, 'at: '],
    ['DisputeResolved', { loanId: 'L', inFavourOf: 'lender', at: AT }, undefined],
    [
      'RepaymentPlanAccepted',
      { loanId: 'L', instalments: [{ amount: '0', date: '2026-12-20' }], at: AT },
      'instalments.0.amount: must be greater than zero',
    ],
    ['BorrowerStatusChanged', { borrowerId: 'B', status: 'DECEASED', at: AT }, undefined],
    ['BorrowerStatusChanged', { borrowerId: 'B', status: 'BANKRUPT', at: AT }, undefined],
    ['ContactPointVerified', { borrowerId: 'B', channel: 'SMS', at: AT }, undefined],
    ['ContactPointVerified', { borrowerId: 'B', channel: 'EMAIL', at: AT }, undefined],
    ['DisputeResolved', { loanId: 'L', inFavourOf: 'borrower', at: AT }, undefined],
    ['DisputeResolved', { loanId: 'L', inFavourOf: 'agency', at: AT }, 'inFavourOf: '],
    [
      'PromiseToPayMade',
      { loanId: 'L', amount: '0', date: '2026-12-20', at: AT },
      'amount: must be greater than zero',
    ],
    ['RepaymentPlanAccepted', { loanId: 'L', instalments: [], at: AT }, 'instalments: '],
    [
      'RepaymentPlanAccepted',
      { loanId: 'L', instalments: Array(37).fill({ amount: '1', date: '2026-12-20' }), at: AT },
      'instalments: ',
    ],
    [
      'RepaymentPlanAccepted',
      { loanId: 'L', instalments: Array(36).fill({ amount: '1', date: '2026-12-20' }), at: AT },
      undefined,
    ],
    ['BorrowerStatusChanged', { borrowerId: 'B', status: 'ERASED', at: AT }, 'status: '],
    ['BorrowerStatusChanged', { borrowerId: 'B', status: 'FRAUD_VICTIM', at: AT }, undefined],
    ['ContactPointVerified', { borrowerId: 'B', channel: 'CALL', at: AT }, 'channel: '],
    ['BorrowerErasureRequested', { borrowerId: 'B', at: AT }, undefined],
    [
      'BorrowerPreferencesChanged',
      { borrowerId: 'B', contactWindow: { start: '17:00', end: '21:00' }, at: AT },
      undefined,
    ],
    [
      'BorrowerPreferencesChanged',
      { borrowerId: 'B', contactWindow: null, language: 'zh-CN', at: AT },
      undefined,
    ],
    [
      'BorrowerPreferencesChanged',
      { borrowerId: 'B', contactWindow: { start: '21:00', end: '17:00' }, at: AT },
      'contactWindow: start must be before end',
    ],
    [
      'BorrowerPreferencesChanged',
      { borrowerId: 'B', contactWindow: { start: '7:00', end: '09:00' }, at: AT },
      'contactWindow.start: must be HH:MM',
    ],
    ['BorrowerPreferencesChanged', { borrowerId: 'B', language: 'en-US', at: AT }, 'language: '],
    [
      'BorrowerPreferencesChanged',
      { borrowerId: 'B', at: AT },
      'contactWindow: give contactWindow or language',
    ],
    ['HardshipReported', 'not an object', '(event): '],
  ])('%s %j: %s', (type, detail, message) => {
    const said = problem(type, detail);
    if (message === undefined) expect(said).toBeUndefined();
    else expect(said?.startsWith(message)).toBe(true);
  });

  it('an error with no issues is "invalid"', () => {
    expect(describeZodError(new z.ZodError([]))).toBe('invalid');
  });
});
