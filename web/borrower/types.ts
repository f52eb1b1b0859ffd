/** The API's view (functions/borrower-api/view.ts), as the page reads it. */
export interface Instalment {
  amount: string;
  date: string;
}
export interface PlanOption {
  id: string;
  kind: 'PLAN' | 'SETTLEMENT';
  instalments: Instalment[];
  total: string;
}
export interface LoanView {
  loanId: string;
  status: 'ACTIVE' | 'CURED' | 'SETTLED' | 'HANDED_OVER' | 'CLOSED';
  currency: string;
  dueDate: string;
  daysPastDue: number;
  owed: { total: string; principal: string; interest: string; penaltyInterest: string; fees: string };
  paid: string;
  hold?: 'PROMISED' | 'PLAN_PROPOSED' | 'PLAN_TO_SIGN' | 'PLAN_ACTIVE' | 'DISPUTED' | 'HARDSHIP';
  promise?: Instalment;
  dispute?: { openedAt: string; reason?: 'NOT_MINE' | 'WRONG_AMOUNT' | 'ALREADY_PAID' | 'OTHER' };
  plan?: { status: string; instalments: Instalment[]; total: string; confirmed: number };
  payUrl: string;
  options: { promiseUntil?: string; plans: PlanOption[] };
}
export interface PageView {
  locale: string;
  timeZone: string;
  optedOut: string[];
  contactWindow: 'MORNING' | 'AFTERNOON' | 'EVENING' | 'ANY' | 'CUSTOM';
  loans: LoanView[];
}
