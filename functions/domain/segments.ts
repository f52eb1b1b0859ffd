import * as z from 'zod';
import segmentsFile from '../../policies/segments.json' with { type: 'json' };
import { ValidationError } from './errors.js';
import { isCurrency, toMinor } from './money.js';
import { once } from './once.js';
import type { PolicyRegistry } from './policies.js';

/**
 * Ladders by segment (DOMAIN.md: platforms route by product, days past due at entry, amount and risk
 * score). A routing table, as data (policies/segments.json): the first route whose every condition
 * holds names the segment and the policy; the last route has no condition, so every loan has one.
 * A LoadDelinquent that names its policy is not routed (segment NAMED).
 */
export const PRODUCTS = ['CARD', 'CASH_LOAN', 'INSTALMENT_LOAN'] as const;
export type Product = (typeof PRODUCTS)[number];

const Amounts = once(() => z.record(z.string(), z.string().regex(/^(0|[1-9]\d{0,14})(\.\d{1,3})?$/)));
const RouteSchema = once(() =>
  z.object({
    segment: z.string().regex(/^[a-z0-9-]{1,40}$/),
    products: z.array(z.enum(PRODUCTS)).min(1).optional(),
    /** The amount due at intake, per currency: a route with a limit in other currencies does not fit. */
    minAmount: Amounts().optional(),
    maxAmount: Amounts().optional(),
    minDaysPastDue: z.number().int().min(0).max(730).optional(),
    maxDaysPastDue: z.number().int().min(0).max(730).optional(),
    /** The upstream risk score (higher is riskier); a route with a limit does not fit a loan without one. */
    minRiskScore: z.number().int().min(0).max(1000).optional(),
    maxRiskScore: z.number().int().min(0).max(1000).optional(),
    policy: z.string().regex(/^[a-z0-9-]{1,40}$/),
  }),
);
export const SegmentTableSchema = once(() =>
  z.object({
    version: z.number().int().positive(),
    routes: z.array(RouteSchema()).min(1).max(50),
  }),
);
export type SegmentTable = z.infer<ReturnType<typeof SegmentTableSchema>>;
type Route = SegmentTable['routes'][number];

/** What routing knows about a loan at intake. */
export interface LoanFacts {
  product?: Product | undefined;
  amountDue: string;
  currency: string;
  daysPastDue: number;
  riskScore?: number | undefined;
}

/** Checks the table against the policies it names, and that the last route catches every loan. */
export function loadSegments(raw: unknown, policies: PolicyRegistry): SegmentTable {
  const table = SegmentTableSchema().parse(raw);
  const fail = (m: string) => {
    throw new ValidationError(`segments: ${m}`);
  };
  table.routes.forEach((r, i) => {
    try {
      policies.get(r.policy);
    } catch {
      fail(`routes.${i}.policy: no policy "${r.policy}"`);
    }
    for (const amounts of [r.minAmount ?? {}, r.maxAmount ?? {}])
      for (const [currency, amount] of Object.entries(amounts)) {
        if (!isCurrency(currency)) fail(`routes.${i}: "${currency}" is not a currency code`);
        toMinor(amount, currency);
      }
  });
  const last = table.routes.at(-1) as Route;
  const conditions = Object.keys(last).filter((k) => k !== 'segment' && k !== 'policy');
  if (conditions.length > 0)
    fail(`the last route (${last.segment}) must have no condition, so every loan has one`);
  return table;
}

const amountFits = (limit: Record<string, string> | undefined, loan: LoanFacts, min: boolean) => {
  if (!limit) return true;
  const bound = limit[loan.currency];
  if (bound === undefined) return false;
  const [a, b] = [toMinor(loan.amountDue, loan.currency), toMinor(bound, loan.currency)];
  return min ? a >= b : a <= b;
};

const fits = (r: Route, loan: LoanFacts): boolean =>
  (r.products === undefined || (loan.product !== undefined && r.products.includes(loan.product))) &&
  amountFits(r.minAmount, loan, true) &&
  amountFits(r.maxAmount, loan, false) &&
  (r.minDaysPastDue === undefined || loan.daysPastDue >= r.minDaysPastDue) &&
  (r.maxDaysPastDue === undefined || loan.daysPastDue <= r.maxDaysPastDue) &&
  (r.minRiskScore === undefined || (loan.riskScore !== undefined && loan.riskScore >= r.minRiskScore)) &&
  (r.maxRiskScore === undefined || (loan.riskScore !== undefined && loan.riskScore <= r.maxRiskScore));

/** The segment and policy of a loan: the first route that fits. */
export function route(table: SegmentTable, loan: LoanFacts): { segment: string; policy: string } {
  const r = table.routes.find((x) => fits(x, loan)) as Route;
  return { segment: r.segment, policy: r.policy };
}

/** The bundled routing table (policies/segments.json), checked against the bundled policies. */
export const bundledSegments = (policies: PolicyRegistry): SegmentTable =>
  loadSegments(segmentsFile, policies);
