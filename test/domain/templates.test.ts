import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../functions/domain/errors.js';
import type { Channel, LadderPolicy, Locale } from '../../functions/domain/policy.js';
import { RULE_PACKS } from '../../functions/domain/rulepacks.js';
import { type MessageVars, renderMessage } from '../../functions/domain/templates.js';
import { POLICY } from './fixtures.js';

/**
 * Rendering: placeholders filled with localised money and dates, and the opt-out footer only where the
 * pack requires it (US: optOutInEveryMessage), only on SMS and e-mail, in the borrower's language.
 *
 * Survivors judged equivalent (templates.ts): `!template` in `!template || !text || !body` mutated
 * to false, or the first `||` to `&&`, since a missing template has no text either (text is
 * template?.locales[locale]); the check is there for the type of `template` below.
 */
const VARS: MessageVars = {
  name: 'Wang Fang',
  amountMinor: 123450,
  currency: 'CNY',
  dueDate: '2026-12-10',
  daysPastDue: 3,
  loanId: 'L 1/2',
};
const render = (
  pack: 'CN' | 'US',
  template: string,
  channel: Channel,
  locale: Locale,
  policy: LadderPolicy = POLICY,
) => renderMessage(policy, RULE_PACKS[pack], template, channel, locale, VARS);

const EN_SMS =
  'Wang Fang, your payment of CN¥1,234.50 due Dec 10, 2026 is late. Please pay at ' +
  'https://pay.example.com/loans/L%201%2F2 or reply to tell us why.';
const EN_BODY =
  'Hello Wang Fang,\n\nWe have not received CN¥1,234.50, due on Dec 10, 2026. Please pay at ' +
  'https://pay.example.com/loans/L%201%2F2. If something has made paying hard, reply and tell us: we can help.\n';
const ZH_SMS =
  'Wang Fang您好，您于2026年12月10日到期的借款¥1,234.50已逾期，请尽快通过' +
  'https://pay.example.com/loans/L%201%2F2还款。如有困难，请直接回复本短信告知原因。';

describe('placeholders', () => {
  it('CN pack: the SMS as written, with money, date and link localised, and no footer', () => {
    expect(render('CN', 'first-overdue', 'SMS', 'en')).toStrictEqual({
      templateId: 'first-overdue',
      templateVersion: 2,
      body: EN_SMS,
    });
    expect(render('CN', 'first-overdue', 'SMS', 'zh-CN').body).toBe(ZH_SMS);
  });

  it('e-mail has its subject; other channels have none', () => {
    expect(render('CN', 'first-overdue', 'EMAIL', 'en')).toStrictEqual({
      templateId: 'first-overdue',
      templateVersion: 2,
      subject: 'Your payment of CN¥1,234.50 is overdue',
      body: EN_BODY,
    });
    expect(render('CN', 'formal-warning', 'LETTER', 'en')).not.toHaveProperty('subject');
  });

  it('days past due are filled, and a placeholder with no value stays as written', () => {
    const policy: LadderPolicy = {
      ...POLICY,
      templates: {
        t: {
          version: 3,
          locales: {
            en: { sms: '{daysPastDue} days; {unknown}; {name}', callScript: 'Call {name}' },
            'zh-CN': { sms: '{daysPastDue}天', emailBody: '正文', emailSubject: '' },
          },
        },
      },
    };
    expect(render('CN', 't', 'SMS', 'en', policy)).toStrictEqual({
      templateId: 't',
      templateVersion: 3,
      body: '3 days; {unknown}; Wang Fang',
    });
    expect(render('CN', 't', 'CALL', 'en', policy).body).toBe('Call Wang Fang');
    expect(render('CN', 't', 'VISIT', 'en', policy).body).toBe('Call Wang Fang');
    // An empty subject is no subject.
    expect(render('CN', 't', 'EMAIL', 'zh-CN', policy)).not.toHaveProperty('subject');
  });

  it('a template, locale or channel text that is missing is a ValidationError naming what is missing', () => {
    expect(() => render('CN', 'nope', 'SMS', 'en')).toThrow(ValidationError);
    expect(() => render('CN', 'nope', 'SMS', 'en')).toThrow('template nope has no sms for en');
    expect(() => render('CN', 'agent-call', 'EMAIL', 'zh-CN')).toThrow(
      'template agent-call has no emailBody for zh-CN',
    );
    expect(() => render('CN', 'first-overdue', 'LETTER', 'en')).toThrow(
      'template first-overdue has no letter for en',
    );
  });
});

describe('the opt-out footer', () => {
  it('US pack: SMS gets " Reply STOP to opt out." and e-mail a paragraph, in English', () => {
    expect(render('US', 'first-overdue', 'SMS', 'en').body).toBe(`${EN_SMS} Reply STOP to opt out.`);
    const email = render('US', 'first-overdue', 'EMAIL', 'en');
    expect(email.body).toBe(`${EN_BODY}\n\nTo stop these e-mails, reply UNSUBSCRIBE.`);
    expect(email.subject).toBe('Your payment of CN¥1,234.50 is overdue');
  });

  it('and in Chinese', () => {
    expect(render('US', 'first-overdue', 'SMS', 'zh-CN').body).toBe(`${ZH_SMS} 回复TD退订。`);
    expect(render('US', 'first-overdue', 'EMAIL', 'zh-CN').body).toMatch(/\n\n如需退订邮件，请回复“退订”。$/);
  });

  it('never on letters or call scripts, even under the US pack', () => {
    expect(render('US', 'formal-warning', 'LETTER', 'en').body).not.toMatch(/STOP|UNSUBSCRIBE|退订/);
    expect(render('US', 'agent-call', 'CALL', 'zh-CN').body).not.toMatch(/STOP|UNSUBSCRIBE|退订/);
  });

  const messages = Object.entries(POLICY.templates).flatMap(([id, t]) =>
    (['en', 'zh-CN'] as const).flatMap((locale) => [
      ...(t.locales[locale].sms ? [[id, locale, 'SMS'] as const] : []),
      ...(t.locales[locale].emailBody ? [[id, locale, 'EMAIL'] as const] : []),
    ]),
  );
  const FOOTER = {
    en: { SMS: ' Reply STOP to opt out.', EMAIL: '\n\nTo stop these e-mails, reply UNSUBSCRIBE.' },
    'zh-CN': { SMS: ' 回复TD退订。', EMAIL: '\n\n如需退订邮件，请回复“退订”。' },
  };

  it.each(messages)('%s %s %s: footer under US, none under CN', (id, locale, channel) => {
    expect(render('US', id, channel, locale).body.endsWith(FOOTER[locale][channel])).toBe(true);
    const cn = render('CN', id, channel, locale).body;
    expect(cn.endsWith(FOOTER[locale][channel])).toBe(false);
    expect(render('US', id, channel, locale).body).toBe(`${cn}${FOOTER[locale][channel]}`);
  });
});

describe('numbers from the policy, and Chinese that reads naturally', () => {
  it('{noticeDays} is the days from the notice to the stage it announces, from the stages', () => {
    expect(render('CN', 'visit-notice', 'SMS', 'zh-CN').body).toContain('将于2天后上门拜访');
    expect(render('CN', 'credit-notice', 'LETTER', 'en').body).toContain('not paid within 14 days');
    const later = structuredClone(POLICY);
    const visit = later.stages.find((s) => s.kind === 'FIELD_VISIT');
    if (!visit) throw new Error('no visit');
    visit.offsetDays += 3;
    expect(render('CN', 'visit-notice', 'SMS', 'zh-CN', later).body).toContain('将于5天后上门拜访');
    expect(render('CN', 'visit-notice', 'EMAIL', 'en', later).body).toContain('visit you in 5 days');
  });

  it('the pre-due reminder in zh-CN names the loan before the amount', () => {
    expect(render('CN', 'pre-due', 'SMS', 'zh-CN').body).toBe(
      'Wang Fang您好，您的借款¥1,234.50将于2026年12月10日到期，请通过App或https://pay.example.com/loans/L%201%2F2按时还款。',
    );
  });
});
