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
