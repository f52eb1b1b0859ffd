import { createHash } from 'node:crypto';
import type { CaseRecord, RepaymentPlan, SettlementOffer } from './case.js';
import { fromMinor } from './money.js';
import type { LoadedPolicy, Locale } from './policy.js';
import { paymentLink } from './templates.js';

/**
 * The agreement the borrower signs (a repayment plan) or accepts by paying (a settlement offer): a
 * document naming the amounts, the dates, what happens when an instalment is missed and how interest
 * is counted (DOMAIN.md, step 4 of negotiated repayment). It is stored with the evidence and the
 * ledger names it by key and SHA-256, so what was agreed can be shown, and shown unaltered.
 * Identifiers only: the lender's systems resolve the borrower id to the person.
 */
export interface AgreementDocument {
  key: string;
  json: string;
  document: string;
  sha256: string;
}

export const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

type Terms =
  | { kind: 'PLAN'; plan: RepaymentPlan }
  | { kind: 'OFFER'; offer: Omit<SettlementOffer, 'agreement'> };

const TEXT = {
  en: {
    plan: 'Repayment agreement',
    offer: 'Settlement offer',
    loan: (id: string, cycle: number, borrower: string) =>
      `Loan ${id} (cycle ${cycle}), borrower ${borrower}.`,
    owed: (amount: string, at: string) => `Owed when agreed (${at}): ${amount}.`,
    instalments: 'Instalments (pay on or before each date):',
    total: (amount: string) => `Total: ${amount}.`,
    waived: (agreed: string, waived: string) =>
      `The lender accepts ${agreed} in full settlement: ${waived} is waived once it is paid as agreed, and not before.`,
    lump: (amount: string, until: string) => `Pay ${amount} in one payment on or before ${until}.`,
    lapse:
      'If it is not paid by then, the offer lapses, the full balance remains owed and collection goes on.',
    missed: (grace: number, reply: number, renegotiations: number, resumes: string) =>
      `If an instalment is not paid within ${grace} days of its date, we will ask you why and wait ${reply} days for your reply; then an agent will call. The plan can be renegotiated at most ${renegotiations} more time(s). Otherwise the agreement ends, anything waived is owed again, and collection resumes (${resumes}).`,
    interestPolicy: (rate: string) =>
      `No penalty interest or fees are added while this agreement is kept. If it ends unkept, penalty interest of ${rate}% a year (simple, actual/365, on the unpaid amount due) and any late fees accrue again from the next day.`,
    interestNone:
      'No interest, penalty interest or fees are added under this agreement: the amounts above are final.',
    interestFeed: (asOf: string) =>
      `Interest and charges are counted by the lender's loan system under your loan contract; the amounts above are as of ${asOf}.`,
    pay: (link: string) =>
      `Pay to the lender's account at ${link} (bank card or wallet); each payment is reconciled on receipt.`,
    approved: (who: string, at: string) => `Settlement approved by ${who} on ${at}.`,
  },
  'zh-CN': {
    plan: '还款协议',
    offer: '一次性结清方案',
    loan: (id: string, cycle: number, borrower: string) =>
      `借款 ${id}（第 ${cycle} 期逾期），借款人 ${borrower}。`,
    owed: (amount: string, at: string) => `协议时欠款（${at}）：${amount}。`,
    instalments: '分期（请于各日期当日或之前还款）：',
    total: (amount: string) => `合计：${amount}。`,
    waived: (agreed: string, waived: string) =>
      `贷款人同意以 ${agreed} 结清全部欠款：按约还清后减免 ${waived}，还清前不减免。`,
    lump: (amount: string, until: string) => `请于 ${until} 当日或之前一次性还款 ${amount}。`,
    lapse: '逾期未还，本方案失效，全部欠款仍需偿还，催收继续。',
    missed: (grace: number, reply: number, renegotiations: number, resumes: string) =>
      `如某期在其日期后 ${grace} 天内未还，我们将询问原因并等待您 ${reply} 天回复，随后由专员致电。本计划最多还可重新协商 ${renegotiations} 次。否则协议终止，已减免部分恢复欠付，催收恢复（${resumes}）。`,
    interestPolicy: (rate: string) =>
      `协议履行期间不计罚息和费用。协议未履行而终止的，自次日起按年利率 ${rate}%（单利，按实际天数/365，以未还应还款计）重新计收罚息及滞纳金。`,
    interestNone: '本协议不另计利息、罚息或费用：以上金额为最终金额。',
    interestFeed: (asOf: string) => `利息及费用由贷款人核心系统按借款合同计算；以上金额截至 ${asOf}。`,
    pay: (link: string) => `请通过 ${link} 还款至贷款人账户（银行卡或钱包），每笔还款到账即核对。`,
    approved: (who: string, at: string) => `本减免方案已由 ${who} 于 ${at} 批准。`,
  },
} as const;

/** How interest is counted under the agreement: the policy's own accrual, none, or the loan system's. */
function interestClause(c: CaseRecord, policy: LoadedPolicy, locale: Locale): string {
  const t = TEXT[locale];
  const report = c.balances?.at(-1);
  if (report) return t.interestFeed(report.asOf);
  const rate = policy.balance.penaltyInterest?.annualRateBasisPoints;
  return rate === undefined ? t.interestNone : t.interestPolicy((rate / 100).toFixed(2));
}

/**
 * Renders the agreement in the borrower's language. `resumes` names where collection resumes if it is
 * broken (the stage the plan interrupted); `at` is when it was agreed or offered.
 */
export function renderAgreement(
  c: CaseRecord,
  terms: Terms,
  policy: LoadedPolicy,
  locale: Locale,
  resumes: string,
  at: string,
): AgreementDocument {
  const t = TEXT[locale];
  const money = (minor: number) => `${fromMinor(minor, c.currency)} ${c.currency}`;
  const lines = [
    `# ${terms.kind === 'PLAN' ? t.plan : t.offer}`,
    '',
    t.loan(c.loanId, c.cycle, c.borrowerId),
    '',
  ];
  let data: Record<string, unknown>;
  if (terms.kind === 'PLAN') {
    const { plan } = terms;
    const waived = plan.balanceAtAgreementMinor - plan.agreedMinor;
    lines.push(t.owed(money(plan.balanceAtAgreementMinor), plan.proposedAt), '', t.instalments, '');
    lines.push(...plan.instalments.map((i, n) => `${n + 1}. ${i.date}: ${money(i.amountMinor)}`));
    lines.push('', t.total(money(plan.agreedMinor)));
    if (waived > 0) lines.push('', t.waived(money(plan.agreedMinor), money(waived)));
    if (plan.approval) lines.push('', t.approved(plan.approval.approverId, plan.approval.at));
    const left = Math.max(0, policy.plan.maxRenegotiations - plan.renegotiations);
    lines.push('', t.missed(policy.plan.graceDays, policy.plan.replyWindowDays, left, resumes));
    data = {
      kind: 'PLAN',
      balanceAtAgreement: fromMinor(plan.balanceAtAgreementMinor, c.currency),
      agreed: fromMinor(plan.agreedMinor, c.currency),
      waived: fromMinor(waived, c.currency),
      instalments: plan.instalments.map((i) => ({
        date: i.date,
        amount: fromMinor(i.amountMinor, c.currency),
      })),
      graceDays: policy.plan.graceDays,
      replyWindowDays: policy.plan.replyWindowDays,
      renegotiationsLeft: left,
      ...(plan.approval ? { approval: plan.approval } : {}),
      proposedAt: plan.proposedAt,
    };
  } else {
    const { offer } = terms;
    const waived = offer.balanceMinor - offer.amountMinor;
    lines.push(
      t.owed(money(offer.balanceMinor), offer.madeAt),
      '',
      t.lump(money(offer.amountMinor), offer.validUntil),
    );
    lines.push('', t.waived(money(offer.amountMinor), money(waived)), '', t.lapse);
    data = {
      kind: 'OFFER',
      balance: fromMinor(offer.balanceMinor, c.currency),
      amount: fromMinor(offer.amountMinor, c.currency),
      waived: fromMinor(waived, c.currency),
      validUntil: offer.validUntil,
      madeAt: offer.madeAt,
    };
  }
  lines.push('', interestClause(c, policy, locale), '', t.pay(paymentLink(policy, c.loanId)), '');
  const document = lines.join('\n');
  const key = `evidence/agreements/${c.loanId}/${c.cycle}/${terms.kind.toLowerCase()}-${Date.parse(at)}`;
  const hash = sha256(document);
  const json = `${JSON.stringify({ loanId: c.loanId, cycle: c.cycle, borrowerId: c.borrowerId, currency: c.currency, policy: `${policy.id} v${policy.version}`, locale, agreedAt: at, ...data, documentSha256: hash }, null, 2)}\n`;
  return { key, json, document, sha256: hash };
}
