import { describe, expect, it } from 'vitest';
import { renderAgreement, sha256 } from '../../functions/domain/agreement.js';
import type { BalanceReport, RepaymentPlan } from '../../functions/domain/case.js';
import { loadPolicy } from '../../functions/domain/policy.js';
import { caseRecord, rawPolicy, repaymentPlan } from './fixtures.js';

/**
 * The agreement a borrower signs (a plan) or accepts by paying (a settlement offer), DOMAIN.md step 4:
 * the amounts, the dates, the consequence of a missed instalment and how interest is counted. Each
 * document is written out in full below, line by line, and its SHA-256 was computed outside this code
 * base (Python: hashlib.sha256(text.encode()).hexdigest()), so a changed word, line or blank line fails.
 * The case: loan L-1, cycle 1, borrower B-1, ¥3,000.00 owed, the default policy (grace 3 days, reply
 * window 3 days, one renegotiation) with penalty interest of 1,825 basis points (18.25% a year).
 */
const accruing = loadPolicy({
  ...rawPolicy(),
  balance: { penaltyInterest: { annualRateBasisPoints: 1825 } },
});
const plain = loadPolicy(rawPolicy());
const AGREED = '2026-12-17T02:00:00.000Z';
const OFFERED = '2026-12-20T01:00:00.000Z';

/** ¥3,000.00 owed, ¥2,700.00 agreed in two instalments (10% waived, so approved), no renegotiation yet. */
const discounted = (extra: Partial<RepaymentPlan> = {}): RepaymentPlan =>
  repaymentPlan({
    instalments: [
      { amountMinor: 135000, date: '2026-12-25' },
      { amountMinor: 135000, date: '2027-01-25' },
    ],
    proposedAt: AGREED,
    balanceAtAgreementMinor: 300000,
    agreedMinor: 270000,
    approval: { approverId: 'A-7', at: '2026-12-17T03:00:00.000Z' },
    ...extra,
  });

const report = (asOf: string): BalanceReport => ({
  asOf,
  principalMinor: 300000,
  interestMinor: 0,
  penaltyMinor: 0,
  feesMinor: 0,
  recordedAt: asOf,
});

const PLAN_EN = [
  '# Repayment agreement',
  '',
  'Loan L-1 (cycle 1), borrower B-1.',
  '',
  'Owed when agreed (2026-12-17T02:00:00.000Z): 3000.00 CNY.',
  '',
  'Instalments (pay on or before each date):',
  '',
  '1. 2026-12-25: 1350.00 CNY',
  '2. 2027-01-25: 1350.00 CNY',
  '',
  'Total: 2700.00 CNY.',
  '',
  'The lender accepts 2700.00 CNY in full settlement: 300.00 CNY is waived once it is paid as agreed, and not before.',
  '',
  'Settlement approved by A-7 on 2026-12-17T03:00:00.000Z.',
  '',
  'If an instalment is not paid within 3 days of its date, we will ask you why and wait 3 days for your reply; then an agent will call. The plan can be renegotiated at most 1 more time(s). Otherwise the agreement ends, anything waived is owed again, and collection resumes (D+15 formal warning letter).',
  '',
  'No penalty interest or fees are added while this agreement is kept. If it ends unkept, penalty interest of 18.25% a year (simple, actual/365, on the unpaid amount due) and any late fees accrue again from the next day.',
  '',
  "Pay to the lender's account at https://pay.example.com/loans/L-1 (bank card or wallet); each payment is reconciled on receipt.",
  '',
].join('\n');

const OFFER_ZH = [
  '# 一次性结清方案',
  '',
  '借款 L-1（第 1 期逾期），借款人 B-1。',
  '',
  '协议时欠款（2026-12-20T01:00:00.000Z）：3000.00 CNY。',
  '',
  '请于 2026-12-30 当日或之前一次性还款 2550.00 CNY。',
  '',
  '贷款人同意以 2550.00 CNY 结清全部欠款：按约还清后减免 450.00 CNY，还清前不减免。',
  '',
  '逾期未还，本方案失效，全部欠款仍需偿还，催收继续。',
  '',
  '利息及费用由贷款人核心系统按借款合同计算；以上金额截至 2026-12-19T16:00:00.000Z。',
  '',
  '请通过 https://pay.example.com/loans/L-1 还款至贷款人账户（银行卡或钱包），每笔还款到账即核对。',
  '',
].join('\n');

describe('a repayment plan agreement', () => {
  const c = caseRecord({ amountDueMinor: 300000 });
  const doc = renderAgreement(
    c,
    { kind: 'PLAN', plan: discounted() },
    accruing,
    'en',
    'D+15 formal warning letter',
    AGREED,
  );

  it('names the balance, each instalment, the total, the waiver and its approver, a missed instalment, interest and where to pay', () => {
    expect(doc.document).toBe(PLAN_EN);
    expect(doc.sha256).toBe('bd131ca843756059a84fbc6b3289cfa7117bb1651d94f876faad8716bd268d32');
  });

  it('is stored under the loan, the cycle and the instant agreed (epoch ms of 2026-12-17T02:00:00Z)', () => {
    expect(doc.key).toBe('evidence/agreements/L-1/1/plan-1797472800000');
  });

  it('its data record carries the same terms in decimal strings, the policy version and the document hash', () => {
    const expected = {
      loanId: 'L-1',
      cycle: 1,
      borrowerId: 'B-1',
      currency: 'CNY',
      policy: 'default v2',
      locale: 'en',
      agreedAt: AGREED,
      kind: 'PLAN',
      balanceAtAgreement: '3000.00',
      agreed: '2700.00',
      waived: '300.00',
      instalments: [
        { date: '2026-12-25', amount: '1350.00' },
        { date: '2027-01-25', amount: '1350.00' },
      ],
      graceDays: 3,
      replyWindowDays: 3,
      renegotiationsLeft: 1,
      approval: { approverId: 'A-7', at: '2026-12-17T03:00:00.000Z' },
      proposedAt: AGREED,
      documentSha256: 'bd131ca843756059a84fbc6b3289cfa7117bb1651d94f876faad8716bd268d32',
    };
    // Pretty-printed with two spaces and a final newline, keys in this order: what legal opens.
    expect(doc.json).toBe(`${JSON.stringify(expected, null, 2)}\n`);
  });

  it('a plan for the whole balance waives nothing and needs no approval: neither line appears', () => {
    const full = renderAgreement(
      c,
      { kind: 'PLAN', plan: discounted({ agreedMinor: 300000, approval: undefined }) },
      accruing,
      'en',
      'D+15 formal warning letter',
      AGREED,
    );
    expect(full.document).not.toContain('in full settlement');
    expect(full.document).not.toContain('approved by');
    expect(full.document).toContain('\n\nTotal: 3000.00 CNY.\n\nIf an instalment is not paid');
    expect(JSON.parse(full.json)).not.toHaveProperty('approval');
    expect(JSON.parse(full.json)).toMatchObject({ agreed: '3000.00', waived: '0.00' });
  });

  it('renegotiations left: one of one after none, none after one, never fewer than none', () => {
    const left = (renegotiations: number) =>
      JSON.parse(
        renderAgreement(
          c,
          { kind: 'PLAN', plan: discounted({ renegotiations }) },
          accruing,
          'en',
          'D+15',
          AGREED,
        ).json,
      ).renegotiationsLeft;
    expect(left(0)).toBe(1);
    expect(left(1)).toBe(0);
    expect(left(2)).toBe(0);
    const twice = renderAgreement(
      c,
      { kind: 'PLAN', plan: discounted({ renegotiations: 2 }) },
      accruing,
      'en',
      'D+15',
      AGREED,
    );
    expect(twice.document).toContain('renegotiated at most 0 more time(s)');
  });

  it('interest: none under a policy that accrues none; the penalty rate with two decimals under one that does', () => {
    const none = renderAgreement(c, { kind: 'PLAN', plan: discounted() }, plain, 'en', 'D+15', AGREED);
    expect(none.document).toContain(
      '\n\nNo interest, penalty interest or fees are added under this agreement: the amounts above are final.\n\n',
    );
    const zh = renderAgreement(c, { kind: 'PLAN', plan: discounted() }, accruing, 'zh-CN', 'D+15', AGREED);
    expect(zh.document).toContain('自次日起按年利率 18.25%（单利，按实际天数/365，以未还应还款计）');
    expect(zh.document.startsWith('# 还款协议\n\n借款 L-1（第 1 期逾期），借款人 B-1。\n\n')).toBe(true);
  });
});

describe('a settlement offer', () => {
  const offer = {
    amountMinor: 255000,
    balanceMinor: 300000,
    madeAt: OFFERED,
    validUntil: '2026-12-30',
    paidAtOfferMinor: 0,
  };
  // Three reports from the loan system: the latest (19 December, Shanghai midnight) dates the amounts.
  const c = caseRecord({
    amountDueMinor: 300000,
    balances: [
      report('2026-12-10T16:00:00.000Z'),
      report('2026-12-15T16:00:00.000Z'),
      report('2026-12-19T16:00:00.000Z'),
    ],
  });
  const doc = renderAgreement(c, { kind: 'OFFER', offer }, accruing, 'zh-CN', 'D+15', OFFERED);

  it("names the balance, the one payment and its last date, the waiver, the lapse, the loan system's interest and where to pay", () => {
    expect(doc.document).toBe(OFFER_ZH);
    expect(doc.sha256).toBe('1d59a0abef38db17289d7c2218c5e164ab7c1f29a23b826257dcc21e4a1ab3fa');
    expect(doc.key).toBe('evidence/agreements/L-1/1/offer-1797728400000');
  });

  it('its data record: the balance, the amount, what is waived and until when', () => {
    const expected = {
      loanId: 'L-1',
      cycle: 1,
      borrowerId: 'B-1',
      currency: 'CNY',
      policy: 'default v2',
      locale: 'zh-CN',
      agreedAt: OFFERED,
      kind: 'OFFER',
      balance: '3000.00',
      amount: '2550.00',
      waived: '450.00',
      validUntil: '2026-12-30',
      madeAt: OFFERED,
      documentSha256: '1d59a0abef38db17289d7c2218c5e164ab7c1f29a23b826257dcc21e4a1ab3fa',
    };
    expect(doc.json).toBe(`${JSON.stringify(expected, null, 2)}\n`);
  });
});

describe('the document hash', () => {
  it('is SHA-256 in lowercase hex (NIST vector for "abc")', () => {
    expect(sha256('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});
