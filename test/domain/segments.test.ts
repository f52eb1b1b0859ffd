import { describe, expect, it } from 'vitest';
import { bundledPolicies } from '../../functions/domain/policies.js';
import { bundledSegments, loadSegments, route } from '../../functions/domain/segments.js';

/**
 * The bundled routing table (policies/segments.json), route by route at its edges: ¥10,000.00 is a
 * large balance and ¥9,999.99 is not; a card or a cash loan goes to its own ladder; a risky instalment
 * loan (700 and over) or one that arrives 15 days late gets the early call; the rest the default.
 */
const table = bundledSegments(bundledPolicies());
const loan = (extra: Partial<Parameters<typeof route>[1]> = {}) =>
  route(table, { amountDue: '3000.00', currency: 'CNY', daysPastDue: 0, ...extra });

describe('routing by segment', () => {
  it('large balances first, whatever the product: 10,000.00 is large, 9,999.99 is not (per currency)', () => {
    expect(loan({ amountDue: '10000.00', product: 'CARD' })).toEqual({
      segment: 'large-balance',
      policy: 'large-balance',
    });
    expect(loan({ amountDue: '9999.99' })).toEqual({ segment: 'standard', policy: 'default' });
    expect(loan({ amountDue: '1500.00', currency: 'USD' }).policy).toBe('large-balance');
    // No limit in the currency: the route does not fit.
    expect(loan({ amountDue: '99999.00', currency: 'EUR' }).policy).toBe('default');
  });

  it('a card and an online cash loan each get their own ladder', () => {
    expect(loan({ product: 'CARD' })).toEqual({ segment: 'card', policy: 'credit-card' });
    expect(loan({ product: 'CASH_LOAN' })).toEqual({ segment: 'cash-loan', policy: 'cash-loan' });
  });

  it('an instalment loan with a risk score of 700 or more, or any loan 15 days late at intake, gets the early call', () => {
    expect(loan({ product: 'INSTALMENT_LOAN', riskScore: 700 }).segment).toBe('high-risk-instalment');
    expect(loan({ product: 'INSTALMENT_LOAN', riskScore: 699 }).segment).toBe('standard');
    expect(loan({ product: 'INSTALMENT_LOAN' }).segment).toBe('standard');
    expect(loan({ daysPastDue: 15 })).toEqual({ segment: 'late-intake', policy: 'early-call' });
    expect(loan({ daysPastDue: 14 }).segment).toBe('standard');
  });

  it('refuses a table naming an unknown policy, or whose last route could miss a loan', () => {
    const policies = bundledPolicies();
    expect(() => loadSegments({ version: 1, routes: [{ segment: 'x', policy: 'nope' }] }, policies)).toThrow(
      'segments: routes.0.policy: no policy "nope"',
    );
    expect(() =>
      loadSegments(
        { version: 1, routes: [{ segment: 'x', products: ['CARD'], policy: 'default' }] },
        policies,
      ),
    ).toThrow('segments: the last route (x) must have no condition, so every loan has one');
  });
});
