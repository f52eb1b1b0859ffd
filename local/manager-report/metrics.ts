import { costPer1000 } from '../cost.js';
import { type Interval, wilson } from './intervals.js';

/**
 * The manager's report as numbers: pure functions over a run's per-loan results (no I/O, no
 * rendering). Identifiers and counts only: nothing here can carry a contact detail, since a
 * ReportLoan has no field for one.
 */
export interface ReportAttempt {
  stage: string;
  channel: string;
  status: string;
  reason?: string;
}
export interface ReportLoan {
  loanId: string;
  /** The due date (YYYY-MM-DD); days past due count from its midnight UTC, as the run's summary does. */
  dueDate: string;
  finalStatus: string;
  /** When the loan left collection (its cure, settlement or closing), or the end of the run. */
  endedAt: string;
  attempts: ReportAttempt[];
  arm?: 'champion' | 'challenger';
  policy: string;
  stateTransitions: number;
}
/** What a run averaged per loan and cannot attribute to one loan (the cost model's other inputs). */
export interface RunAverages {
  ddbRequestsPerLoan: number;
  lambdaInvocationsPerLoan: number;
}

const DAY = 86_400_000;
/** Delinquency buckets by days past due: [first day, last day]. */
export const BUCKETS = [
  { label: '1–30', from: 1, to: 30 },
  { label: '31–60', from: 31, to: 60 },
  { label: '61–90', from: 61, to: 90 },
  { label: '90+', from: 91, to: Number.POSITIVE_INFINITY },
] as const;
/** Statuses whose loan left delinquency at endedAt; any other stays delinquent to the end of the run. */
const LEFT = new Set(['CURED', 'SETTLED', 'CLOSED']);

const isContact = (a: ReportAttempt) => a.status === 'SENT' || a.status === 'REQUESTED';

/** Whole days past due at `at` (0 on the due date, negative before it). */
export function daysPastDue(dueDate: string, at: string): number {
  return Math.floor((Date.parse(at) - Date.parse(`${dueDate}T00:00:00Z`)) / DAY);
}

/** D-3 before D+1 before D+15; a stage named otherwise after them, in the order first seen. */
function stageOrder(stages: string[]): string[] {
  const offset = (s: string) => {
    const m = /^D([+-]\d+)$/.exec(s);
    return m ? Number(m[1]) : Number.POSITIVE_INFINITY;
  };
  return stages
    .map((s, i) => ({ s, i }))
    .sort((a, b) => offset(a.s) - offset(b.s) || a.i - b.i)
    .map((x) => x.s);
}

export interface FunnelRow {
  stage: string;
  /** Loans with an attempt at the stage other than a skip (sent, requested, blocked, deferred, failed). */
  reached: number;
  /** Loans with a contact sent or requested at the stage. */
  contacted: number;
  /** Contacts sent or requested (a loan may get an SMS and an e-mail at one stage). */
  contacts: number;
  /** Attempts blocked by a contact rule, by the rule's reason code. */
  blocked: Record<string, number>;
  /** Loans cured whose last contact was at this stage (as the text summary's "cured after"). */
  curedAfter: number;
}

export function funnel(loans: ReportLoan[]): FunnelRow[] {
  const rows = new Map<string, FunnelRow>();
  const row = (stage: string) => {
    let r = rows.get(stage);
    if (!r) {
      r = { stage, reached: 0, contacted: 0, contacts: 0, blocked: {}, curedAfter: 0 };
      rows.set(stage, r);
    }
    return r;
  };
  for (const loan of loans) {
    const reached = new Set<string>();
    const contacted = new Set<string>();
    let last: string | undefined;
    for (const a of loan.attempts) {
      const r = row(a.stage);
      if (a.status !== 'SKIPPED') reached.add(a.stage);
      if (isContact(a)) {
        r.contacts += 1;
        contacted.add(a.stage);
        last = a.stage;
      } else if (a.status === 'BLOCKED') {
        const why = a.reason ?? 'RULE';
        r.blocked[why] = (r.blocked[why] ?? 0) + 1;
      }
    }
    for (const s of reached) row(s).reached += 1;
    for (const s of contacted) row(s).contacted += 1;
    if (loan.finalStatus === 'CURED' && last) row(last).curedAfter += 1;
  }
  return stageOrder([...rows.keys()]).map((s) => row(s));
}

/** Last day past due each loan was delinquent: its day of leaving, or the run's end for one unpaid. */
function delinquentThrough(loan: ReportLoan, observedUntil: string): number {
  return daysPastDue(loan.dueDate, LEFT.has(loan.finalStatus) ? loan.endedAt : observedUntil);
}

export interface CurvePoint {
  dpd: number;
  /** Share of all loans cured (paid in full) by the end of this day past due; settled likewise. */
  cured: number;
  settled: number;
}

/** Cumulative share of loans cured and settled by each day past due, 0 to `lastDay` (a cure before the due date counts at 0). */
export function cureCurve(loans: ReportLoan[], lastDay = 120): CurvePoint[] {
  const n = loans.length;
  const at = (status: string) =>
    loans.filter((l) => l.finalStatus === status).map((l) => Math.max(0, daysPastDue(l.dueDate, l.endedAt)));
  const cured = at('CURED');
  const settled = at('SETTLED');
  return Array.from({ length: lastDay + 1 }, (_, dpd) => ({
    dpd,
    cured: n ? cured.filter((d) => d <= dpd).length / n : 0,
    settled: n ? settled.filter((d) => d <= dpd).length / n : 0,
  }));
}

export interface BucketRow {
  bucket: string;
  /** Loans still delinquent on the bucket's first day. */
  reached: number;
  /** Of those, loans cured (paid in full) within the bucket. */
  cured: number;
  cureRate: number | null;
  cureInterval: Interval | null;
}

export interface RollRow {
  from: string;
  to: string;
  /** Loans in `from` (all loans for "current"), and those of them that rolled into `to`. */
  from_n: number;
  rolled: number;
  rate: number | null;
  interval: Interval | null;
}

/**
 * Cure rate per delinquency bucket, and roll rates between consecutive buckets: the share of loans
 * reaching a bucket that go on to reach the next ("current" is every loan, before it went past due).
 */
export function buckets(
  loans: ReportLoan[],
  observedUntil: string,
): { cures: BucketRow[]; rolls: RollRow[] } {
  const through = loans.map((l) => ({ loan: l, last: delinquentThrough(l, observedUntil) }));
  const reached = BUCKETS.map((b) => through.filter((t) => t.last >= b.from));
  const cures = BUCKETS.map((b, i) => {
    const inBucket = reached[i] ?? [];
    const cured = inBucket.filter((t) => t.loan.finalStatus === 'CURED' && t.last <= b.to).length;
    return {
      bucket: b.label,
      reached: inBucket.length,
      cured,
      cureRate: inBucket.length ? cured / inBucket.length : null,
      cureInterval: wilson(cured, inBucket.length),
    };
  });
  const populations = [loans.length, ...reached.map((r) => r.length)];
  const labels = ['current', ...BUCKETS.map((b) => b.label)];
  const rolls = BUCKETS.map((b, i) => {
    const from_n = populations[i] ?? 0;
    const rolled = populations[i + 1] ?? 0;
    return {
      from: labels[i] ?? '',
      to: b.label,
      from_n,
      rolled,
      rate: from_n ? rolled / from_n : null,
      interval: wilson(rolled, from_n),
    };
  });
  return { cures, rolls };
}

/** Blocked attempts by rule (reason code), most first, with the loans each rule blocked at least once. */
export function blocksByRule(loans: ReportLoan[]): Array<{ rule: string; attempts: number; loans: number }> {
  const attempts = new Map<string, number>();
  const borrowers = new Map<string, Set<string>>();
  for (const loan of loans)
    for (const a of loan.attempts) {
      if (a.status !== 'BLOCKED') continue;
      const rule = a.reason ?? 'RULE';
      attempts.set(rule, (attempts.get(rule) ?? 0) + 1);
      const set = borrowers.get(rule) ?? new Set<string>();
      set.add(loan.loanId);
      borrowers.set(rule, set);
    }
  return [...attempts.entries()]
    .map(([rule, n]) => ({ rule, attempts: n, loans: borrowers.get(rule)?.size ?? 0 }))
    .sort((a, b) => b.attempts - a.attempts || a.rule.localeCompare(b.rule));
}

export interface Efficiency {
  loans: number;
  cured: number;
  cureRate: number | null;
  cureInterval: Interval | null;
  /** Contacts SENT (messages, calls, visits; letters requested are not counted), as the summary's arms. */
  contacts: number;
  contactsPerCure: number | null;
  /** The cost model's estimate (local/cost.ts) for these loans, in USD, and per cure. */
  costUSD: number;
  costPerCureUSD: number | null;
}

/**
 * Contacts and cost per cure of a set of loans. Step Functions, SMS and e-mail are each loan's own;
 * DynamoDB and Lambda are the run's averages per loan, the only figures the run keeps for them.
 */
export function efficiency(loans: ReportLoan[], run: RunAverages): Efficiency {
  const n = loans.length;
  const sent = loans.flatMap((l) => l.attempts.filter((a) => a.status === 'SENT'));
  const cured = loans.filter((l) => l.finalStatus === 'CURED').length;
  const transitions = loans.reduce((s, l) => s + l.stateTransitions, 0);
  const channel = (c: string) => sent.filter((a) => a.channel === c).length;
  const costUSD = n
    ? (costPer1000(
        transitions / n,
        run.ddbRequestsPerLoan,
        run.lambdaInvocationsPerLoan,
        channel('SMS') / n,
        channel('EMAIL') / n,
      ).total *
        n) /
      1000
    : 0;
  return {
    loans: n,
    cured,
    cureRate: n ? cured / n : null,
    cureInterval: wilson(cured, n),
    contacts: sent.length,
    contactsPerCure: cured ? sent.length / cured : null,
    costUSD,
    costPerCureUSD: cured ? costUSD / cured : null,
  };
}
