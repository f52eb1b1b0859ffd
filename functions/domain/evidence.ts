import type { Owed } from './balance.js';
import type { CaseRecord } from './case.js';
import type { DisputeDocumentRef } from './dispute-document.js';
import { attemptsOf, type LedgerRecord, verifyChain } from './ledger.js';
import { fromMinor } from './money.js';
import { policyLabel } from './policy.js';

/**
 * The evidence pack legal receives at handoff: the case, its balance history, every contact attempt
 * (time, channel, template version, rule pack version, outcome), promises, plan, dispute and
 * placement, and the ledger's verification. Identifiers only: legal resolves the borrower id in the
 * lender's own systems, so contact details never travel in the pack or the event.
 */
export interface EvidencePack {
  generatedAt: string;
  loan: {
    loanId: string;
    cycle: number;
    borrowerId: string;
    policy: string;
    currency: string;
    amountDue: string;
    paid: string;
    /** Owed now, and the penalty interest and fees in it. */
    balance: string;
    penaltyInterest: string;
    fees: string;
    dueDate: string;
    openedAt: string;
    status: string;
  };
  balanceHistory: Array<{ at: string; event: string; amount: string; balance: string }>;
  promises: Array<{ madeAt: string; amount: string; date: string; status: string }>;
  plan?: {
    acceptedAt: string;
    status: string;
    instalments: Array<{ date: string; amount: string }>;
    /** The signed agreement in the evidence store, and its SHA-256. */
    agreement?: { key: string; sha256: string };
  };
  /** What an agreement fulfilled came to, and what was waived. */
  settlement?: { settledFor: string; waived: string; at: string };
  dispute?: CaseRecord['dispute'];
  /** The documents borrowers attached to this cycle's disputes (evidence-bucket key and SHA-256), oldest first. */
  disputeDocuments?: DisputeDocumentRef[];
  agency?: CaseRecord['agency'];
  notices: CaseRecord['notices'];
  attempts: Array<{
    at: string;
    stage: string;
    channel: string;
    status: string;
    reason?: string;
    outcome?: string;
    template?: string;
    rulePack: string;
    providerRef?: string;
  }>;
  ledger: { records: number; lastHash: string; verified: boolean; problem?: string };
  /**
   * The agents' notes on calls and the visitors' reports, as the ledger names them (record, id,
   * SHA-256) with their text, read from the conversations table for the pack: `matches` says the text
   * hashes to what the ledger recorded; an erased text is absent (`text` undefined).
   */
  notes: AgentNote[];
}

export interface AgentNote {
  at: string;
  stage: string;
  channel: string;
  seq: number;
  noteId: string;
  sha256: string;
  text?: string;
  matches: boolean;
}

/** Where the ledger names an agent's notes or a visit's report: the records that carry a note id. */
export function noteRefs(ledger: readonly LedgerRecord[]): Array<Omit<AgentNote, 'text' | 'matches'>> {
  return ledger.flatMap((r) =>
    typeof r.detail?.noteId === 'string' && typeof r.detail.noteSha256 === 'string'
      ? [
          {
            at: r.at,
            stage: r.stage,
            channel: r.attempts[0]?.channel ?? '',
            seq: r.seq,
            noteId: r.detail.noteId,
            sha256: r.detail.noteSha256,
          },
        ]
      : [],
  );
}

/**
 * What was owed after each thing that moved the balance: the amount due at intake, each payment, each
 * report of the loan system, in time order (the evidence pack's history, and `ladder simulate`'s
 * timeline). `owedAt` is what was owed at an instant (functions/domain/balance.ts), so accrual shows too.
 */
export function balanceTimeline(
  c: CaseRecord,
  owedAt: (at: number) => Owed,
): Array<{ at: string; event: string; amount: string; balance: string }> {
  const money = (minor: number) => fromMinor(minor, c.currency);
  const owedThen = (at: string) => money(owedAt(Date.parse(at)).totalMinor);
  return [
    { at: c.openedAt, event: 'DUE', amount: money(c.amountDueMinor), balance: owedThen(c.openedAt) },
    ...c.payments.map((p) => ({
      at: p.paidAt,
      event: `PAYMENT ${p.paymentId}`,
      amount: money(p.amountMinor),
      balance: owedThen(p.paidAt),
    })),
    ...(c.balances ?? []).map((b) => ({
      at: b.asOf,
      event: 'REPORTED BY THE LOAN SYSTEM',
      amount: money(b.principalMinor + b.interestMinor + b.penaltyMinor + b.feesMinor),
      balance: owedThen(b.asOf),
    })),
  ].sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
}

/**
 * The pack as of `now`; `owedAt` is what was owed at an instant (functions/domain/balance.ts), so the
 * balance history shows accrual and the loan system's reports as well as payments.
 */
/** The documents of the cycle's disputes, earlier ones first; nothing when there is none. */
function disputeDocumentsOf(c: CaseRecord): { disputeDocuments?: DisputeDocumentRef[] } {
  const documents = [...(c.disputeHistory ?? []), ...(c.dispute ? [c.dispute] : [])].flatMap((d) =>
    d.document ? [d.document] : [],
  );
  return documents.length > 0 ? { disputeDocuments: documents } : {};
}

export function buildEvidencePack(
  c: CaseRecord,
  ledger: readonly LedgerRecord[],
  now: string,
  owedAt: (at: number) => Owed,
  notes: AgentNote[] = [],
): EvidencePack {
  const money = (minor: number) => fromMinor(minor, c.currency);
  const balanceHistory = balanceTimeline(c, owedAt);
  const owed = owedAt(Date.parse(now));
  const verification = verifyChain(ledger);
  return {
    generatedAt: now,
    loan: {
      loanId: c.loanId,
      cycle: c.cycle,
      borrowerId: c.borrowerId,
      policy: policyLabel(c.policyId, c.policyVersion),
      currency: c.currency,
      amountDue: money(c.amountDueMinor),
      paid: money(c.paidMinor),
      balance: money(owed.totalMinor),
      penaltyInterest: money(owed.penaltyMinor),
      fees: money(owed.feesMinor),
      dueDate: c.dueDate,
      openedAt: c.openedAt,
      status: c.status,
    },
    balanceHistory,
    promises: c.promises.map((p) => ({
      madeAt: p.madeAt,
      amount: money(p.amountMinor),
      date: p.date,
      status: p.status,
    })),
    ...(c.plan
      ? {
          plan: {
            acceptedAt: c.plan.acceptedAt,
            status: c.plan.status,
            instalments: c.plan.instalments.map((i) => ({ date: i.date, amount: money(i.amountMinor) })),
            ...(c.plan.agreement ? { agreement: c.plan.agreement } : {}),
          },
        }
      : {}),
    ...(c.settlement
      ? {
          settlement: {
            settledFor: money(c.settlement.settledForMinor),
            waived: money(c.settlement.waivedMinor),
            at: c.settlement.at,
          },
        }
      : {}),
    ...(c.dispute ? { dispute: c.dispute } : {}),
    ...disputeDocumentsOf(c),
    ...(c.agency ? { agency: c.agency } : {}),
    notices: c.notices,
    attempts: attemptsOf(ledger).map((a) => ({
      at: a.at,
      stage: a.stage,
      channel: a.channel,
      status: a.status,
      ...(a.reason ? { reason: a.reason } : {}),
      ...(a.outcome ? { outcome: a.outcome } : {}),
      ...(a.templateId ? { template: `${a.templateId} v${a.templateVersion}` } : {}),
      rulePack: a.rulePack,
      ...(a.providerRef ? { providerRef: a.providerRef } : {}),
    })),
    ledger: {
      records: ledger.length,
      lastHash: ledger.at(-1)?.hash ?? '',
      verified: verification.ok,
      ...(verification.ok ? {} : { problem: `record ${verification.seq}: ${verification.problem}` }),
    },
    notes,
  };
}

/** The same pack as a document a lawyer reads (Markdown: renders anywhere, diffs well, prints). */
export function renderEvidenceDocument(pack: EvidencePack): string {
  const { loan } = pack;
  const table = (head: string[], rows: string[][]) =>
    [
      `| ${head.join(' | ')} |`,
      `|${head.map(() => '---').join('|')}|`,
      ...rows.map((r) => `| ${r.join(' | ')} |`),
    ].join('\n');
  const lines = [
    `# Evidence pack: loan ${loan.loanId}, cycle ${loan.cycle}`,
    '',
    `Generated ${pack.generatedAt}. Borrower ${loan.borrowerId}; policy ${loan.policy}.`,
    '',
    `Amount due ${loan.amountDue} ${loan.currency} on ${loan.dueDate}; paid ${loan.paid}; balance ${loan.balance} (penalty interest ${loan.penaltyInterest}, fees ${loan.fees}). Status ${loan.status}.`,
    '',
    '## Balance history',
    '',
    table(
      ['at', 'event', 'amount', 'balance'],
      pack.balanceHistory.map((b) => [b.at, b.event, b.amount, b.balance]),
    ),
    '',
    '## Contact attempts (allowed and not)',
    '',
    table(
      ['at', 'stage', 'channel', 'status', 'reason / outcome', 'template', 'rule pack'],
      pack.attempts.map((a) => [
        a.at,
        a.stage,
        a.channel,
        a.status,
        a.reason ?? a.outcome ?? '',
        a.template ?? '',
        a.rulePack,
      ]),
    ),
    '',
    '## Promises to pay',
    '',
    pack.promises.length
      ? table(
          ['made', 'amount', 'by', 'status'],
          pack.promises.map((p) => [p.madeAt, p.amount, p.date, p.status]),
        )
      : 'None.',
    '',
    '## Repayment plan',
    '',
    pack.plan
      ? `Accepted ${pack.plan.acceptedAt}, ${pack.plan.status}: ${pack.plan.instalments.map((i) => `${i.amount} by ${i.date}`).join('; ')}.${pack.plan.agreement ? ` Agreement ${pack.plan.agreement.key} (SHA-256 ${pack.plan.agreement.sha256}).` : ''}`
      : 'None.',
    '',
    '## Dispute, placement, notices',
    '',
    `Dispute: ${pack.dispute ? `opened ${pack.dispute.openedAt}${pack.dispute.resolvedAt ? `, resolved ${pack.dispute.resolvedAt} for the ${pack.dispute.inFavourOf}` : ''}` : 'none'}.`,
    ...(pack.disputeDocuments ?? []).map(
      (d) => `Dispute document: ${d.key} (${d.type}, ${d.bytes} bytes, SHA-256 ${d.sha256}).`,
    ),
    `Agency: ${pack.agency ? `placed ${pack.agency.placedAt}${pack.agency.recalledAt ? `, recalled ${pack.agency.recalledAt}` : ''}` : 'not placed'}.`,
    `Notices: ${
      Object.entries(pack.notices)
        .map(([k, v]) => `${k} sent ${v}`)
        .join('; ') || 'none'
    }.`,
    '',
    "## Agents' notes and visit reports",
    '',
    ...(pack.notes.length
      ? pack.notes.flatMap((n) => [
          `### ${n.at}, ${n.stage} ${n.channel} (record ${n.seq}; SHA-256 ${n.sha256}${n.matches ? ', matches' : n.text === undefined ? ', text erased' : ', DOES NOT MATCH'})`,
          '',
          ...(n.text === undefined ? ['(erased)'] : n.text.split('\n').map((line) => `> ${line}`)),
          '',
        ])
      : ['None.', '']),
    '## Ledger',
    '',
    `${pack.ledger.records} records, hash-chained; last hash ${pack.ledger.lastHash}; chain ${pack.ledger.verified ? 'verified' : `BROKEN (${pack.ledger.problem})`}.`,
    '',
  ];
  return lines.join('\n');
}
