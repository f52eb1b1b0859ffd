import { balanceMinor, type CaseRecord } from './case.js';
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
    balance: string;
    dueDate: string;
    openedAt: string;
    status: string;
  };
  balanceHistory: Array<{ at: string; event: string; amount: string; balance: string }>;
  promises: Array<{ madeAt: string; amount: string; date: string; status: string }>;
  plan?: { acceptedAt: string; status: string; instalments: Array<{ date: string; amount: string }> };
  dispute?: CaseRecord['dispute'];
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
}

export function buildEvidencePack(c: CaseRecord, ledger: readonly LedgerRecord[], now: string): EvidencePack {
  const money = (minor: number) => fromMinor(minor, c.currency);
  let balance = c.amountDueMinor;
  const balanceHistory = [
    { at: c.openedAt, event: 'DUE', amount: money(c.amountDueMinor), balance: money(balance) },
  ];
  for (const p of [...c.payments].sort((a, b) => a.paidAt.localeCompare(b.paidAt))) {
    balance -= p.amountMinor;
    balanceHistory.push({
      at: p.paidAt,
      event: `PAYMENT ${p.paymentId}`,
      amount: money(p.amountMinor),
      balance: money(Math.max(0, balance)),
    });
  }
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
      balance: money(balanceMinor(c)),
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
          },
        }
      : {}),
    ...(c.dispute ? { dispute: c.dispute } : {}),
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
    `Amount due ${loan.amountDue} ${loan.currency} on ${loan.dueDate}; paid ${loan.paid}; balance ${loan.balance}. Status ${loan.status}.`,
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
      ? `Accepted ${pack.plan.acceptedAt}, ${pack.plan.status}: ${pack.plan.instalments.map((i) => `${i.amount} by ${i.date}`).join('; ')}.`
      : 'None.',
    '',
    '## Dispute, placement, notices',
    '',
    `Dispute: ${pack.dispute ? `opened ${pack.dispute.openedAt}${pack.dispute.resolvedAt ? `, resolved ${pack.dispute.resolvedAt} for the ${pack.dispute.inFavourOf}` : ''}` : 'none'}.`,
    `Agency: ${pack.agency ? `placed ${pack.agency.placedAt}${pack.agency.recalledAt ? `, recalled ${pack.agency.recalledAt}` : ''}` : 'not placed'}.`,
    `Notices: ${
      Object.entries(pack.notices)
        .map(([k, v]) => `${k} sent ${v}`)
        .join('; ') || 'none'
    }.`,
    '',
    '## Ledger',
    '',
    `${pack.ledger.records} records, hash-chained; last hash ${pack.ledger.lastHash}; chain ${pack.ledger.verified ? 'verified' : `BROKEN (${pack.ledger.problem})`}.`,
    '',
  ];
  return lines.join('\n');
}
