import { describe, expect, it } from 'vitest';
import { bundledPolicies } from '../../functions/domain/policies.js';
import { bundledSegments, type LoanFacts, loadSegments, route } from '../../functions/domain/segments.js';

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

/**
 * A lender's own table, at the edge of each limit: a route per upper limit (amount, days past due, risk
 * score), then the catch-all. ¥500.00 is small and ¥500.01 is not; 30 days past due is early and 31 is
 * not; a score of 300 is low and 301 is not, and no score is not low.
 *
 * Survivors judged equivalent (segments.ts). In fits, `loan.product !== undefined` and both
 * `loan.riskScore !== undefined` mutated to true: with the guard gone, `products.includes(undefined)`
 * is false and `undefined >= n` and `undefined <= n` are false, so a loan without the fact still does
 * not fit. In the schema, the amount pattern without `^` or `$`, and the policy-name pattern without
 * `^` or `$`: loadSegments then refuses the same tables one step later (toMinor's own pattern refuses
 * the amount; the registry has no policy by that name), only with another message.
 */
describe("a lender's own routing table", () => {
  const policies = bundledPolicies();
  const own = loadSegments(
    {
      version: 3,
      routes: [
        {
          segment: 'card-small',
          products: ['CARD', 'CASH_LOAN'],
          maxAmount: { CNY: '500.00' },
          policy: 'credit-card',
        },
        { segment: 'early', maxDaysPastDue: 30, minDaysPastDue: 1, policy: 'cash-loan' },
        { segment: 'low-risk', maxRiskScore: 300, policy: 'large-balance' },
        { segment: 'rest', policy: 'default' },
      ],
    },
    policies,
  );
  const seg = (extra: Partial<LoanFacts>) =>
    route(own, { amountDue: '3000.00', currency: 'CNY', daysPastDue: 0, ...extra }).segment;

  it('an upper amount limit fits at exactly the limit, not a fen over, and not in a currency it does not name', () => {
    expect(seg({ product: 'CARD', amountDue: '500.00' })).toBe('card-small');
    expect(seg({ product: 'CASH_LOAN', amountDue: '499.99' })).toBe('card-small');
    expect(seg({ product: 'CARD', amountDue: '500.01' })).toBe('rest');
    expect(seg({ product: 'CARD', amountDue: '1.00', currency: 'USD' })).toBe('rest');
    // A route for products does not fit a loan whose product is not known.
    expect(seg({ amountDue: '1.00' })).toBe('rest');
  });

  it('days past due at intake: 1 to 30 inclusive fit, 0 and 31 do not', () => {
    expect(seg({ daysPastDue: 1 })).toBe('early');
    expect(seg({ daysPastDue: 30 })).toBe('early');
    expect(seg({ daysPastDue: 31 })).toBe('rest');
    expect(seg({ daysPastDue: 0 })).toBe('rest');
  });

  it('an upper risk score fits at exactly the limit, not one over, and not a loan with no score', () => {
    expect(seg({ riskScore: 300 })).toBe('low-risk');
    expect(seg({ riskScore: 0 })).toBe('low-risk');
    expect(seg({ riskScore: 301 })).toBe('rest');
    expect(seg({})).toBe('rest');
  });

  it('a lower risk score does not fit a loan with no score', () => {
    const risky = loadSegments(
      {
        version: 1,
        routes: [
          { segment: 'risky', minRiskScore: 700, policy: 'early-call' },
          { segment: 'rest', policy: 'default' },
        ],
      },
      policies,
    );
    expect(route(risky, { amountDue: '1.00', currency: 'CNY', daysPastDue: 0 }).segment).toBe('rest');
    expect(route(risky, { amountDue: '1.00', currency: 'CNY', daysPastDue: 0, riskScore: 700 }).segment).toBe(
      'risky',
    );
  });
});

describe('a routing table that is refused at load', () => {
  const policies = bundledPolicies();
  const REST = { segment: 'rest', policy: 'default' };
  const load = (first: Record<string, unknown>) => () =>
    loadSegments({ version: 1, routes: [{ segment: 'a', policy: 'default', ...first }, REST] }, policies);

  it('amounts are decimal strings in major units, at most three decimals, no sign or leading zero', () => {
    expect(load({ minAmount: { CNY: '10000' } })).not.toThrow();
    expect(load({ minAmount: { CNY: '0.5' } })).not.toThrow();
    expect(load({ minAmount: { CNY: 'x10000.00' } })).toThrow();
    expect(load({ minAmount: { CNY: '10000.00x' } })).toThrow();
    expect(load({ minAmount: { CNY: '-1.00' } })).toThrow();
    expect(load({ minAmount: { CNY: '010.00' } })).toThrow();
  });

  it('each limit must be a currency code, with no more decimals than the currency has (minimum and maximum alike)', () => {
    expect(load({ minAmount: { XYZ: '1.00' } })).toThrow('segments: routes.0: "XYZ" is not a currency code');
    expect(load({ maxAmount: { cny: '1.00' } })).toThrow('segments: routes.0: "cny" is not a currency code');
    expect(load({ minAmount: { CNY: '1.005' } })).toThrow(
      'amount "1.005" has more than 2 decimal places for CNY',
    );
    expect(load({ maxAmount: { JPY: '100.5' } })).toThrow(
      'amount "100.5" has more than 0 decimal places for JPY',
    );
    expect(load({ maxAmount: { JPY: '100', USD: '1.25' } })).not.toThrow();
  });

  it('segment and policy names are lowercase letters, digits and hyphens, 1 to 40 of them', () => {
    expect(load({ segment: 'Large-balance' })).toThrow();
    expect(load({ segment: 'large-Balance' })).toThrow();
    expect(load({ segment: 'a'.repeat(41) })).toThrow();
    expect(load({ segment: `${'a'.repeat(39)}-` })).not.toThrow();
    expect(load({ policy: 'Default' })).toThrow();
    expect(load({ policy: 'default ' })).toThrow();
  });

  it('a product list names at least one product, and may name several', () => {
    expect(load({ products: [] })).toThrow();
    expect(load({ products: ['CARD', 'CASH_LOAN', 'INSTALMENT_LOAN'] })).not.toThrow();
    expect(load({ products: ['MORTGAGE'] })).toThrow();
  });

  it('days past due are whole days from 0 to 730 (two years), risk scores from 0 to 1,000', () => {
    for (const key of ['minDaysPastDue', 'maxDaysPastDue']) {
      expect(load({ [key]: 0 })).not.toThrow();
      expect(load({ [key]: 730 })).not.toThrow();
      expect(load({ [key]: -1 })).toThrow();
      expect(load({ [key]: 731 })).toThrow();
      expect(load({ [key]: 1.5 })).toThrow();
    }
    for (const key of ['minRiskScore', 'maxRiskScore']) {
      expect(load({ [key]: 0 })).not.toThrow();
      expect(load({ [key]: 1000 })).not.toThrow();
      expect(load({ [key]: -1 })).toThrow();
      expect(load({ [key]: 1001 })).toThrow();
    }
  });

  it('a table has a positive version and 1 to 50 routes', () => {
    expect(() => loadSegments({ version: 0, routes: [REST] }, policies)).toThrow();
    expect(() => loadSegments({ version: 1, routes: [] }, policies)).toThrow();
    const fifty = Array.from({ length: 49 }, (_, i) => ({
      segment: `s${i}`,
      minDaysPastDue: i,
      policy: 'default',
    }));
    expect(() => loadSegments({ version: 1, routes: [...fifty, REST] }, policies)).not.toThrow();
    expect(() => loadSegments({ version: 1, routes: [...fifty, REST, REST] }, policies)).toThrow();
  });
});
