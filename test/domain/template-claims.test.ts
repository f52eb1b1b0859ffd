import { describe, expect, it } from 'vitest';
import { bundledPolicies } from '../../functions/domain/policies.js';
import { type Channel, loadPolicy } from '../../functions/domain/policy.js';
import { renderMessage } from '../../functions/domain/templates.js';
import defaultPolicy from '../../policies/default.json' with { type: 'json' };

/**
 * Every template of every bundled policy, rendered in both languages on every channel it has: none
 * claims penalty interest or fees under a policy that produces neither, and every message shows the
 * amount owed. The words are this test's own list, not the loader's, so a gap in one shows in the other.
 */
const CLAIMS = {
  penalty: [/penalty/i, /late interest/i, /罚息/, /复利/],
  fees: [/\bfees?\b/i, /late charge/i, /违约金/, /滞纳金/, /手续费/],
};
const FIELDS: Array<[Channel, 'sms' | 'emailBody' | 'letter' | 'callScript']> = [
  ['SMS', 'sms'],
  ['EMAIL', 'emailBody'],
  ['LETTER', 'letter'],
  ['CALL', 'callScript'],
];
// ¥3,456.78 and $3,456.78: a figure no template carries by accident.
const vars = {
  name: 'N',
  amountMinor: 345678,
  dueDate: '2026-12-10',
  daysPastDue: 9,
  loanId: 'L-1',
  money: {
    penaltyInterest: 1500,
    fees: 472,
    minimumDue: 30000,
    settlementAmount: 250000,
    instalmentAmount: 100000,
  },
  dates: { offerExpires: '2027-01-20', instalmentDate: '2027-01-05' },
};

describe('bundled templates, rendered', () => {
  for (const policy of bundledPolicies().all()) {
    const accrues = {
      penalty:
        policy.balance.penaltyInterest !== undefined ||
        policy.balance.feedProvides.includes('PENALTY_INTEREST'),
      fees: policy.balance.lateFees.length > 0 || policy.balance.feedProvides.includes('FEES'),
    };
    it(`${policy.id}: claim only the charges the policy or its feed produces, and show the amount owed`, () => {
      let rendered = 0;
      for (const [templateId, template] of Object.entries(policy.templates)) {
        for (const locale of ['en', 'zh-CN'] as const) {
          const currency = locale === 'en' ? 'USD' : 'CNY';
          for (const [channel, field] of FIELDS) {
            if (!template.locales[locale][field]) continue;
            const { body } = renderMessage(policy, policy.rules, templateId, channel, locale, {
              ...vars,
              currency,
            });
            rendered += 1;
            const where = `${templateId} ${locale} ${field}`;
            expect(body, where).toContain('3,456.78');
            for (const kind of ['penalty', 'fees'] as const) {
              if (accrues[kind]) continue;
              for (const word of CLAIMS[kind]) expect(body, `${where}: ${kind}`).not.toMatch(word);
            }
            expect(body, where).not.toMatch(/\{\w+\}/);
          }
        }
      }
      expect(rendered).toBeGreaterThan(10);
    });
  }
});

describe('the loader refuses a template that claims what nothing produces', () => {
  const withTemplate = (sms: string, balance?: unknown) => {
    const templates = structuredClone(defaultPolicy.templates) as Record<string, unknown>;
    const preDue = templates['pre-due'] as { locales: { en: { sms: string } } };
    preDue.locales.en.sms = sms;
    return () => loadPolicy({ ...defaultPolicy, templates, ...(balance ? { balance } : {}) });
  };

  it('penalty interest without accrual or feed, naming the template and the word', () => {
    expect(withTemplate('{amount} due; penalty interest is accruing. {link}')).toThrow(
      'policy default: templates.pre-due: mentions penalty interest ("penalty" in en sms)',
    );
    expect(
      withTemplate('{amount} due; penalty interest is accruing. {link}', {
        penaltyInterest: { annualRateBasisPoints: 1825 },
      }),
    ).not.toThrow();
  });

  it('fees are allowed when the feed reports them', () => {
    expect(withTemplate('{amount} due, late fees {fees} included. {link}')).toThrow(
      /templates.pre-due: mentions fees/,
    );
    expect(
      withTemplate('{amount} due, late fees {fees} included. {link}', { feedProvides: ['FEES'] }),
    ).not.toThrow();
  });

  it('a message that does not show the amount owed', () => {
    expect(withTemplate('Please pay at {link}')).toThrow(
      'policy default: templates.pre-due: en sms does not show the amount owed ({amount})',
    );
  });
});

describe('a payment since the last message is acknowledged first', () => {
  it('opens the SMS and the e-mail with what was received, in the borrower s language', () => {
    const policy = loadPolicy(defaultPolicy);
    const render = (channel: Channel, locale: 'en' | 'zh-CN') =>
      renderMessage(policy, policy.rules, 'overdue-reminder', channel, locale, {
        ...vars,
        currency: 'CNY',
        receivedMinor: 100000,
      }).body;
    expect(render('SMS', 'en')).toMatch(/^We received your payment of CN¥1,000\.00, thank you\. /);
    expect(render('SMS', 'zh-CN')).toMatch(/^已收到您的还款¥1,000\.00，谢谢。/);
    expect(render('EMAIL', 'en')).toMatch(/^We received your payment of CN¥1,000\.00, thank you\.\n\nHello/);
  });
});
