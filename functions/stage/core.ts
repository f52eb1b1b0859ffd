import * as z from 'zod';
import type { CaseStore, Stored } from '../adapters/case-store.js';
import type { ContactDetails, ContactStore } from '../adapters/contact-store.js';
import type { EvidenceStore } from '../adapters/evidence-store.js';
import type { LedgerStore } from '../adapters/ledger-store.js';
import type { Messaging } from '../adapters/messaging.js';
import type { EventPublisher } from '../adapters/workflow.js';
import {
  type BorrowerProfile,
  balanceMinor,
  type CaseRecord,
  caseKey,
  close,
  daysPastDue,
  endOfGrace,
  localDaysBetween,
  pendingPromise,
  stageTime,
} from '../domain/case.js';
import { type Clock, isoUtc } from '../domain/clock.js';
import {
  type ChannelDecision,
  decideContacts,
  fallbackChannels,
  type Gate,
  gate,
  type LedgerHead,
  MAX_WAIT_MS,
  noticeGate,
  notYet,
  type Outcome,
  preDueExpired,
  type Step,
} from '../domain/decide.js';
import {
  CaseNotFoundError,
  ConcurrentUpdateError,
  TransientError,
  ValidationError,
} from '../domain/errors.js';
import { buildEvidencePack, renderEvidenceDocument } from '../domain/evidence.js';
import {
  type AttemptEntry,
  chain,
  type LedgerContent,
  type LedgerRecord,
  type SendReceipt,
} from '../domain/ledger.js';
import { fromMinor, toMinor } from '../domain/money.js';
import { proposePlan, signPlan } from '../domain/plan.js';
import type { PolicyRegistry } from '../domain/policies.js';
import { type Channel, type LoadedPolicy, nextStage, type Stage, stageById } from '../domain/policy.js';
import { renderMessage } from '../domain/templates.js';

/**
 * The stage executor: every automated step of the ladder. Right before any contact it re-reads the
 * case as of now (one Query: the borrower's profile and all their cases), applies the policy's gate
 * and contact rules, sends, records the decision in the ledger (one PutItem) and tells the state
 * machine what to do next. Identifiers in, identifiers out: contact details are read inside and
 * never returned.
 *
 * Retries never send twice, at no cost to a step that succeeds first time (README: "Retries never
 * send twice"). A step's ledger record is the next seq after the head it was given, so an
 * earlier attempt of the same step leaves one of two traces: the record itself (it was written and
 * the answer lost: read, only when the state machine says this is a retry, with one Query), or a
 * send receipt in the borrower's partition (it sent, then failed to write the record: read by the
 * Query every step makes anyway). Either way the step replays that attempt, as of its time, instead
 * of deciding and sending again. A conflict on the ledger seq is resolved the same way.
 */
export interface StageDeps {
  cases: CaseStore;
  contacts: ContactStore;
  ledger: LedgerStore;
  messaging: Messaging;
  bus: EventPublisher;
  clock: Clock;
  policies: PolicyRegistry;
  evidence: EvidenceStore;
  /** Sees each ledger record once it is stored (the handler turns attempts into metrics). */
  observe?: (record: LedgerRecord) => void;
}

const StepSchema = z.object({
  outcome: z.string(),
  stage: z.string(),
  wakeAt: z.string(),
  resumeStage: z.string(),
  ledger: z.object({ seq: z.number().int().nonnegative(), hash: z.string().length(64) }),
});

const HumanResult = z.object({
  outcome: z.enum([
    'NOT_OPENED',
    'REACHED',
    'PROMISE_TO_PAY',
    'HARDSHIP',
    'DISPUTE',
    'REFUSED',
    'NO_ANSWER',
    'WRONG_NUMBER',
    'PLAN_AGREED',
    'VISIT_REPORTED',
    'CASE_CLOSED',
  ]),
  taskId: z.string().optional(),
  decision: z
    .object({ status: z.enum(['BLOCKED', 'DEFERRED']), reason: z.string(), until: z.number().optional() })
    .optional(),
  promise: z.object({ amount: z.string(), date: z.string() }).optional(),
  plan: z.object({ instalments: z.array(z.object({ amount: z.string(), date: z.string() })) }).optional(),
  report: z.string().max(500).optional(),
});
export type HumanResult = z.infer<typeof HumanResult>;

export const StageRequestSchema = z.object({
  action: z.enum([
    'RECORD_SIGNATURE',
    'RUN_STAGE',
    'RECORD_HUMAN_OUTCOME',
    'CHECK_PROMISE',
    'CHECK_PLAN',
    'AFTER_HOLD',
    'RECORD_FAILURE',
  ]),
  loanId: z.string().min(1),
  borrowerId: z.string().min(1),
  cycle: z.number().int().min(1),
  policyId: z.string().min(1),
  stage: z.string().optional(),
  step: StepSchema,
  /** A human task's result, or the Catch's {Error, Cause} when it timed out. */
  taskResult: z.unknown().optional(),
  /** `$$.State.RetryCount`: above 0, an earlier attempt of this step may have written its record. */
  retryCount: z.number().int().min(0).optional(),
  error: z.object({ Error: z.string(), Cause: z.string().optional() }).optional(),
});
export type StageRequest = z.infer<typeof StageRequestSchema>;

/** What an earlier attempt of this step did: sent (a receipt) or also recorded (the ledger record). */
interface Prior extends Omit<SendReceipt, 'loanId' | 'cycle'> {
  recorded?: LedgerRecord;
  receipt: boolean;
}

interface Ctx {
  /** The ledger head: where the next record chains on (advanced by each record written). */
  head: LedgerHead;
  req: StageRequest;
  policy: LoadedPolicy;
  profile: Stored<BorrowerProfile>;
  kase: Stored<CaseRecord>;
  now: number;
  prior?: Prior;
}

export function createStageCore(deps: StageDeps) {
  const { cases, clock, policies } = deps;

  async function load(req: StageRequest): Promise<Ctx> {
    const policy = policies.get(req.policyId);
    const view = await cases.borrowerView(req.borrowerId);
    const kase = view.cases.find((c) => c.item.loanId === req.loanId && c.item.cycle === req.cycle);
    if (!kase || !view.profile) throw new CaseNotFoundError(`no case ${caseKey(req.loanId, req.cycle)}`);
    const seq = req.step.ledger.seq + 1;
    const receipt = view.receipts.find(
      (r) => r.loanId === req.loanId && r.cycle === req.cycle && r.seq === seq,
    );
    let prior: Prior | undefined = receipt ? { ...receipt, receipt: true } : undefined;
    if (!prior && (req.retryCount ?? 0) > 0) {
      const recorded = await deps.ledger.get(caseKey(req.loanId, req.cycle), seq);
      if (recorded?.prevHash === req.step.ledger.hash) prior = { ...recorded, recorded, receipt: false };
    }
    // A replay runs as of the earlier attempt's time: the same decisions, waits and timestamps. The
    // failure recorder is not a replay: it records the receipt (if any), then the failure, as of now.
    const now = prior && req.action !== 'RECORD_FAILURE' ? Date.parse(prior.at) : clock.now();
    return {
      req,
      policy,
      profile: view.profile,
      kase,
      now,
      head: req.step.ledger,
      ...(prior ? { prior } : {}),
    };
  }

  /**
   * The ledger head as this step leaves it when it records nothing new: including the record an
   * earlier attempt of the step already wrote, so the next step appends after it, not over it.
   */
  const headOf = (ctx: Ctx): LedgerHead =>
    ctx.head.seq === ctx.req.step.ledger.seq && ctx.prior?.recorded
      ? { seq: ctx.prior.recorded.seq, hash: ctx.prior.recorded.hash }
      : ctx.head;

  /** The earlier attempt's trace, when it was this kind of record for this stage. */
  const replayOf = (ctx: Ctx, type: LedgerContent['type'], stage: string): Prior | undefined =>
    ctx.prior?.type === type && ctx.prior.stage === stage ? ctx.prior : undefined;

  const step = (ctx: Ctx, outcome: Outcome, wakeAt: number, extra: Partial<Step> = {}): Step => ({
    outcome,
    stage: ctx.req.stage ?? ctx.req.step.stage,
    wakeAt: isoUtc(Math.min(wakeAt, ctx.now + MAX_WAIT_MS)),
    resumeStage: ctx.req.step.resumeStage,
    ledger: headOf(ctx),
    ...extra,
  });

  /** When the stage after `stageId` is due ('' and now when the ladder has no further stage). */
  const nextStageStep = (ctx: Ctx, stageId: string): Step => {
    const next = nextStage(ctx.policy, stageId);
    const at = next ? stageTime(ctx.policy, ctx.kase.item, next, ctx.profile.item.timeZone) : ctx.now;
    return step(ctx, 'NEXT', Math.max(at, ctx.now), { stage: stageId, resumeStage: '' });
  };

  /** Routes a gate: terminal, hold, or a pause that resumes at `resumeStage`. */
  const gateStep = async (ctx: Ctx, g: Gate, resumeStage: string): Promise<Step> => {
    if (g.outcome === 'HOLD' || g.outcome === 'SIGN') return step(ctx, g.outcome, ctx.now, { resumeStage });
    if (g.outcome === 'PAUSE' || g.outcome === 'PLAN') return step(ctx, g.outcome, g.until, { resumeStage });
    // A specialist status or an erasure ends the ladder while the case is still ACTIVE: record why, so
    // the case does not read as open once its execution has ended.
    if (g.outcome === 'CLOSED' && ctx.kase.item.status === 'ACTIVE') {
      await update(ctx, (c) => close(c, 'CLOSED', g.reason, ctx.now));
    }
    return step(ctx, g.outcome, ctx.now);
  };

  type Content = Omit<
    LedgerContent,
    'ledgerId' | 'loanId' | 'cycle' | 'at' | 'policyId' | 'policyVersion' | 'rulePackId' | 'rulePackVersion'
  >;

  /** The record continuing `head` was already written by an earlier attempt of this step. */
  const sameStep = (existing: LedgerRecord | undefined, rec: LedgerRecord): existing is LedgerRecord =>
    existing !== undefined &&
    existing.prevHash === rec.prevHash &&
    existing.type === rec.type &&
    existing.stage === rec.stage;

  /**
   * Appends the step's record after `head`, or adopts the one an earlier attempt of this step wrote.
   * When the append fails after something was sent, the sends are kept as a receipt for the retry.
   */
  async function record(ctx: Ctx, content: Content): Promise<void> {
    const { req, policy } = ctx;
    const rec = chain(ctx.head, {
      ledgerId: caseKey(req.loanId, req.cycle),
      loanId: req.loanId,
      cycle: req.cycle,
      at: isoUtc(ctx.now),
      policyId: policy.id,
      policyVersion: policy.version,
      rulePackId: policy.rules.id,
      rulePackVersion: policy.rules.version,
      ...content,
    });
    if (sameStep(ctx.prior?.recorded, rec)) {
      ctx.head = { seq: rec.seq, hash: ctx.prior.recorded.hash };
      return;
    }
    try {
      await deps.ledger.append(rec);
    } catch (error) {
      if (error instanceof ConcurrentUpdateError) {
        // The seq is taken: by this step's earlier attempt whose answer was lost (adopt it), or not.
        const existing = await deps.ledger.get(rec.ledgerId, rec.seq);
        if (sameStep(existing, rec)) {
          ctx.head = { seq: existing.seq, hash: existing.hash };
          return;
        }
      }
      const sent = content.attempts.some((a) => a.status === 'SENT');
      if (sent && !ctx.prior?.receipt) {
        const receipt: SendReceipt = {
          loanId: req.loanId,
          cycle: req.cycle,
          seq: rec.seq,
          at: rec.at,
          type: content.type,
          stage: content.stage,
          attempts: content.attempts,
          ...(content.detail ? { detail: content.detail } : {}),
        };
        // Best effort: if this fails too, the original error is the one worth reporting.
        await cases.saveReceipt(req.borrowerId, receipt).catch(() => undefined);
      }
      throw error;
    }
    deps.observe?.(rec);
    ctx.head = { seq: rec.seq, hash: rec.hash };
  }

  /** After a pause or hold: move the remaining stages later so `resumeStage` is due now, gaps kept. */
  async function resume(ctx: Ctx, resumeStage: string, mutate?: (c: CaseRecord) => void) {
    const c: CaseRecord = structuredClone(ctx.kase.item);
    mutate?.(c);
    const stage = resumeStage ? ctx.policy.stages.find((s) => s.id === resumeStage) : undefined;
    if (stage) {
      const late = localDaysBetween(
        stageTime(ctx.policy, c, stage, ctx.profile.item.timeZone),
        ctx.now,
        ctx.profile.item.timeZone,
      );
      if (late > 0) c.shiftDays += late;
    }
    await cases.saveCase(c, ctx.kase.rev);
    return step(ctx, 'RESUME', ctx.now, { resumeStage });
  }

  /** Sends on the decided channels (with fallback on failure) and returns the attempts. */
  async function contact(
    ctx: Ctx,
    stage: Pick<Stage, 'channels' | 'delivery'>,
    templateId: string,
    decisions: ChannelDecision[],
  ): Promise<AttemptEntry[]> {
    const { policy, profile, kase, req, now } = ctx;
    let details: ContactDetails | undefined;
    const attempts: AttemptEntry[] = [];
    const tried = new Set<Channel>();
    const queue = [...decisions];
    let retryableFailures = 0;
    while (queue.length > 0) {
      const decision = queue.shift() as ChannelDecision;
      tried.add(decision.channel);
      if (decision.status !== 'SEND') {
        attempts.push({
          channel: decision.channel,
          status: decision.status,
          ...(decision.reason ? { reason: decision.reason } : {}),
          ...(decision.until ? { deferredUntil: isoUtc(decision.until) } : {}),
        });
        continue;
      }
      const locale = profile.item.locale;
      if (decision.channel === 'LETTER') {
        const template = policy.templates[templateId];
        await deps.bus.publish('LetterRequested', {
          loanId: req.loanId,
          cycle: req.cycle,
          borrowerId: req.borrowerId,
          templateId,
          templateVersion: template?.version ?? 0,
          locale,
          idempotencyKey: `${caseKey(req.loanId, req.cycle)}#${req.step.ledger.seq + 1}#LETTER`,
        });
        attempts.push({
          channel: 'LETTER',
          status: 'SENT',
          providerRef: 'print-vendor',
          templateId,
          templateVersion: template?.version ?? 0,
        });
        continue;
      }
      details ??= await deps.contacts.get(req.borrowerId);
      const message = renderMessage(policy, policy.rules, templateId, decision.channel, locale, {
        name: details?.name ?? '',
        amountMinor: balanceMinor(kase.item),
        currency: kase.item.currency,
        dueDate: kase.item.dueDate,
        daysPastDue: daysPastDue(kase.item, now, profile.item.timeZone),
        loanId: req.loanId,
      });
      const ref = caseKey(req.loanId, req.cycle);
      const result = !details
        ? ({ ok: false, retryable: false, error: 'NO_CONTACT_POINT' } as const)
        : decision.channel === 'SMS'
          ? await deps.messaging.sms(details.phone, message.body, ref)
          : await deps.messaging.email(details.email, message.subject ?? '', message.body, ref);
      const tpl = { templateId: message.templateId, templateVersion: message.templateVersion };
      if (result.ok) {
        attempts.push({ channel: decision.channel, status: 'SENT', providerRef: result.messageId, ...tpl });
        continue;
      }
      if (result.retryable) retryableFailures += 1;
      attempts.push({ channel: decision.channel, status: 'FAILED', reason: result.error, ...tpl });
      if (stage.delivery === 'FIRST_OPEN') {
        // Fall back to the next channel the policy lists, under the same rules.
        const rest = fallbackChannels(stage.channels, profile.item, tried);
        const next = decideContacts(policy.rules, rest, 'FIRST_OPEN', profile.item, req.loanId, now, policy);
        queue.push(...next);
      }
    }
    // Nothing reached the borrower and only because a provider throttled or was down: nothing was
    // sent, so retrying the whole step (with the state machine's backoff) cannot send twice.
    const failed = attempts.filter((a) => a.status === 'FAILED').length;
    const reached = attempts.some((a) => a.status === 'SENT' || a.status === 'DEFERRED');
    if (failed > 0 && failed === retryableFailures && !reached) {
      throw new TransientError('every channel failed with a retryable error');
    }
    return attempts;
  }

  /** Writes the case changed by `mutate` (conditional on the revision read) and keeps ctx current. */
  async function update(ctx: Ctx, mutate: (c: CaseRecord) => void): Promise<void> {
    const c = structuredClone(ctx.kase.item);
    mutate(c);
    const rev = await cases.saveCase(c, ctx.kase.rev);
    ctx.kase = { item: c, rev };
  }

  /**
   * What an agency, the bureau or legal is told: identifiers and the balance, never contact details.
   * `idempotencyKey` is the ledger record the handover belongs to: a retry that publishes again
   * (the bus has no deduplication) carries the same key, so the receiver can drop the repeat.
   */
  const handover = ({ req, kase }: Ctx) => ({
    loanId: req.loanId,
    cycle: req.cycle,
    borrowerId: req.borrowerId,
    balance: fromMinor(balanceMinor(kase.item), kase.item.currency),
    currency: kase.item.currency,
    idempotencyKey: `${caseKey(req.loanId, req.cycle)}#${req.step.ledger.seq + 1}`,
  });

  async function runStage(ctx: Ctx): Promise<Step> {
    const { policy, kase, profile, req, now } = ctx;
    const stage = stageById(policy, req.stage ?? '');
    const replay = replayOf(ctx, stage.kind === 'NOTICE' ? 'CONTACT' : 'HANDOVER', stage.id);
    // An earlier attempt of this step passed these checks and acted: finish what it started.
    if (!replay) {
      const g = gate(policy, kase.item, profile.item);
      if (g) return gateStep(ctx, g, stage.id);
      const wait = notYet(policy, kase.item, profile.item, stage, now);
      if (wait !== undefined) return step(ctx, 'WAIT', wait);
      if (preDueExpired(kase.item, profile.item, stage, now)) return nextStageStep(ctx, stage.id);
    }

    switch (stage.kind) {
      case 'NOTICE': {
        const attempts =
          replay?.attempts ??
          (await contact(
            ctx,
            stage,
            stage.template ?? '',
            decideContacts(
              policy.rules,
              stage.channels,
              stage.delivery,
              profile.item,
              req.loanId,
              now,
              policy,
            ),
          ));
        await record(ctx, { type: 'CONTACT', stage: stage.id, attempts });
        const deferredUntil = attempts.find((a) => a.status === 'DEFERRED')?.deferredUntil;
        if (deferredUntil) return step(ctx, 'WAIT', Date.parse(deferredUntil));
        const noticeFor = stage.noticeFor;
        if (noticeFor && attempts.some((a) => a.status === 'SENT') && !ctx.kase.item.notices[noticeFor]) {
          await update(ctx, (c) => {
            c.notices[noticeFor] = isoUtc(now);
          });
        }
        return nextStageStep(ctx, stage.id);
      }
      case 'AGENCY_PLACEMENT': {
        if (!replay?.recorded) {
          await deps.bus.publish('AgencyPlacementRequested', handover(ctx));
          await update(ctx, (c) => {
            c.agency = { placedAt: isoUtc(now) };
          });
        }
        await record(ctx, {
          type: 'HANDOVER',
          stage: stage.id,
          attempts: [],
          detail: { placement: 'AGENCY', balance: handover(ctx).balance },
        });
        return nextStageStep(ctx, stage.id);
      }
      case 'CREDIT_REPORT': {
        const waitDays = policy.rules.creditReportNoticeDays;
        // Packs without a waiting period (CN) report at the stage; US Reg F: notice, then 14 days.
        const held = waitDays === null ? undefined : noticeGate('CREDIT_REPORT', kase.item, waitDays, now);
        if (held?.status === 'DEFERRED' && held.until) return step(ctx, 'WAIT', held.until);
        if (!held && !replay?.recorded) {
          await deps.bus.publish('CreditBureauReportRequested', {
            ...handover(ctx),
            daysPastDue: daysPastDue(kase.item, now, profile.item.timeZone),
          });
        }
        await record(ctx, {
          type: 'HANDOVER',
          stage: stage.id,
          attempts: [],
          detail: held ? { report: 'BLOCKED', reason: held.reason } : { report: 'CREDIT_BUREAU' },
        });
        return nextStageStep(ctx, stage.id);
      }
      case 'LEGAL_HANDOFF': {
        // The evidence pack is built from the ledger as stored (one Query) and the case as of now; a
        // replayed step stores and announces the same pack again (same key, same content).
        const records = await deps.ledger.list(caseKey(req.loanId, req.cycle));
        const pack = buildEvidencePack(
          kase.item,
          records.filter((r) => r.seq <= req.step.ledger.seq),
          isoUtc(now),
        );
        const where = await deps.evidence.put(
          `evidence/${req.loanId}/${req.cycle}`,
          `${JSON.stringify(pack, null, 2)}\n`,
          renderEvidenceDocument(pack),
        );
        if (!replay?.recorded) {
          await deps.bus.publish('LegalHandoffRequested', {
            ...handover(ctx),
            ledgerId: caseKey(req.loanId, req.cycle),
            evidencePack: where.json,
            evidenceDocument: where.document,
          });
          await update(ctx, (c) => close(c, 'HANDED_OVER', 'LEGAL_HANDOFF', now));
        }
        await record(ctx, {
          type: 'HANDOVER',
          stage: stage.id,
          attempts: [],
          detail: { placement: 'LEGAL', evidencePack: where.json, ledgerVerified: pack.ledger.verified },
        });
        return step(ctx, 'HANDED_OVER', now);
      }
      default:
        throw new ValidationError(`stage ${stage.id} is a human task; the human-task function opens it`);
    }
  }

  async function recordHumanOutcome(ctx: Ctx): Promise<Step> {
    const { policy, req, now } = ctx;
    const stage = stageById(policy, req.stage ?? '');
    const parsed = HumanResult.safeParse(req.taskResult);
    // No result means the Catch delivered a timeout: nobody completed the task in time. Escalate.
    const result: HumanResult = parsed.success ? parsed.data : { outcome: 'NO_ANSWER' };
    const timedOut = !parsed.success;
    const channel: Channel = stage.kind === 'FIELD_VISIT' ? 'VISIT' : 'CALL';

    if (result.outcome === 'NOT_OPENED' || result.outcome === 'CASE_CLOSED') {
      const g = gate(policy, ctx.kase.item, ctx.profile.item);
      if (g) return gateStep(ctx, g, stage.id);
      const d = result.decision;
      if (!d) return nextStageStep(ctx, stage.id);
      await record(ctx, {
        type: 'CONTACT',
        stage: stage.id,
        attempts: [
          {
            channel,
            status: d.status,
            reason: d.reason,
            ...(d.until ? { deferredUntil: isoUtc(d.until) } : {}),
          },
        ],
      });
      return d.status === 'DEFERRED' && d.until ? step(ctx, 'WAIT', d.until) : nextStageStep(ctx, stage.id);
    }

    const attempt: AttemptEntry = timedOut
      ? { channel, status: 'FAILED', reason: 'TASK_TIMED_OUT' }
      : {
          channel,
          status: 'SENT',
          outcome: result.outcome,
          ...(result.taskId ? { providerRef: result.taskId } : {}),
        };
    await record(ctx, { type: 'CONTACT', stage: stage.id, attempts: [attempt] });

    if (channel === 'CALL' && !timedOut) {
      const p = structuredClone(ctx.profile.item);
      const connected = !['NO_ANSWER', 'WRONG_NUMBER'].includes(result.outcome);
      const call = { at: isoUtc(now), loanId: req.loanId, connected };
      // A replay of this step (same time) finds its call already counted.
      if (!p.calls.some((c) => c.at === call.at && c.loanId === call.loanId)) {
        p.calls = [...p.calls.filter((c) => now - Date.parse(c.at) < 8 * 86_400_000), call];
        await cases.saveProfile(p, ctx.profile.rev);
      }
    }
    const next = nextStage(policy, stage.id)?.id ?? '';
    const c: CaseRecord = structuredClone(ctx.kase.item);
    const currency = c.currency;
    switch (result.outcome) {
      case 'PROMISE_TO_PAY': {
        if (!result.promise) break;
        if (!c.promises.some((p) => p.madeAt === isoUtc(now)))
          c.promises.push({
            amountMinor: toMinor(result.promise.amount, currency),
            date: result.promise.date,
            madeAt: isoUtc(now),
            paidAtMakeMinor: c.paidMinor,
            status: 'PENDING',
          });
        await cases.saveCase(c, ctx.kase.rev);
        return step(
          ctx,
          'PAUSE',
          endOfGrace(result.promise.date, policy.promiseToPay.graceDays, ctx.profile.item.timeZone),
          { resumeStage: next },
        );
      }
      case 'DISPUTE':
        c.dispute = { openedAt: isoUtc(now) };
        await cases.saveCase(c, ctx.kase.rev);
        return step(ctx, 'HOLD', now, { resumeStage: next });
      case 'PLAN_AGREED': {
        if (!result.plan) break;
        const refused = proposePlan(c, result.plan.instalments, policy, now);
        if (refused) break;
        await cases.saveCase(c, ctx.kase.rev);
        return step(ctx, 'SIGN', now, { resumeStage: next });
      }
      case 'HARDSHIP': {
        // Hardship: offer a plan the borrower can choose in self-service (DOMAIN.md), then go on.
        c.hardshipAt = isoUtc(now);
        ctx.kase = { item: c, rev: await cases.saveCase(c, ctx.kase.rev) };
        const offer = { channels: ['SMS', 'EMAIL'] as Channel[], delivery: 'FIRST_OPEN' as const };
        const decisions = decideContacts(
          policy.rules,
          offer.channels,
          offer.delivery,
          ctx.profile.item,
          req.loanId,
          now,
        );
        const attempts = await contact(ctx, offer, policy.plan.offerTemplate, decisions);
        await record(ctx, {
          type: 'PLAN',
          stage: stage.id,
          attempts,
          detail: { plan: 'OFFERED_FOR_HARDSHIP' },
        });
        return nextStageStep(ctx, stage.id);
      }
      default:
        break;
    }
    return nextStageStep(ctx, stage.id);
  }

  async function checkPromise(ctx: Ctx): Promise<Step> {
    const { policy, kase, profile, now, req } = ctx;
    const promise = pendingPromise(kase.item);
    const g = gate(policy, kase.item, profile.item);
    if (g && !(g.outcome === 'PAUSE' && promise)) return gateStep(ctx, g, req.step.resumeStage);
    if (!promise) return resume(ctx, req.step.resumeStage);
    const until = endOfGrace(promise.date, policy.promiseToPay.graceDays, profile.item.timeZone);
    if (now < until) return step(ctx, 'WAIT', until);
    const kept = kase.item.paidMinor - promise.paidAtMakeMinor >= promise.amountMinor;
    const status = kept ? 'KEPT' : 'BROKEN';
    await record(ctx, {
      type: 'PROMISE',
      stage: req.step.resumeStage || req.step.stage,
      attempts: [],
      detail: {
        promise: status,
        amount: fromMinor(promise.amountMinor, kase.item.currency),
        date: promise.date,
      },
    });
    return resume(ctx, req.step.resumeStage, (c) => {
      const p = pendingPromise(c);
      if (p) p.status = status;
    });
  }

  async function checkPlan(ctx: Ctx): Promise<Step> {
    const { policy, kase, profile, now, req } = ctx;
    const plan = kase.item.plan;
    const g = gate(policy, kase.item, profile.item);
    if (g && !(g.outcome === 'PLAN' && plan)) return gateStep(ctx, g, req.step.resumeStage);
    if (plan?.status !== 'ACTIVE') return resume(ctx, req.step.resumeStage);
    const index = plan.confirmed;
    const instalment = plan.instalments[index];
    if (!instalment) return resume(ctx, req.step.resumeStage);
    const until = endOfGrace(instalment.date, policy.plan.graceDays, profile.item.timeZone);
    if (now < until) return step(ctx, 'WAIT', until);
    const dueSoFar = plan.instalments.slice(0, index + 1).reduce((sum, i) => sum + i.amountMinor, 0);
    const paidSince = kase.item.paidMinor - plan.paidAtAcceptMinor;
    const c: CaseRecord = structuredClone(kase.item);
    const cPlan = c.plan as NonNullable<CaseRecord['plan']>;
    if (paidSince >= dueSoFar) {
      cPlan.confirmed = index + 1;
      const done = cPlan.confirmed >= cPlan.instalments.length;
      if (done) {
        cPlan.status = 'COMPLETED';
        c.status = 'SETTLED';
        c.closedReason = 'PLAN_COMPLETED';
      }
      await record(ctx, {
        type: 'PLAN',
        stage: req.step.resumeStage || req.step.stage,
        attempts: [],
        detail: { instalment: index + 1, plan: done ? 'COMPLETED' : 'INSTALMENT_PAID' },
      });
      await cases.saveCase(c, kase.rev);
      if (done) return step(ctx, 'SETTLED', now);
      const nextInstalment = cPlan.instalments[cPlan.confirmed];
      return step(
        ctx,
        'WAIT',
        nextInstalment ? endOfGrace(nextInstalment.date, policy.plan.graceDays, profile.item.timeZone) : now,
      );
    }
    // A missed instalment: follow up and ask the cause (DOMAIN.md step 7), then escalation resumes.
    const followUp = { channels: ['SMS', 'EMAIL'] as Channel[], delivery: 'FIRST_OPEN' as const };
    const stageId = req.step.resumeStage || req.step.stage;
    const attempts =
      replayOf(ctx, 'PLAN', stageId)?.attempts ??
      (await contact(
        ctx,
        followUp,
        policy.plan.followUpTemplate,
        decideContacts(
          policy.rules,
          followUp.channels,
          followUp.delivery,
          profile.item,
          req.loanId,
          now,
          policy,
        ),
      ));
    const deferredUntil = attempts.find((a) => a.status === 'DEFERRED')?.deferredUntil;
    await record(ctx, {
      type: 'PLAN',
      stage: stageId,
      attempts,
      detail: { instalment: index + 1, plan: deferredUntil ? 'MISSED_FOLLOW_UP_DEFERRED' : 'BROKEN' },
    });
    if (deferredUntil) return step(ctx, 'WAIT', Date.parse(deferredUntil));
    return resume(ctx, req.step.resumeStage, (x) => {
      if (x.plan) x.plan.status = 'BROKEN';
    });
  }

  /** The plan agreement task ended: signed (monitoring starts), declined, or expired (escalation resumes). */
  async function recordSignature(ctx: Ctx): Promise<Step> {
    const { policy, kase, profile, req, now } = ctx;
    const g = gate(policy, kase.item, profile.item);
    if (g && g.outcome !== 'SIGN') return gateStep(ctx, g, req.step.resumeStage);
    const outcome = (req.taskResult as { outcome?: string } | undefined)?.outcome;
    const signed = outcome === 'SIGNED' && kase.item.plan?.status === 'PROPOSED';
    const status = signed ? 'SIGNED' : outcome === 'DECLINED' ? 'DECLINED' : 'EXPIRED';
    await record(ctx, {
      type: 'PLAN',
      stage: req.step.resumeStage || req.step.stage,
      attempts: [],
      detail: { plan: status },
    });
    if (!signed) {
      return resume(ctx, req.step.resumeStage, (c) => {
        if (c.plan) c.plan.status = status === 'DECLINED' ? 'DECLINED' : 'EXPIRED';
      });
    }
    const recalled = kase.item.agency && !kase.item.agency.recalledAt;
    await update(ctx, (c) => {
      signPlan(c, now);
      if (c.agency && !c.agency.recalledAt)
        c.agency = { ...c.agency, recalledAt: isoUtc(now), recallReason: 'PLAN_AGREED' };
    });
    if (recalled)
      await deps.bus.publish('AgencyRecallRequested', { ...handover(ctx), reason: 'PLAN_AGREED' });
    const first = ctx.kase.item.plan?.instalments[0];
    return step(
      ctx,
      'PLAN',
      first ? endOfGrace(first.date, policy.plan.graceDays, profile.item.timeZone) : now,
    );
  }

  async function afterHold(ctx: Ctx): Promise<Step> {
    const g = gate(ctx.policy, ctx.kase.item, ctx.profile.item);
    if (g) return gateStep(ctx, g, ctx.req.step.resumeStage);
    return resume(ctx, ctx.req.step.resumeStage);
  }

  async function recordFailure(ctx: Ctx): Promise<Step> {
    // The failed step may have sent before it failed to record: its receipt goes in first (as of its
    // time), so no message is missing from the ledger even when the ladder ends in failure.
    const receipt = ctx.prior?.receipt ? ctx.prior : undefined;
    if (receipt) {
      const now = ctx.now;
      ctx.now = Date.parse(receipt.at);
      await record(ctx, {
        type: receipt.type,
        stage: receipt.stage,
        attempts: receipt.attempts,
        ...(receipt.detail ? { detail: receipt.detail } : {}),
      });
      ctx.now = now;
    }
    await record(ctx, {
      type: 'FAILURE',
      stage: ctx.req.step.stage || 'ladder',
      attempts: [],
      detail: { error: ctx.req.error?.Error ?? 'unknown' },
    });
    return step(ctx, 'CLOSED', ctx.now);
  }

  const actions = {
    RUN_STAGE: runStage,
    RECORD_HUMAN_OUTCOME: recordHumanOutcome,
    CHECK_PROMISE: checkPromise,
    CHECK_PLAN: checkPlan,
    AFTER_HOLD: afterHold,
    RECORD_SIGNATURE: recordSignature,
    RECORD_FAILURE: recordFailure,
  } as const;

  return async function stageCore(input: unknown): Promise<Step> {
    const parsed = StageRequestSchema.safeParse(input);
    if (!parsed.success)
      throw new ValidationError(`bad stage request: ${parsed.error.issues[0]?.path.join('.')}`);
    const ctx = await load(parsed.data);
    return actions[parsed.data.action](ctx);
  };
}
