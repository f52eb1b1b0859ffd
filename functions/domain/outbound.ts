import * as z from 'zod';
import { balanceMinor, type CaseRecord, caseKey } from './case.js';
import { LadderError } from './errors.js';
import { Currency, Decimal, describeZodError, Id } from './events.js';
import { fromMinor } from './money.js';
import { once } from './once.js';

/**
 * The contract with downstream systems: every event Ladder publishes on its bus (source `ladder`) for
 * a print vendor, a collection agency, legal or a credit bureau. One zod schema per detail-type: the
 * publishers (functions/adapters/workflow.ts BusPublisher on AWS, the local runtime's bus) validate
 * every detail with it before it leaves, the type checker holds each call site to it, and the JSON
 * Schemas in schemas/outbound/ are generated from it (npm run schemas). docs/events.md documents them.
 *
 * Versioning: each detail carries `schemaVersion`. Adding an optional field keeps the version
 * (consumers ignore fields they do not know: the JSON Schemas allow them); removing, renaming or
 * changing the meaning of a field is a new version, published beside the old one for a deprecation
 * period, so a consumer's rule can pin `detail.schemaVersion`.
 *
 * No detail holds a contact detail (name, phone, e-mail, address): a consumer that needs one (the
 * print vendor's postal address) resolves the borrowerId in the lender's own customer system.
 */
const version = (n: number) =>
  z
    .literal(n)
    .describe(
      "Version of this detail-type's schema: a breaking change publishes a new version beside this one",
    );
const Key = once(() =>
  z
    .string()
    .min(1)
    .max(200)
    .describe(
      'Unique per request: a retried step publishes the same request again with the same key (EventBridge does not deduplicate), so a consumer drops a key it has seen',
    ),
);
const LoanFields = once(() => ({
  loanId: Id(),
  cycle: z
    .number()
    .int()
    .min(1)
    .max(9999)
    .describe('The delinquency cycle of the loan (one ladder per cycle)'),
  borrowerId: Id(),
}));
const MoneyFields = once(() => ({
  balance: Decimal().describe('What the borrower owes now, in major units as a decimal string ("1200.50")'),
  currency: Currency(),
}));

export const LetterRequestedSchema = once(() =>
  z
    .object({
      schemaVersion: version(1),
      ...LoanFields(),
      templateId: z.string().min(1).max(100).describe("The policy's template of the letter"),
      templateVersion: z.number().int().min(0),
      locale: z.enum(['en', 'zh-CN']).describe("The borrower's language"),
      idempotencyKey: Key().describe(
        'The letter: the print vendor reports its dispatch with LetterDispatched { letterKey: this key }; until then the ledger holds the letter as REQUESTED',
      ),
    })
    .describe('Print and post a letter to the borrower (formal warning, credit-report notice).'),
);

export const AgencyPlacementRequestedSchema = once(() =>
  z
    .object({ schemaVersion: version(1), ...LoanFields(), ...MoneyFields(), idempotencyKey: Key() })
    .describe('Place the account with a collection agency; the ladder goes on beside it.'),
);

const RecallReasonSchema = once(() =>
  z
    .enum(['PAID', 'PLAN_AGREED', 'DISPUTE_UPHELD', 'LEGAL_HANDOFF'])
    .describe(
      'Paid in full, a repayment plan signed with the lender, a dispute upheld, or the account handed to legal',
    ),
);
export type RecallReason = z.infer<ReturnType<typeof RecallReasonSchema>>;

export const AgencyRecallRequestedSchema = once(() =>
  z
    .object({
      schemaVersion: version(1),
      ...LoanFields(),
      ...MoneyFields(),
      reason: RecallReasonSchema(),
      idempotencyKey: Key(),
    })
    .describe('Take the account back from the agency: stop working it.'),
);

export const LegalHandoffRequestedSchema = once(() =>
  z
    .object({
      schemaVersion: version(1),
      ...LoanFields(),
      ...MoneyFields(),
      ledgerId: z.string().min(1).max(200).describe('The loan cycle\'s ledger: "<loanId>#<cycle>"'),
      evidencePack: z
        .string()
        .min(1)
        .max(1024)
        .describe(
          'Where the evidence pack (JSON) is: s3://<evidence bucket>/evidence/<loanId>/<cycle>.json on AWS',
        ),
      evidenceDocument: z
        .string()
        .min(1)
        .max(1024)
        .describe('The same pack as a readable document (Markdown)'),
      idempotencyKey: Key(),
    })
    .describe('Hand the account to legal with its evidence pack; the ladder ends (HANDED_OVER).'),
);

export const CreditBureauReportRequestedSchema = once(() =>
  z
    .object({
      schemaVersion: version(1),
      ...LoanFields(),
      ...MoneyFields(),
      daysPastDue: z.number().int().min(0),
      idempotencyKey: Key().describe('The report: a later correction names it (reportKey)'),
    })
    .describe('Report the arrears to the credit bureau; published only after the required advance notice.'),
);

const ClearedReasonSchema = once(() =>
  z
    .enum(['PAID', 'SETTLED', 'DISPUTE_UPHELD'])
    .describe('Why the adverse information goes: paid in full, settled by agreement, or a dispute upheld'),
);
export type ClearedReason = z.infer<ReturnType<typeof ClearedReasonSchema>>;
const Registry = once(() =>
  z
    .string()
    .min(1)
    .max(60)
    .describe("The industry registry the policy's blacklist section names (blacklist.registry)"),
);

export const CreditBureauCorrectionRequestedSchema = once(() =>
  z
    .object({
      schemaVersion: version(1),
      ...LoanFields(),
      ...MoneyFields(),
      reason: ClearedReasonSchema(),
      reportKey: Key().describe('The idempotencyKey of the CreditBureauReportRequested being corrected'),
      idempotencyKey: Key(),
    })
    .describe(
      'Correct a negative report at the bureau: the case is CURED, SETTLED, paid in full after the handoff, or closed by an upheld dispute after a CreditBureauReportRequested; once per report.',
    ),
);

export const BlacklistReportRequestedSchema = once(() =>
  z
    .object({
      schemaVersion: version(1),
      ...LoanFields(),
      ...MoneyFields(),
      daysPastDue: z.number().int().min(0),
      registry: Registry(),
      idempotencyKey: Key().describe('The report: its removal names it (reportKey)'),
    })
    .describe(
      "Share a serious defaulter on an industry blacklist: published only under a policy with a blacklist section, at its severity (days past due, balance), after the borrower's notice and its waiting period.",
    ),
);

export const BlacklistRemovalRequestedSchema = once(() =>
  z
    .object({
      schemaVersion: version(1),
      ...LoanFields(),
      ...MoneyFields(),
      registry: Registry(),
      reason: ClearedReasonSchema(),
      reportKey: Key().describe('The idempotencyKey of the BlacklistReportRequested being removed'),
      idempotencyKey: Key(),
    })
    .describe(
      'Remove a blacklist entry: the case is CURED, SETTLED, paid in full after the handoff, or closed by an upheld dispute after a BlacklistReportRequested; once per report.',
    ),
);

export const AccountUpdateRequestedSchema = once(() =>
  z
    .object({
      schemaVersion: version(1),
      ...LoanFields(),
      ...MoneyFields(),
      recipient: z
        .enum(['AGENCY', 'LEGAL'])
        .describe('Who holds the account: the agency it is placed with, or legal after the handoff'),
      change: z
        .enum(['PAYMENT', 'PLAN_PROPOSED'])
        .describe(
          'A payment received (the balance is after it), or a repayment plan the borrower proposed after the legal handoff (forwarded to legal, not applied)',
        ),
      amount: Decimal().describe("The payment, or the plan's total, in major units as a decimal string"),
      idempotencyKey: Key(),
    })
    .describe(
      'Money moved or a plan was proposed while the account is placed with an agency or with legal: what changed and the balance now.',
    ),
);

/**
 * EventBridge detail-type -> schema of the detail, for everything Ladder publishes (source `ladder`),
 * each built on first use (`OUTBOUND_SCHEMAS[type]()`).
 */
export const OUTBOUND_SCHEMAS = {
  LetterRequested: LetterRequestedSchema,
  AgencyPlacementRequested: AgencyPlacementRequestedSchema,
  AgencyRecallRequested: AgencyRecallRequestedSchema,
  LegalHandoffRequested: LegalHandoffRequestedSchema,
  CreditBureauReportRequested: CreditBureauReportRequestedSchema,
  CreditBureauCorrectionRequested: CreditBureauCorrectionRequestedSchema,
  AccountUpdateRequested: AccountUpdateRequestedSchema,
  BlacklistReportRequested: BlacklistReportRequestedSchema,
  BlacklistRemovalRequested: BlacklistRemovalRequestedSchema,
} as const;
export type OutboundType = keyof typeof OUTBOUND_SCHEMAS;
export const OUTBOUND_TYPES = Object.keys(OUTBOUND_SCHEMAS) as OutboundType[];

/** What a publisher passes: the detail without its version (the contract adds it). */
export type OutboundInput<T extends OutboundType> = Omit<
  z.input<ReturnType<(typeof OUTBOUND_SCHEMAS)[T]>>,
  'schemaVersion'
>;
export type OutboundDetail<T extends OutboundType> = z.output<ReturnType<(typeof OUTBOUND_SCHEMAS)[T]>>;

/** The schema version a detail-type is published at now. */
export const outboundVersion = (type: OutboundType): number =>
  OUTBOUND_SCHEMAS[type]().shape.schemaVersion.value;

/**
 * The detail as it goes on the bus: versioned, checked against its schema, unknown fields dropped.
 * A detail that breaks the contract is a bug in Ladder, not a transient fault: a LadderError (not
 * retried) naming the field, never its value.
 */
export function outboundDetail<T extends OutboundType>(type: T, detail: OutboundInput<T>): OutboundDetail<T> {
  const parsed = OUTBOUND_SCHEMAS[type]().safeParse({ ...detail, schemaVersion: outboundVersion(type) });
  if (!parsed.success)
    throw new LadderError(
      `${type} breaks its contract (v${outboundVersion(type)}): ${describeZodError(parsed.error)}`,
    );
  return parsed.data as OutboundDetail<T>;
}

/** An account placed with an agency is taken back: one recall per loan cycle, whoever asks for it. */
export const agencyRecall = (
  c: Pick<CaseRecord, 'loanId' | 'cycle' | 'borrowerId' | 'currency' | 'amountDueMinor' | 'paidMinor'>,
  reason: RecallReason,
): OutboundInput<'AgencyRecallRequested'> => ({
  loanId: c.loanId,
  cycle: c.cycle,
  borrowerId: c.borrowerId,
  balance: fromMinor(balanceMinor(c), c.currency),
  currency: c.currency,
  reason,
  idempotencyKey: `${caseKey(c.loanId, c.cycle)}#RECALL`,
});
