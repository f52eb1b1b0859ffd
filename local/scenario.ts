import * as z from 'zod';
import { BorrowerSchema, ContactChannel, Decimal, Instant, LocalDate } from '../functions/domain/events.js';
import { isCurrency } from '../functions/domain/money.js';
import { PolicySchema } from '../functions/domain/policy.js';

/**
 * The `ladder simulate` scenario file. Loans reuse the event contract's schemas; events are what the
 * borrower does, at a time (`at`) or in answer to the n-th agent call (`onAgentCall`).
 */
const Amount = Decimal().refine((v) => Number(v) > 0, 'must be greater than zero');
const timed = <L extends string, T extends z.ZodRawShape>(type: L, shape: T) =>
  z.object({
    type: z.literal(type),
    /** When it happened: the `at` (or a payment's `paidAt`) the event carries. */
    at: Instant().optional(),
    /**
     * When the upstream system delivers it, if not at `at`: later (a late or reordered delivery) or
     * earlier (an event dated ahead of the receiver's clock, which is refused).
     */
    deliveredAt: Instant().optional(),
    /** Delivered this many more times, a minute apart (EventBridge delivers at least once). */
    repeat: z.number().int().min(0).max(3).optional(),
    onAgentCall: z.number().int().min(1).optional(),
    /** With onAgentCall: what the agent writes about the call (kept under the contact key; in the evidence pack). */
    notes: z.string().min(1).max(4000).optional(),
    ...shape,
  });

export const ScenarioEventSchema = z.discriminatedUnion('type', [
  timed('payment', { amount: Amount }),
  /** The loan system's balance as of `at` (BalanceChanged): the source of truth for what is owed. */
  timed('balanceChanged', {
    principal: Decimal(),
    interest: Decimal(),
    penaltyInterest: Decimal(),
    fees: Decimal(),
  }),
  timed('optOut', { channel: ContactChannel() }),
  timed('optIn', { channel: ContactChannel() }),
  timed('dispute', {}),
  timed('disputeResolved', { inFavourOf: z.enum(['lender', 'borrower']) }),
  timed('promiseToPay', { amount: Amount, date: LocalDate() }),
  timed('hardship', {}),
  timed('acceptPlan', {
    instalments: z
      .array(z.object({ amount: Amount, date: LocalDate() }))
      .min(1)
      .max(36),
    /** A settlement above the policy's approval limit: who approved it. */
    approverId: z.string().min(1).max(64).optional(),
  }),
  timed('noAnswer', {}),
  timed('wrongNumber', {}),
  timed('refused', {}),
  /** A two-way SMS reply from the borrower's phone ("STOP", "退订"...), through the inbound SMS handler. */
  timed('smsReply', { body: z.string().min(1).max(1600) }),
  /**
   * A free-text reply (SMS from the borrower's phone, or e-mail from their address), through the
   * inbound function: a keyword is acted on, anything else becomes a conversation item for an agent.
   */
  timed('reply', {
    channel: z.enum(['SMS', 'EMAIL']).default('SMS'),
    text: z.string().min(1).max(1600),
    subject: z.string().max(200).optional(),
  }),
  /** Right to erasure (BorrowerErasureRequested). */
  timed('erasure', {}),
  /** Deceased, bankrupt or a fraud victim (BorrowerStatusChanged): the ladder stops, a specialist takes over. */
  timed('statusChanged', { status: z.enum(['DECEASED', 'BANKRUPT', 'FRAUD_VICTIM']) }),
  /** The borrower's phone number (SMS) or e-mail address was verified (ContactPointVerified). */
  timed('contactVerified', { channel: z.enum(['SMS', 'EMAIL']) }),
]);
export type ScenarioEvent = z.infer<typeof ScenarioEventSchema>;

export const ScenarioLoanSchema = z.object({
  loanId: z
    .string()
    .min(1)
    .max(64)
    .regex(/^[A-Za-z0-9._:-]+$/, 'letters, digits and . _ : - only'),
  amountDue: Amount,
  currency: z.string().refine(isCurrency, 'must be an ISO 4217 currency code'),
  dueDate: LocalDate(),
  /** A card's minimum payment (LoanDelinquent.minimumDue). */
  minimumDue: Amount.optional(),
  /** For routing by segment (LoanDelinquent.product, riskScore) when the scenario has no policy of its own. */
  product: z.enum(['CARD', 'CASH_LOAN', 'INSTALMENT_LOAN']).optional(),
  riskScore: z.number().int().min(0).max(1000).optional(),
  borrower: BorrowerSchema(),
  /**
   * When the upstream system sends the loan's LoanDelinquent: by default 08:00 four days before the due
   * date in the borrower's zone (so the D-3 reminder runs). Later than the due date: a loan that came
   * in late, whose pre-due stages are skipped (recorded) and whose overdue stages catch up.
   */
  deliveredAt: Instant().optional(),
  events: z.array(ScenarioEventSchema).max(200).default([]),
});
export type ScenarioLoan = z.infer<typeof ScenarioLoanSchema>;

export const ScenarioSchema = z.object({
  seed: z
    .number()
    .int()
    .optional()
    .describe('the seed of the run (the same scenario and seed give the same loans)'),
  rulePack: z.enum(['CN', 'US']).optional().describe("replaces the policy's rule pack"),
  policy: z.union([z.string().min(1), z.record(z.string(), z.unknown())]).optional(),
  loans: z.array(z.unknown()).min(1).max(100_000),
});

/** How `extends` merges, stated once: in the JSON Schema and in local/scenario-policy.ts. */
export const EXTENDS_RULES =
  'a bundled policy (default, early-call) to start from. Merge: one level deep: each top-level field given ' +
  "replaces the parent's field whole (stages and other arrays, and objects too: templates, plan, " +
  "cureThreshold); each field left out is the parent's. Without a version of its own, the merged policy " +
  'is recorded with its content hash (sha256:...) as its version';

/** A scenario's own policy: a whole policy, or the fields that differ from the bundled one it extends. */
export const PolicyOverrideSchema = PolicySchema()
  .partial()
  .extend({ extends: z.string().optional().describe(EXTENDS_RULES) })
  .strict();

/**
 * The whole scenario file, for schemas/scenario.schema.json. parseScenario checks the same schemas a
 * loan at a time, so that an error names the loan.
 */
export const ScenarioFileSchema = ScenarioSchema.extend({
  policy: z
    .union([z.string().min(1).describe('a policy file, relative to the scenario file'), PolicyOverrideSchema])
    .optional()
    .describe('the policy the loans run (default: the bundled default)'),
  loans: z.array(ScenarioLoanSchema).min(1).max(100_000),
});
export type Scenario = Omit<z.infer<typeof ScenarioSchema>, 'loans'> & { loans: ScenarioLoan[] };

export class ScenarioError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ScenarioError';
  }
}

const first = (error: z.ZodError): string => {
  const issue = error.issues[0];
  if (!issue) return 'invalid';
  if (issue.code === 'invalid_union' && issue.path.at(-1) === 'type')
    return `${issue.path.join('.')}: unknown event type`;
  return `${issue.path.join('.') || '(loan)'}: ${issue.message}`;
};

// Echoed back in an error only when they look like what they should be: a loan id of the contract's
// characters, an event type of letters. Anything else (a newline, markup, a paragraph) is named by
// position instead, so an error stays one short line and repeats nothing it was given.
const ECHOABLE_ID = /^[A-Za-z0-9._:-]{1,64}$/;
const ECHOABLE_TYPE = /^[A-Za-z]{1,30}$/;

/** Validates a scenario; throws ScenarioError with one line naming the loan and the field. */
export function parseScenario(raw: unknown): Scenario {
  const top = ScenarioSchema.safeParse(raw);
  if (!top.success) throw new ScenarioError(`scenario: ${first(top.error)}`);
  const seen = new Set<string>();
  const loans = top.data.loans.map((loan, index) => {
    const id = (loan as { loanId?: unknown })?.loanId;
    const name = typeof id === 'string' && ECHOABLE_ID.test(id) ? `loan ${id}` : `loan #${index + 1}`;
    const events = (loan as { events?: unknown })?.events;
    if (Array.isArray(events)) {
      for (const [i, e] of events.entries()) {
        const t = (e as { type?: unknown })?.type;
        if (!ScenarioEventSchema.options.some((o) => o.shape.type.value === t)) {
          const shown = typeof t === 'string' && ECHOABLE_TYPE.test(t) ? ` "${t}"` : '';
          throw new ScenarioError(`${name}: events.${i}.type: unknown event type${shown}`);
        }
      }
    }
    const parsed = ScenarioLoanSchema.safeParse(loan);
    if (!parsed.success) throw new ScenarioError(`${name}: ${first(parsed.error)}`);
    if (seen.has(parsed.data.loanId)) throw new ScenarioError(`${name}: loanId: duplicate`);
    seen.add(parsed.data.loanId);
    for (const [i, e] of parsed.data.events.entries()) {
      if ((e.at === undefined) === (e.onAgentCall === undefined)) {
        throw new ScenarioError(`${name}: events.${i}: give exactly one of "at" and "onAgentCall"`);
      }
      if (e.notes !== undefined && e.onAgentCall === undefined) {
        throw new ScenarioError(`${name}: events.${i}: notes are the agent's, on a call: use "onAgentCall"`);
      }
      if (['noAnswer', 'wrongNumber', 'refused'].includes(e.type) && e.at !== undefined) {
        throw new ScenarioError(
          `${name}: events.${i}: ${e.type} is an answer to an agent call: use "onAgentCall"`,
        );
      }
      if (['smsReply', 'reply', 'erasure', 'balanceChanged'].includes(e.type) && e.at === undefined) {
        throw new ScenarioError(`${name}: events.${i}: ${e.type} happens at a time: use "at"`);
      }
    }
    return parsed.data;
  });
  return { ...top.data, loans };
}
