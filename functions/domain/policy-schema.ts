import * as z from 'zod';
import { BlacklistSchema } from './blacklist.js';
import { once } from './once.js';
import { BalanceSchema, Decimal, SettlementSchema } from './policy-money.js';
import { RulePackSchema } from './rulepacks.js';

/**
 * A ladder policy is data: a lender configures one per product. It is validated at load (and so at
 * `cdk synth`, which renders the state machine from it); an error names the stage and the field.
 */
export const CHANNELS = ['SMS', 'EMAIL', 'LETTER', 'CALL', 'VISIT'] as const;
export type Channel = (typeof CHANNELS)[number];

/** What a stage does. NOTICE is automated; AGENT_CALL and FIELD_VISIT are human tasks. */
export const STAGE_KINDS = [
  'NOTICE',
  /** A one-time lump-sum settlement offer, by the policy's bands (settlement.offers); a message like a notice. */
  'SETTLEMENT_OFFER',
  'AGENT_CALL',
  'FIELD_VISIT',
  'AGENCY_PLACEMENT',
  'LEGAL_HANDOFF',
  'CREDIT_REPORT',
  /** Sharing a serious defaulter on an industry blacklist (blacklist.ts), after its own notice. */
  'BLACKLIST_REPORT',
] as const;
export type StageKind = (typeof STAGE_KINDS)[number];
export const HUMAN_STAGE_KINDS: readonly StageKind[] = ['AGENT_CALL', 'FIELD_VISIT'];

/** The locales templates are written in; a borrower's BCP 47 tag resolves to one (locale.ts). */
export const LOCALES = ['en', 'zh-CN'] as const;
export type Locale = (typeof LOCALES)[number];

const MessageTemplateSchema = once(() =>
  z.object({
    sms: z.string().min(1).max(480).optional(),
    emailSubject: z.string().min(1).max(200).optional(),
    emailBody: z.string().min(1).optional(),
    letter: z.string().min(1).optional(),
    callScript: z.string().min(1).optional(),
  }),
);
export type MessageTemplate = z.infer<ReturnType<typeof MessageTemplateSchema>>;

const TemplateSchema = once(() =>
  z.object({
    version: z.number().int().positive(),
    locales: z.object({ en: MessageTemplateSchema(), 'zh-CN': MessageTemplateSchema() }),
  }),
);
export type Template = z.infer<ReturnType<typeof TemplateSchema>>;

// The descriptions are the reference of the policy format: they are in schemas/policy.schema.json.
const days = (min: number, max: number) => z.number().int().min(min).max(max);

const StageSchema = once(() =>
  z.object({
    id: z
      .string()
      .regex(/^D[+-]\d{1,3}$/, 'must look like D-3 or D+15')
      .describe(
        '"D+7": when the stage runs, relative to the due date; unique in a policy, and equal to offsetDays',
      ),
    name: z
      .string()
      .min(1)
      .max(50)
      .regex(/^[a-z0-9 ,()-]+$/i, 'letters, digits, spaces and , ( ) - only')
      .describe('"agent call": what the stage does; the state names in the console are "<id> <name>"'),
    offsetDays: days(-30, 365).describe('days from the due date; stages are in increasing order'),
    kind: z
      .enum(STAGE_KINDS)
      .describe(
        'NOTICE and SETTLEMENT_OFFER are automated messages; AGENT_CALL and FIELD_VISIT are human tasks; the rest hand the loan over',
      ),
    channels: z
      .array(z.enum([...CHANNELS, 'PREFERRED']))
      .max(4)
      .default([])
      .describe("channels tried, in order; PREFERRED is the borrower's preferred channel"),
    delivery: z
      .enum(['ALL', 'FIRST_OPEN'])
      .default('ALL')
      .describe('ALL channels, or the FIRST_OPEN one (falling back to the next when one is closed or fails)'),
    template: z
      .string()
      .min(1)
      .optional()
      .describe('the key of the message in templates (a NOTICE needs one)'),
    attempts: z
      .number()
      .int()
      .min(1)
      .max(6)
      .default(1)
      .describe(
        'an AGENT_CALL stage: calls made at most, one a day; a call not answered is tried again the next day at the stage time, within the contact window and the call caps',
      ),
    noticeFor: z
      .enum(['FIELD_VISIT', 'CREDIT_REPORT', 'BLACKLIST_REPORT'])
      .optional()
      .describe(
        'this notice is the advance notice a later stage requires: the field visit (fieldVisit.noticeDays before), credit reporting (the rule pack sets the wait) or the blacklist report (blacklist.noticeDays)',
      ),
  }),
);
export type Stage = z.infer<ReturnType<typeof StageSchema>>;

export const PolicySchema = once(() =>
  z.object({
    id: z
      .string()
      .regex(/^[a-z0-9-]{1,40}$/, 'lower-case letters, digits and - only')
      .describe('the policy id: the ledger, the cases and the state machine are named by it'),
    version: z
      .union([
        z.number().int().positive(),
        z.string().regex(/^sha256:[0-9a-f]{64}$/, 'must be a positive integer (or a sha256: content hash)'),
      ])
      .describe(
        "raised on every change: every ledger record names the id and version that decided it. A scenario's policy without a version of its own gets the content hash of its merged content (sha256:<64 hex>)",
      ),
    product: z.string().min(1).describe('what the policy is for, in words'),
    rulePack: z.enum(['CN', 'US']).describe('the contact rules (functions/domain/rulepacks.ts)'),
    ruleOverrides: RulePackSchema()
      .partial()
      .omit({ id: true, version: true })
      .optional()
      .describe(
        "the lender's own numbers over the pack's; records then name the pack version <version>+lender",
      ),
    requireVerifiedContactPoints: z
      .boolean()
      .default(false)
      .describe(
        'contact only verified phone numbers and addresses (ContactPointVerified); otherwise BLOCKED UNVERIFIED_CONTACT_POINT',
      ),
    stageLocalTime: z
      .string()
      .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM')
      .describe("HH:MM in the borrower's zone at which a stage's contacts go out on its day"),
    stageSpreadMinutes: z
      .number()
      .int()
      .min(0)
      .max(720)
      .default(0)
      .describe(
        'spreads stage times over this many minutes after stageLocalTime, by borrower (one minute per borrower for all their loans and stages), so a batch with one due date is not sent in one minute',
      ),
    minStageSpacingDays: days(0, 30)
      .default(1)
      .describe(
        "the least spacing between two stages of a loan, in the borrower's local days (at stageLocalTime): a ladder that is behind, such as a loan sent in after its due date, catches up at this pace instead of all at once",
      ),
    cureThreshold: z
      .record(z.string(), Decimal())
      .describe('per ISO 4217 currency: a balance at or under this counts as cured'),
    balance: BalanceSchema().describe(
      'penalty interest and fees: accrued by the policy, or reported by the loan system (policy-money.ts)',
    ),
    paymentLinkBase: z.url().describe('the self-service payment link; the loan id is appended'),
    promiseToPay: z
      .object({ graceDays: days(0, 14), maxDaysAhead: days(1, 90) })
      .describe(
        'a promise pauses the ladder until its date plus graceDays; a promise may be at most maxDaysAhead',
      ),
    plan: z
      .object({
        graceDays: days(0, 14),
        maxInstalments: z.number().int().min(1).max(36),
        signingExpiryDays: days(1, 30),
        followUpTemplate: z.string().min(1).describe('sent when an instalment is missed'),
        offerTemplate: z
          .string()
          .min(1)
          .describe('sent when the borrower reports hardship: the offer of a plan'),
        reminderDaysBefore: days(0, 14)
          .default(0)
          .describe("a reminder this many days before each instalment's date (0: none)"),
        reminderTemplate: z
          .string()
          .min(1)
          .optional()
          .describe('the reminder before an instalment (needed when reminderDaysBefore is above 0)'),
        replyWindowDays: days(1, 14)
          .default(3)
          .describe(
            "after a missed instalment's follow-up asks why: days to reply or pay before an agent calls",
          ),
        maxRenegotiations: z
          .number()
          .int()
          .min(0)
          .max(5)
          .default(1)
          .describe('new plans agreed after missed instalments, at most; then escalation resumes'),
      })
      .describe(
        'repayment plans: instalment grace, size, how long an agreement may wait for its signature, and how a signed plan is monitored',
      ),
    lenderNoticesWhilePlaced: z
      .enum(['CONTINUE', 'STOP'])
      .default('CONTINUE')
      .describe(
        "while the account is placed with an agency (and not recalled): CONTINUE the lender's own notices and settlement offers beside the agency's work, or STOP them (each is recorded SKIPPED, PLACED_WITH_AGENCY). Advance notices a later stage requires by law (noticeFor) are sent either way",
      ),
    settlement: SettlementSchema().describe(
      'settling for less than the balance: the discount limit, approval, and the one-time offers by band',
    ),
    hardship: z
      .object({ pauseDays: days(1, 60).default(14) })
      .default({ pauseDays: 14 })
      .describe(
        'hardship reported (an event, a reply, a call) pauses escalation and brings the plan offer; escalation resumes after pauseDays unless a plan, a promise or a payment came first',
      ),
    humanTask: z
      .object({ timeoutHours: z.number().int().min(1).max(720) })
      .describe('how long an agent call or visit task may stay open before escalation goes on'),
    fieldVisit: z
      .object({ noticeDays: days(1, 14) })
      .describe('the borrower is told this many days before anyone visits'),
    noticeDelivery: z
      .object({
        letterTransitDays: days(0, 30).default(3),
        assumeDeliveredAfterHours: z.number().int().min(1).max(720).nullable().default(null),
      })
      .default({ letterTransitDays: 3, assumeDeliveredAfterHours: null })
      .describe(
        'when an advance notice counts as delivered: SMS and e-mail when the provider reports it; letters letterTransitDays after dispatch; where reports are not wired up, assumeDeliveredAfterHours after sending unless reported undelivered (null: reported deliveries only)',
      ),
    blacklist: BlacklistSchema()
      .optional()
      .describe(
        'sharing serious defaulters on an industry blacklist, after a notice; absent: never (blacklist.ts)',
      ),
    experiment: z
      .object({
        challenger: z.string().regex(/^[a-z0-9-]{1,40}$/),
        split: z.number().gt(0).lt(1),
        seed: z.string().min(1).max(40).describe('changing the seed re-draws the arms (a new experiment)'),
      })
      .optional()
      .describe("champion/challenger: this share (split) of loans runs the challenger policy's ladder"),
    defaultLocale: z
      .enum(LOCALES)
      .default('en')
      .describe(
        "the templates' locale for a borrower whose language no template speaks (the reason is recorded)",
      ),
    templates: z
      .record(z.string(), TemplateSchema())
      .describe('messages by key, each with a version and its text in en and zh-CN'),
    stages: z.array(StageSchema()).min(1).max(30).describe('the ladder, in day order'),
  }),
);
export type LadderPolicy = z.infer<ReturnType<typeof PolicySchema>>;
/** A policy's version as records name it: the lender's number, or a content hash. */
export type PolicyVersion = LadderPolicy['version'];
