import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ConversationEntry } from '../../functions/adapters/conversation-store.js';
import { caseKey } from '../../functions/domain/case.js';
import type { EvidencePack } from '../../functions/domain/evidence.js';
import { conversationLedgerId, deliveryLedgerId, type LedgerRecord } from '../../functions/domain/ledger.js';
import { parseScenario } from '../../local/scenario.js';
import { simulate } from '../../local/simulate.js';
import { scenarioLoan } from '../borrower.js';

/**
 * An agent's notes on a call and a visitor's report, through the real local runtime: the D+7 call is
 * answered (refused) with notes, the D+30 visit is reported, the loan never pays and goes to legal.
 * The words are kept in the conversations table (under the contact key), the outcome's record names
 * them by id and SHA-256, and the evidence pack legal receives has them in full. Nothing else does:
 * no ledger record, no case, no task, no execution's input, output or history.
 */
const NOTE = '借款人称本月失业，配偶可代为联系；拒绝还款，语气激动。';
const loan = scenarioLoan('L-notes', 71, [{ type: 'refused', onAgentCall: 1, notes: NOTE }], {
  phonePrefix: '+86138007100',
  name: 'Zhao Lei',
});
const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

let chains: LedgerRecord[][] = [];
let pack: EvidencePack | undefined;
let packDocument = '';
const stored: ConversationEntry[] = [];
let elsewhere = '';

beforeAll(async () => {
  await simulate(parseScenario({ seed: 7, loans: [loan] }), {
    onFinish: async (l) => {
      const ids = [caseKey, deliveryLedgerId, conversationLedgerId].map((f) => f('L-notes', 1));
      chains = await Promise.all(ids.map((id) => l.stores.ledger().list(id)));
      const packed = l.evidencePacks.get('evidence/L-notes/1');
      pack = packed ? (JSON.parse(packed.json) as EvidencePack) : undefined;
      packDocument = packed?.document ?? '';
      const noteIds = chains[0]?.flatMap((r) => (r.detail?.noteId ? [String(r.detail.noteId)] : [])) ?? [];
      for (const id of noteIds) {
        const entry = await l.stores.conversations().get('B-L-notes', id);
        if (entry) stored.push(entry);
      }
      const view = await l.stores.cases().borrowerView('B-L-notes');
      const tasks = await Promise.all(
        (chains[0] ?? [])
          .flatMap((r) => r.attempts.map((a) => a.providerRef ?? ''))
          .filter((ref) => ref.includes('#D+'))
          .map((taskId) => l.stores.tasks().get(taskId)),
      );
      const executions = [...l.executions.values()].map((e) => ({
        input: e.input,
        output: e.output,
        history: e.history,
      }));
      elsewhere = JSON.stringify({ view, tasks, executions });
    },
  });
});

describe("an agent's notes and a visit's report", () => {
  it("the call's record names the notes by id and SHA-256; the visit's names its report", () => {
    const call = chains[0]?.find((r) => r.stage === 'D+7');
    expect(call?.attempts[0]).toMatchObject({ channel: 'CALL', status: 'SENT', outcome: 'REFUSED' });
    expect(call?.detail).toMatchObject({ noteSha256: sha256(NOTE) });
    const visit = chains[0]?.findLast((r) => r.stage === 'D+30');
    expect(visit?.detail).toMatchObject({ noteSha256: sha256('visited') });
  });

  it('the words are stored once each, under the ids the ledger names', () => {
    expect(stored.map((e) => [e.channel, e.text])).toEqual([
      ['CALL', NOTE],
      ['VISIT', 'visited'],
    ]);
  });

  it('the evidence pack has them in full, checked against the ledger', () => {
    expect(pack?.notes.map((n) => [n.stage, n.channel, n.text, n.matches])).toEqual([
      ['D+7', 'CALL', NOTE, true],
      ['D+30', 'VISIT', 'visited', true],
    ]);
    expect(packDocument).toContain(`> ${NOTE}`);
  });

  it('no ledger record, case, task or execution holds the words', () => {
    expect(chains.flat().length).toBeGreaterThan(5);
    expect(JSON.stringify(chains)).not.toContain(NOTE);
    expect(elsewhere.length).toBeGreaterThan(1000);
    expect(elsewhere).not.toContain(NOTE);
    expect(elsewhere).not.toContain('"visited"');
  });
});
