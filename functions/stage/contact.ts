import type { ContactDetails } from '../adapters/contact-store.js';
import { type Owed, owedAt } from '../domain/balance.js';
import { caseKey, daysPastDue } from '../domain/case.js';
import { isoUtc } from '../domain/clock.js';
import { type ChannelDecision, decideContacts, fallbackChannels } from '../domain/decide.js';
import { TransientError } from '../domain/errors.js';
import { type AttemptEntry, type LedgerContent, wentOut } from '../domain/ledger.js';
import { fromMinor } from '../domain/money.js';
import { coverLine } from '../domain/one-voice.js';
import type { Channel, Stage } from '../domain/policy.js';
import { type MessageVars, renderMessage } from '../domain/templates.js';
import { type Ctx, update } from './context.js';
import { claimSlots, coveredBy, releaseSlot } from './slots.js';

/** How a step contacts the borrower: the channels in order, and all of them or the first that is open. */
export type ChannelOrder = Pick<Stage, 'channels' | 'delivery'>;

/** Messages outside the ladder's own stages (a plan offer, a missed instalment's follow-up). */
export const SMS_THEN_EMAIL: ChannelOrder = { channels: ['SMS', 'EMAIL'], delivery: 'FIRST_OPEN' };

/** What the borrower owes as of the step's time: the amount every message shows. */
export const owedNow = ({ kase, policy, profile, now }: Ctx): Owed =>
  owedAt(kase.item, policy, now, profile.item.timeZone);

/** Payments known by the step's time that no message has acknowledged yet. */
const unacknowledged = ({ kase, now }: Ctx) =>
  kase.item.payments.filter((p) => !p.acknowledgedAt && Date.parse(p.recordedAt) <= now);

/** Placeholders a message of this step may use besides {amount}: a settlement's amount, an instalment's date. */
export type Extra = Pick<MessageVars, 'money' | 'dates'>;

/**
 * What a record of messages says about money: the amount they showed as owed, and the payments they
 * acknowledged (then noted on the case, so the next message does not repeat it).
 */
export function moneyDetail(ctx: Ctx, attempts: readonly AttemptEntry[]): LedgerContent['detail'] {
  if (!attempts.some((a) => wentOut(a.status))) return undefined;
  const { currency } = ctx.kase.item;
  const told = attempts.some((a) => a.status === 'SENT' && (a.channel === 'SMS' || a.channel === 'EMAIL'));
  const received = told ? unacknowledged(ctx).reduce((sum, p) => sum + p.amountMinor, 0) : 0;
  return {
    owed: fromMinor(owedNow(ctx).totalMinor, currency),
    ...(received > 0 ? { received: fromMinor(received, currency) } : {}),
  };
}

/** Notes the payments a recorded message acknowledged (`detail.received`): safe to repeat. */
export async function noteAcknowledged(ctx: Ctx, detail: LedgerContent['detail']): Promise<void> {
  if (!detail?.received) return;
  const ids = new Set(unacknowledged(ctx).map((p) => p.paymentId));
  if (ids.size === 0) return;
  await update(ctx, (c) => {
    for (const p of c.payments) if (ids.has(p.paymentId)) p.acknowledgedAt = isoUtc(ctx.now);
  });
}

/** The policy's contact and consent rules applied to `order`'s channels, as of the step's time. */
export const decide = ({ policy, profile, req, now }: Ctx, order: ChannelOrder): ChannelDecision[] =>
  decideContacts(policy.rules, order.channels, order.delivery, profile.item, req.loanId, now, policy);

/** Sends on the decided channels (with fallback on failure) and returns the attempts. */
export async function contact(
  ctx: Ctx,
  stage: ChannelOrder,
  templateId: string,
  decisions: ChannelDecision[],
  extra: Extra = {},
): Promise<AttemptEntry[]> {
  let details: ContactDetails | undefined;
  // One voice per borrower: another loan's message today covers a channel; the rest take their slot.
  const slots = await claimSlots(ctx, decisions);
  const attempts: AttemptEntry[] = [...slots.covered];
  const tried = new Set<Channel>(slots.covered.map((a) => a.channel as Channel));
  const queue = [...slots.send];
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
    if (decision.channel === 'LETTER') {
      attempts.push(await sendLetter(ctx, templateId));
      continue;
    }
    details ??= await ctx.deps.contacts.get(ctx.req.borrowerId);
    const sent = await sendMessage(ctx, decision.channel, templateId, details, extra);
    attempts.push(sent.attempt);
    if (sent.attempt.status === 'SENT') continue;
    await releaseSlot(ctx, decision.channel);
    if (sent.retryable) retryableFailures += 1;
    if (stage.delivery === 'FIRST_OPEN') {
      // Fall back to the next channel the policy lists, under the same rules.
      const rest = fallbackChannels(stage.channels, ctx.profile.item, tried);
      const fallback = await claimSlots(ctx, decide(ctx, { channels: rest, delivery: 'FIRST_OPEN' }));
      attempts.push(...fallback.covered);
      queue.push(...fallback.send);
    }
  }
  // Nothing reached the borrower and only because a provider throttled or was down: nothing was
  // sent, so retrying the whole step (with the state machine's backoff) cannot send twice.
  const failed = attempts.filter((a) => a.status === 'FAILED').length;
  const reached = attempts.some(
    (a) => wentOut(a.status) || a.status === 'DEFERRED' || a.status === 'COVERED',
  );
  if (failed > 0 && failed === retryableFailures && !reached) {
    throw new TransientError('every channel failed with a retryable error');
  }
  return attempts;
}

/**
 * A letter is printed and posted by the vendor: the bus asks for it, keyed by the ledger record. It is
 * REQUESTED, not sent, until the vendor reports its dispatch (LetterDispatched, with the same key).
 */
async function sendLetter({ policy, profile, req, deps }: Ctx, templateId: string): Promise<AttemptEntry> {
  const template = policy.templates[templateId];
  const letterKey = `${caseKey(req.loanId, req.cycle)}#${req.step.ledger.seq + 1}#LETTER`;
  await deps.bus.publish('LetterRequested', {
    loanId: req.loanId,
    cycle: req.cycle,
    borrowerId: req.borrowerId,
    templateId,
    templateVersion: template?.version ?? 0,
    locale: profile.item.locale,
    idempotencyKey: letterKey,
  });
  return {
    channel: 'LETTER',
    status: 'REQUESTED',
    providerRef: letterKey,
    templateId,
    templateVersion: template?.version ?? 0,
  };
}

/** An SMS or e-mail rendered in the borrower's language; `retryable` when the provider may accept it later. */
async function sendMessage(
  ctx: Ctx,
  channel: Channel,
  templateId: string,
  details: ContactDetails | undefined,
  extra: Extra,
): Promise<{ attempt: AttemptEntry; retryable: boolean }> {
  const { policy, profile, kase, req, now, deps } = ctx;
  const covered = coveredBy(ctx);
  const owed = owedNow(ctx);
  const received = unacknowledged(ctx).reduce((sum, p) => sum + p.amountMinor, 0);
  // A fresh link per message, for the loans it speaks of: this one and those it covers (one voice).
  const link = await deps.links?.issue(req.borrowerId, [req.loanId, ...covered.map((c) => c.loanId)], now);
  const message = renderMessage(policy, policy.rules, templateId, channel, profile.item.locale, {
    ...(link ? { link } : {}),
    ...(covered.length > 0 ? { coverLine: coverLine(profile.item.locale, kase.item, covered) } : {}),
    name: details?.name ?? '',
    amountMinor: owed.totalMinor,
    currency: kase.item.currency,
    dueDate: kase.item.dueDate,
    daysPastDue: daysPastDue(kase.item, now, profile.item.timeZone),
    loanId: req.loanId,
    money: {
      penaltyInterest: owed.penaltyMinor,
      fees: owed.feesMinor,
      // A card's minimum payment, less what was paid towards it.
      ...(kase.item.minimumDueMinor !== undefined
        ? { minimumDue: Math.max(0, kase.item.minimumDueMinor - kase.item.paidMinor) }
        : {}),
      ...extra.money,
    },
    ...(extra.dates ? { dates: extra.dates } : {}),
    ...(received > 0 ? { receivedMinor: received } : {}),
  });
  const ref = caseKey(req.loanId, req.cycle);
  const result = !details
    ? ({ ok: false, retryable: false, error: 'NO_CONTACT_POINT' } as const)
    : channel === 'SMS'
      ? await deps.messaging.sms(details.phone, message.body, ref)
      : await deps.messaging.email(details.email, message.subject ?? '', message.body, ref);
  const tpl = { templateId: message.templateId, templateVersion: message.templateVersion };
  const covers = covered.length > 0 ? { covers: covered.map((c) => c.loanId) } : {};
  if (result.ok)
    return {
      attempt: { channel, status: 'SENT', providerRef: result.messageId, ...tpl, ...covers },
      retryable: false,
    };
  return {
    attempt: { channel, status: 'FAILED', reason: result.error, ...tpl },
    retryable: result.retryable,
  };
}
