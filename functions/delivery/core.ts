import type { CaseStore, MessageRef } from '../adapters/case-store.js';
import type { LedgerStore } from '../adapters/ledger-store.js';
import type { LedgerWriter } from '../adapters/ledger-writer.js';
import { type CaseRecord, caseKey } from '../domain/case.js';
import { type Clock, isoUtc } from '../domain/clock.js';
import { chain, deliveryLedgerId, GENESIS_HASH, type LedgerRecord } from '../domain/ledger.js';
import type { PolicyRegistry } from '../domain/policies.js';
import type { DeliveryReport } from './reports.js';

/**
 * What became of each message Ladder sent: a provider's report (SMS delivered or not, an e-mail
 * delivered or bounced, a letter dispatched) is recorded on the loan cycle's delivery chain, beside
 * its contact chain, through the ledger writer (sealed like every record). A notice reported
 * delivered (a letter: dispatched, plus the policy's transit days) starts to count for the stage that
 * waits for it; one reported undelivered does not (functions/domain/decide.ts noticeGate).
 */
export interface DeliveryDeps {
  cases: Pick<CaseStore, 'messageRef' | 'borrowerView' | 'saveCase'>;
  ledger: Pick<LedgerStore, 'list'>;
  writer: LedgerWriter;
  policies: PolicyRegistry;
  clock: Clock;
}

export interface DeliveryResult {
  recorded: number;
  /** Reports about messages Ladder has no note of (another system's, or already gone), or repeats. */
  ignored: number;
}

export function createDeliveryCore(deps: DeliveryDeps) {
  /**
   * Appends the report to the delivery chain, unless the chain has it already (a repeated report),
   * under the policy and rule pack of the contact record that sent the message.
   */
  async function record(m: MessageRef, report: DeliveryReport): Promise<boolean> {
    const ledgerId = deliveryLedgerId(m.loanId, m.cycle);
    const records = await deps.ledger.list(ledgerId);
    const reported = (r: LedgerRecord) =>
      r.attempts.some((a) => a.providerRef === report.ref && a.status === report.status);
    if (records.some(reported)) return false;
    const last: Pick<LedgerRecord, 'seq' | 'hash'> = records.at(-1) ?? { seq: 0, hash: GENESIS_HASH };
    const rec = chain(last, {
      ledgerId,
      loanId: m.loanId,
      cycle: m.cycle,
      type: 'DELIVERY',
      at: isoUtc(deps.clock.now()),
      stage: m.stage,
      policyId: m.policyId,
      policyVersion: m.policyVersion,
      rulePackId: m.rulePackId,
      rulePackVersion: m.rulePackVersion,
      attempts: [
        {
          channel: m.channel,
          status: report.status,
          providerRef: report.ref,
          ...(report.reason ? { reason: report.reason } : {}),
        },
      ],
      detail: { reportedAt: report.at, contactSeq: m.seq },
    });
    // Two reports of one loan at once: the second conflicts on the seq and is retried (a new read).
    await deps.writer.append(rec);
    return true;
  }

  /**
   * A notice's delivery starts its count; a notice reported undelivered is noted as such. One voice
   * per borrower: the borrower's other loans whose notice this message covered (their noticesSent
   * names its ledger record, `<loanId>#<cycle>#<seq>`) count from the same delivery.
   */
  async function settleNotice(m: MessageRef, report: DeliveryReport): Promise<void> {
    const kind = m.noticeFor;
    if (!kind) return;
    const view = await deps.cases.borrowerView(m.borrowerId);
    const covering = `${caseKey(m.loanId, m.cycle)}#${m.seq}`;
    for (const kase of view.cases) {
      const own = kase.item.loanId === m.loanId && kase.item.cycle === m.cycle;
      const refs = kase.item.noticesSent?.[kind]?.refs ?? [];
      if (kase.item.notices[kind] || !refs.includes(own ? m.ref : covering)) continue;
      await deps.cases.saveCase(noticeSettled(kase.item, kind, own ? m.ref : covering, report), kase.rev);
    }
  }

  function noticeSettled(
    item: CaseRecord,
    kind: NonNullable<MessageRef['noticeFor']>,
    ref: string,
    report: DeliveryReport,
  ): CaseRecord {
    const c = structuredClone(item);
    if (report.status === 'UNDELIVERED') {
      const sent = c.noticesSent?.[kind];
      if (sent) sent.undelivered = [...new Set([...(sent.undelivered ?? []), ref])];
    } else {
      const letter = report.status === 'DISPATCHED';
      const transit = letter ? deps.policies.get(c.policyId).noticeDelivery.letterTransitDays : 0;
      c.notices[kind] = isoUtc(Date.parse(report.at) + transit * 86_400_000);
      c.noticeBasis = { ...c.noticeBasis, [kind]: letter ? 'DISPATCHED' : 'DELIVERED' };
    }
    return c;
  }

  return async function deliveryCore(reports: readonly DeliveryReport[]): Promise<DeliveryResult> {
    const result: DeliveryResult = { recorded: 0, ignored: 0 };
    for (const report of reports) {
      const m = await deps.cases.messageRef(report.ref);
      if (!m) {
        result.ignored += 1;
        continue;
      }
      if (await record(m, report)) result.recorded += 1;
      else result.ignored += 1;
      await settleNotice(m, report);
    }
    return result;
  };
}
