import type { LedgerRecord } from '../domain/ledger.js';
import { groupCalls, indexCalls } from './caps.js';
import { findDuplicates } from './duplicates.js';
import type { ComplianceInput, ComplianceOptions, Portfolio } from './types.js';

/** Each loan cycle's records in seq order. */
function chainsOf(records: readonly LedgerRecord[]): Map<string, LedgerRecord[]> {
  const chains = new Map<string, LedgerRecord[]>();
  for (const record of records) {
    const chain = chains.get(record.ledgerId);
    if (chain) chain.push(record);
    else chains.set(record.ledgerId, [record]);
  }
  for (const chain of chains.values()) chain.sort((a, b) => a.seq - b.seq);
  return chains;
}

/**
 * Indexes what was stored once, for every rule: cases by loan cycle, profiles by borrower, chains,
 * every SENT call grouped as each cap counts it, and the repeated messages. `ordered` is every record
 * in time order (order.ts).
 */
export function buildPortfolio(
  input: ComplianceInput,
  ordered: readonly LedgerRecord[],
  options: ComplianceOptions,
): Portfolio {
  // The ledger id of a case's records: `<loanId>#<cycle>` (ledger.ts).
  const caseOf = new Map(input.cases.map((c) => [`${c.loanId}#${c.cycle}`, c]));
  const profileOf = new Map(input.profiles.map((p) => [p.borrowerId, p]));
  const calls = indexCalls(ordered, caseOf, profileOf);
  return {
    caseOf,
    profileOf,
    chains: chainsOf(input.records),
    calls,
    callsByLine: groupCalls(calls.values(), (c) => c.line),
    callsByBorrower: groupCalls(calls.values(), (c) => c.borrowerId),
    callsByLoan: groupCalls(calls.values(), (c) => c.loanId),
    duplicates: findDuplicates(ordered),
    options,
  };
}
