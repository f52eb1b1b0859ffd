import { DateTime } from 'luxon';
import { ValidationError } from './errors.js';
import { formatMoney } from './money.js';
import type { Channel, LadderPolicy, Locale, MessageTemplate } from './policy.js';
import type { RulePack } from './rulepacks.js';

/** What a rendered message may mention. The name is a contact detail: it lives only in memory. */
export interface MessageVars {
  name: string;
  /** The amount owed now ({amount}): every message shows it. */
  amountMinor: number;
  currency: string;
  dueDate: string;
  daysPastDue: number;
  loanId: string;
  /** Other amounts by placeholder ({penaltyInterest}, {fees}, {minimumDue}, {settlementAmount}...). */
  money?: Record<string, number>;
  /** Dates by placeholder ({offerExpires}, {instalmentDate}...), as YYYY-MM-DD. */
  dates?: Record<string, string>;
  /** Payments received since a message last said so: the message opens by acknowledging them. */
  receivedMinor?: number;
  /** One voice per borrower: the line saying this message covers the borrower's other loans. */
  coverLine?: string;
  /**
   * {link}: a fresh signed link to the borrower's page (functions/domain/links.ts). Without one (a
   * deployment with no link issuer, the template checks) it is the policy's payment link for the loan.
   */
  link?: string;
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

/** The line a message opens with when payments arrived since the last one: the borrower is told. */
const RECEIVED: Record<Locale, string> = {
  en: 'We received your payment of {received}, thank you.',
  'zh-CN': '已收到您的还款{received}，谢谢。',
};

/** The lender's own payment page for a loan: where the borrower page's Pay button goes, too. */
export const paymentLink = (policy: Pick<LadderPolicy, 'paymentLinkBase'>, loanId: string): string =>
  `${policy.paymentLinkBase}${encodeURIComponent(loanId)}`;

const fill = (text: string, values: Record<string, string>): string =>
  text.replace(/\{(\w+)\}/g, (whole, key: string) => values[key] ?? whole);

const localDate = (date: string, locale: Locale) =>
  DateTime.fromISO(date).setLocale(locale).toLocaleString(DateTime.DATE_MED);

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
  const money = (minor: number) => formatMoney(minor, vars.currency, locale);
  const values: Record<string, string> = {
    ...Object.fromEntries(Object.entries(vars.money ?? {}).map(([k, v]) => [k, money(v)])),
    ...Object.fromEntries(Object.entries(vars.dates ?? {}).map(([k, v]) => [k, localDate(v, locale)])),
    name: vars.name,
    amount: money(vars.amountMinor),
    dueDate: localDate(vars.dueDate, locale),
    daysPastDue: String(vars.daysPastDue),
    noticeDays: String(noticeDays(policy, templateId) ?? ''),
    link: vars.link ?? paymentLink(policy, vars.loanId),
  };
  let rendered = fill(body, values);
  if (vars.coverLine && (channel === 'SMS' || channel === 'EMAIL')) {
    rendered = `${rendered}${channel === 'SMS' ? ' ' : '\n\n'}${vars.coverLine}`;
  }
  if (vars.receivedMinor && (channel === 'SMS' || channel === 'EMAIL')) {
    const received = fill(RECEIVED[locale], { received: money(vars.receivedMinor) });
    rendered = `${received}${channel === 'SMS' ? ' ' : '\n\n'}${rendered}`;
  }
  if (rules.optOutInEveryMessage && (channel === 'SMS' || channel === 'EMAIL')) {
    rendered = `${rendered}${channel === 'SMS' ? ' ' : '\n\n'}${OPT_OUT[locale][channel === 'SMS' ? 'sms' : 'email']}`;
  }
  const subject = channel === 'EMAIL' && text.emailSubject ? fill(text.emailSubject, values) : undefined;
  return { templateId, templateVersion: template.version, body: rendered, ...(subject ? { subject } : {}) };
}
