/** What the desk API answers (functions/desk-api/core.ts), as the page reads it. */
export interface TaskRow {
  taskId: string;
  queue: string;
  loanId: string;
  stage: string;
  openedAt: string;
  claimed: boolean;
  mine: boolean;
}

export interface TaskView {
  task: TaskRow & { cycle: number; status: 'OPEN' | 'DONE' | 'WITHDRAWN' };
  outcomes: string[];
  case?: {
    status: string;
    currency: string;
    dueDate: string;
    timeZone: string;
    owed: {
      principalMinor: number;
      interestMinor: number;
      penaltyMinor: number;
      feesMinor: number;
      totalMinor: number;
    };
    promise?: { amountMinor: number; date: string };
    plan?: string;
    disputeOpen: boolean;
    hardshipUntil?: string;
    timeline: Array<{
      seq: number;
      at: string;
      type: string;
      stage: string;
      detail?: Record<string, unknown>;
    }>;
  };
  script?: string;
  contact?: { name: string; phone: string; email: string };
  conversation?: {
    available: boolean;
    channel?: string;
    receivedAt?: string;
    subject?: string;
    text?: string;
  };
}
