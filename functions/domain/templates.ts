import { DateTime } from 'luxon';
import { ValidationError } from './errors.js';
import { formatMoney } from './money.js';
import type { Channel, LadderPolicy, Locale, MessageTemplate } from './policy.js';
import type { RulePack } from './rulepacks.js';

/** What a rendered message may mention. The name is a contact detail: it lives only in memory. */
export interface MessageVars {
  name: string;
  amountMinor: number;
  currency: string;
  dueDate: string;
  daysPastDue: number;
  loanId: string;
  /** One voice per borrower: the line saying this message covers the borrower's other loans. */
  coverLine?: string;
}

export interface RenderedMessage {
  templateId: string;
  templateVersion: number;
  subject?: string;
  body: string;
}

const OPT_OUT: Record<Locale, { sms: string; email: string }> = {
  en: { sms: 'Reply STOP to opt out.', email: 'To stop these e-mails, reply UNSUBSCRIBE.' },
  'zh-CN': { sms: '回复TD退订。', email: '如需退订邮件，请回复“退订”。' },
};

const FIELD: Record<Channel, keyof MessageTemplate> = {
  SMS: 'sms',
  EMAIL: 'emailBody',
  LETTER: 'letter',
  CALL: 'callScript',
  VISIT: 'callScript',
};

/**
 * {noticeDays}: the days from an advance notice to the stage it gives notice of (the field visit, the
 * credit report), from the policy's stages, so that the text says what the ladder will do.
 */
export function noticeDays(policy: LadderPolicy, templateId: string): number | undefined {
  const index = policy.stages.findIndex((s) => s.template === templateId && s.noticeFor);
  const notice = policy.stages[index];
  const target = policy.stages.slice(index + 1).find((s) => s.kind === notice?.noticeFor);
  return notice && target ? target.offsetDays - notice.offsetDays : undefined;
}

const fill = (text: string, values: Record<string, string>): string =>
  text.replace(/\{(\w+)\}/g, (whole, key: string) => values[key] ?? whole);

/** Renders a stage's template for one channel in the borrower's locale, with money and dates localised. */
export function renderMessage(
  policy: LadderPolicy,
  rules: RulePack,
  templateId: string,
  channel: Channel,
  locale: Locale,
  vars: MessageVars,
): RenderedMessage {
  const template = policy.templates[templateId];
  const text = template?.locales[locale];
  const body = text?.[FIELD[channel]];
  if (!template || !text || !body) {
    throw new ValidationError(`template ${templateId} has no ${FIELD[channel]} for ${locale}`);
  }
  const values = {
    name: vars.name,
    amount: formatMoney(vars.amountMinor, vars.currency, locale),
    dueDate: DateTime.fromISO(vars.dueDate).setLocale(locale).toLocaleString(DateTime.DATE_MED),
    daysPastDue: String(vars.daysPastDue),
    noticeDays: String(noticeDays(policy, templateId) ?? ''),
    link: `${policy.paymentLinkBase}${encodeURIComponent(vars.loanId)}`,
  };
  let rendered = fill(body, values);
  if (vars.coverLine && (channel === 'SMS' || channel === 'EMAIL')) {
    rendered = `${rendered}${channel === 'SMS' ? ' ' : '\n\n'}${vars.coverLine}`;
  }
  if (rules.optOutInEveryMessage && (channel === 'SMS' || channel === 'EMAIL')) {
    rendered = `${rendered}${channel === 'SMS' ? ' ' : '\n\n'}${OPT_OUT[locale][channel === 'SMS' ? 'sms' : 'email']}`;
  }
  const subject = channel === 'EMAIL' && text.emailSubject ? fill(text.emailSubject, values) : undefined;
  return { templateId, templateVersion: template.version, body: rendered, ...(subject ? { subject } : {}) };
}
