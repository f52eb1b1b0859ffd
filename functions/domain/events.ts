import { DateTime } from 'luxon';
import * as z from 'zod';
import { isLanguageTag } from './locale.js';
import { isCurrency } from './money.js';
import { LOCALES } from './policy.js';
import { isTimeZone } from './rulepacks.js';

/**
 * The event contract with upstream loan systems. One zod schema per event: the intake and events
 * handlers validate with it, `ladder simulate` validates scenarios with it, and the JSON Schemas in
 * schemas/ are generated from it (npm run schemas), so there is one definition of each event.
 */
export const Id = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9._:-]+$/, 'letters, digits and . _ : - only');
export const Decimal = z
  .string()
  .regex(/^(0|[1-9]\d{0,14})(\.\d{1,3})?$/, 'must be a non-negative decimal string');
const PositiveDecimal = Decimal.refine((v) => Number(v) > 0, 'must be greater than zero').describe(
  'A positive decimal string in major units, such as "1200.50"',
);
export const Currency = z
  .string()
  .refine(isCurrency, 'must be an ISO 4217 currency code')
  .describe('ISO 4217 currency code, such as CNY or USD');
export const LocalDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be YYYY-MM-DD')
  .refine((v) => DateTime.fromISO(v).isValid, 'is not a calendar date');
export const Instant = z.iso.datetime({ offset: true, message: 'must be ISO 8601 with an offset' });
const E164 = z
  .string()
  .regex(/^\+[1-9]\d{6,14}$/, 'must be an E.164 phone number: + then country code and digits, no spaces');
export const ContactChannel = z.enum(['SMS', 'EMAIL', 'CALL']);

export const BorrowerSchema = z.object({
  borrowerId: Id,
  name: z.string().min(1).max(200),
  phone: E164,
  email: z.email().max(254),
  timeZone: z
    .string()
    .refine(isTimeZone, 'must be an IANA time zone such as Asia/Shanghai')
    .describe("The borrower's IANA time zone, such as Asia/Shanghai: contact hours are in it"),
  locale: z
    .string()
    .min(2)
    .max(35)
    .refine(isLanguageTag, 'must be a BCP 47 language tag such as en-US or zh-Hans-CN')
    .describe(
      "The borrower's language as a BCP 47 tag (en-US, en-GB, zh-Hans-CN): it resolves to the closest template locale, or to the policy's defaultLocale (recorded) when no template speaks it",
    ),
  preferredChannel: z.enum(['SMS', 'EMAIL']).optional(),
});
export type Borrower = z.infer<typeof BorrowerSchema>;

export const LoanDelinquentSchema = z.object({
  loanId: Id,
  /** The delinquency cycle: one execution per loan and cycle. */
  cycle: z.number().int().min(1).max(9999).default(1),
  amountDue: PositiveDecimal,
  currency: Currency,
  dueDate: LocalDate,
  policyId: z
    .string()
    .regex(/^[a-z0-9-]{1,40}$/)
    .optional(),
  /** A card's minimum payment on the statement: paying it cures the delinquency under a card policy. */
  minimumDue: PositiveDecimal.optional(),
  /** What the loan is, for routing by segment when no policy is named (policies/segments.json). */
  product: z.enum(['CARD', 'CASH_LOAN', 'INSTALMENT_LOAN']).optional(),
  /** The upstream risk score, 0 to 1000 (higher is riskier), for routing by segment. */
  riskScore: z.number().int().min(0).max(1000).optional(),
  borrower: BorrowerSchema,
});
export type LoanDelinquent = z.infer<typeof LoanDelinquentSchema>;

export const PaymentReceivedSchema = z.object({
  paymentId: Id,
  loanId: Id,
  amount: PositiveDecimal,
  currency: Currency,
  paidAt: Instant,
});
export type PaymentReceived = z.infer<typeof PaymentReceivedSchema>;

/**
 * The loan system's balance as of an instant, every payment it knew of by then applied: it is the
 * source of truth for what is owed. A report older than the latest one received changes nothing.
 */
export const BalanceChangedSchema = z.object({
  loanId: Id,
  principal: Decimal.describe('Principal outstanding, in major units'),
  interest: Decimal.describe('Contractual interest outstanding'),
  penaltyInterest: Decimal.describe('Penalty interest outstanding (罚息)'),
  fees: Decimal.describe('Fees outstanding (late fees, liquidated damages)'),
  currency: Currency,
  asOf: Instant,
});
export type BalanceChanged = z.infer<typeof BalanceChangedSchema>;

export const BorrowerOptedOutSchema = z.object({ borrowerId: Id, channel: ContactChannel, at: Instant });
/** The borrower consents again to a channel they opted out of (an SMS START, or the lender's records). */
export const BorrowerOptedInSchema = z.object({ borrowerId: Id, channel: ContactChannel, at: Instant });
/** Why a borrower contests the debt, as a code (what they wrote stays out of events and the ledger). */
export const DisputeReason = z.enum(['NOT_MINE', 'WRONG_AMOUNT', 'ALREADY_PAID', 'OTHER']);
export const DisputeOpenedSchema = z.object({
  loanId: Id,
  reason: DisputeReason.optional().describe(
    "the borrower's reason: not their debt, a wrong amount, already paid, or another",
  ),
  at: Instant,
});
export const DisputeResolvedSchema = z.object({
  loanId: Id,
  inFavourOf: z.enum(['lender', 'borrower']),
  at: Instant,
});
export const PromiseToPayMadeSchema = z.object({
  loanId: Id,
  amount: PositiveDecimal,
  date: LocalDate,
  at: Instant,
});
export const RepaymentPlanAcceptedSchema = z.object({
  loanId: Id,
  instalments: z
    .array(z.object({ amount: PositiveDecimal, date: LocalDate }))
    .min(1)
    .max(36),
  /**
   * A settlement for less than the balance, above the policy's approval limit, needs who approved it
   * and when: recorded with the agreement and in the ledger.
   */
  approval: z.object({ approverId: Id, at: Instant }).optional(),
  at: Instant,
});
export const HardshipReportedSchema = z.object({ loanId: Id, at: Instant });
export const BorrowerStatusChangedSchema = z.object({
  borrowerId: Id,
  status: z.enum(['DECEASED', 'BANKRUPT', 'FRAUD_VICTIM']),
  at: Instant,
});
/** The upstream system confirmed the borrower controls this phone number (SMS) or e-mail address. */
export const ContactPointVerifiedSchema = z.object({
  borrowerId: Id,
  channel: z
    .enum(['SMS', 'EMAIL'])
    .describe('SMS: the phone number (also used for calls); EMAIL: the address'),
  at: Instant,
});
const HHMM = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM (24-hour)');
/**
 * The borrower's own choices (the borrower's page, or the lender's app upstream): the hours they
 * prefer to be contacted in, local time, and their language. Each field given replaces the last
 * choice; `contactWindow: null` removes the preferred hours. Contact stays inside the rule pack's
 * hours whatever the window says (functions/domain/preferences.ts).
 */
export const BorrowerPreferencesChangedSchema = z
  .object({
    borrowerId: Id,
    contactWindow: z
      .object({ start: HHMM, end: HHMM })
      .refine((w) => w.start < w.end, 'start must be before end (no window across midnight)')
      .nullable()
      .optional()
      .describe(
        "Preferred contact hours in the borrower's time zone, start inclusive, end exclusive; null: none. Narrows the rule pack's hours; if they do not overlap, the pack's hours apply",
      ),
    language: z
      .enum(LOCALES)
      .optional()
      .describe(
        "The language messages are sent in: one the templates speak (en, zh-CN); it outranks the loan record's locale",
      ),
    at: Instant,
  })
  .refine((d) => d.contactWindow !== undefined || d.language !== undefined, {
    message: 'give contactWindow or language',
    path: ['contactWindow'],
  });
/** Right to erasure: the borrower's contact details are deleted; the ledger (which never held them) stays. */
export const BorrowerErasureRequestedSchema = z.object({ borrowerId: Id, at: Instant });

/**
 * The print vendor posted a letter Ladder asked for (LetterRequested): `letterKey` is that event's
 * idempotencyKey. A notice letter counts from its dispatch plus the policy's transit days.
 */
export const LetterDispatchedSchema = z.object({
  letterKey: z.string().min(1).max(200),
  dispatchedAt: Instant,
});

/** EventBridge detail-type -> schema of the detail. */
export const EVENT_SCHEMAS = {
  LoanDelinquent: LoanDelinquentSchema,
  PaymentReceived: PaymentReceivedSchema,
  BalanceChanged: BalanceChangedSchema,
  BorrowerOptedOut: BorrowerOptedOutSchema,
  BorrowerOptedIn: BorrowerOptedInSchema,
  DisputeOpened: DisputeOpenedSchema,
  DisputeResolved: DisputeResolvedSchema,
  PromiseToPayMade: PromiseToPayMadeSchema,
  RepaymentPlanAccepted: RepaymentPlanAcceptedSchema,
  HardshipReported: HardshipReportedSchema,
  BorrowerStatusChanged: BorrowerStatusChangedSchema,
  ContactPointVerified: ContactPointVerifiedSchema,
  BorrowerPreferencesChanged: BorrowerPreferencesChangedSchema,
  BorrowerErasureRequested: BorrowerErasureRequestedSchema,
  LetterDispatched: LetterDispatchedSchema,
} as const;
export type EventType = keyof typeof EVENT_SCHEMAS;
export type EventDetail<T extends EventType> = z.infer<(typeof EVENT_SCHEMAS)[T]>;
/** What borrowers do and what happens to their loans: every upstream event but intake's and the vendor's. */
export const BORROWER_EVENT_TYPES = Object.keys(EVENT_SCHEMAS).filter(
  (t) => t !== 'LoanDelinquent' && t !== 'LetterDispatched',
) as Exclude<EventType, 'LoanDelinquent' | 'LetterDispatched'>[];

/** A one-line description of the first problem, naming the field: never echoes the value. */
export function describeZodError(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'invalid';
  const path = issue.path.length ? issue.path.join('.') : '(event)';
  return `${path}: ${issue.message}`;
}
