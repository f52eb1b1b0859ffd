import type { ContactDetails } from '../adapters/contact-store.js';
import { balanceMinor, caseKey, daysPastDue } from '../domain/case.js';
import { isoUtc } from '../domain/clock.js';
import { type ChannelDecision, decideContacts, fallbackChannels } from '../domain/decide.js';
import { TransientError } from '../domain/errors.js';
import { type AttemptEntry, wentOut } from '../domain/ledger.js';
import { coverLine } from '../domain/one-voice.js';
import type { Channel, Stage } from '../domain/policy.js';
import { renderMessage } from '../domain/templates.js';
import type { Ctx } from './context.js';
import { claimSlots, coveredBy, releaseSlot } from './slots.js';

/** How a step contacts the borrower: the channels in order, and all of them or the first that is open. */
export type ChannelOrder = Pick<Stage, 'channels' | 'delivery'>;

/** Messages outside the ladder's own stages (a plan offer, a missed instalment's follow-up). */
export const SMS_THEN_EMAIL: ChannelOrder = { channels: ['SMS', 'EMAIL'], delivery: 'FIRST_OPEN' };

/** The policy's contact and consent rules applied to `order`'s channels, as of the step's time. */
export const decide = ({ policy, profile, req, now }: Ctx, order: ChannelOrder): ChannelDecision[] =>
  decideContacts(policy.rules, order.channels, order.delivery, profile.item, req.loanId, now, policy);

/** Sends on the decided channels (with fallback on failure) and returns the attempts. */
export async function contact(
  ctx: Ctx,
  stage: ChannelOrder,
  templateId: string,
  decisions: ChannelDecision[],
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
    const sent = await sendMessage(ctx, decision.channel, templateId, details);
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
): Promise<{ attempt: AttemptEntry; retryable: boolean }> {
  const { policy, profile, kase, req, now, deps } = ctx;
  const covered = coveredBy(ctx);
  const message = renderMessage(policy, policy.rules, templateId, channel, profile.item.locale, {
    ...(covered.length > 0 ? { coverLine: coverLine(profile.item.locale, kase.item, covered) } : {}),
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
