/**
 * The borrower most suites use (Wang Fang, B-1) and the LoanDelinquent that brings loan L-1: one
 * definition, so the privacy checks of every suite look for the same contact details.
 */
export const PHONE = '+8613800138000';
export const EMAIL = 'wang.fang@example.com';
export const NAME = 'Wang Fang';

export const borrower = {
  borrowerId: 'B-1',
  name: NAME,
  phone: PHONE,
  email: EMAIL,
  timeZone: 'Asia/Shanghai',
  locale: 'zh-CN',
};

/** A LoanDelinquent detail, as upstream publishes it (also a scenario loan, without its events). */
export const loanDelinquent = {
  loanId: 'L-1',
  cycle: 1,
  amountDue: '1200.00',
  currency: 'CNY',
  dueDate: '2026-12-10',
  borrower,
};

/**
 * A scenario loan of ¥3,000.00 due 2026-12-10 for its own borrower (`B-<loanId>`, Shanghai, zh-CN),
 * whose phone is `phonePrefix` and `n` in two digits: each suite gives its loans their own numbers, so
 * no two borrowers share a line unless a test means them to.
 */
export function scenarioLoan(
  loanId: string,
  n: number,
  events: unknown[],
  who: { phonePrefix: string; name: string },
  extra: Record<string, unknown> = {},
) {
  const borrowerId = `B-${loanId}`;
  return {
    loanId,
    amountDue: '3000.00',
    currency: 'CNY',
    dueDate: '2026-12-10',
    borrower: {
      borrowerId,
      name: who.name,
      phone: `${who.phonePrefix}${String(n).padStart(2, '0')}`,
      email: `${borrowerId.toLowerCase()}@example.com`,
      timeZone: 'Asia/Shanghai',
      locale: 'zh-CN',
    },
    events,
    ...extra,
  };
}
