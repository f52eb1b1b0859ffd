import type { Charge } from './policy-money.js';

/**
 * What a message template says about money, checked when its policy loads. A message that says
 * penalty interest or fees are being charged when nothing produces them is a false statement
 * (FDCPA §1692e; 不实 in the CN guideline), and every message shows the amount owed now.
 */
interface TemplateText {
  locales: Record<string, Record<string, string | undefined>>;
}

/** Words and placeholders that speak of a charge, in the languages templates are written in. */
const MENTIONS: Record<Charge, RegExp> = {
  PENALTY_INTEREST: /penalty|\{penaltyInterest\}|罚息|复利/i,
  FEES: /\bfees?\b|\bcharges?\b|\{fees\}|违约金|滞纳金|手续费|费用/i,
};

/** The text fields a borrower reads or an agent reads out; a subject line is not the message. */
const BODIES = ['sms', 'emailBody', 'letter', 'callScript'] as const;

/** Each charge a template mentions, with where (the first place found). */
export function mentionedCharges(template: TemplateText): Map<Charge, string> {
  const found = new Map<Charge, string>();
  for (const [locale, text] of Object.entries(template.locales)) {
    for (const [field, value] of Object.entries(text)) {
      if (!value) continue;
      for (const [charge, pattern] of Object.entries(MENTIONS) as Array<[Charge, RegExp]>) {
        const match = pattern.exec(value);
        if (match && !found.has(charge)) found.set(charge, `"${match[0]}" in ${locale} ${field}`);
      }
    }
  }
  return found;
}

const NAME: Record<Charge, string> = { PENALTY_INTEREST: 'penalty interest', FEES: 'fees' };

/**
 * Why these templates cannot be sent under a policy that produces `produced`: a charge mentioned that
 * nothing produces, or a message without the amount owed now ({amount}). Each names the template.
 */
export function templateProblems(
  templates: Record<string, TemplateText>,
  produced: ReadonlySet<Charge>,
): string[] {
  const problems: string[] = [];
  for (const [id, template] of Object.entries(templates)) {
    for (const [charge, where] of mentionedCharges(template)) {
      if (!produced.has(charge)) {
        problems.push(
          `templates.${id}: mentions ${NAME[charge]} (${where}), which neither the policy's balance accrual nor its feed (balance.feedProvides) produces`,
        );
      }
    }
    for (const [locale, text] of Object.entries(template.locales)) {
      for (const field of BODIES) {
        const value = text[field];
        if (value && !value.includes('{amount}'))
          problems.push(`templates.${id}: ${locale} ${field} does not show the amount owed ({amount})`);
      }
    }
  }
  return problems;
}
