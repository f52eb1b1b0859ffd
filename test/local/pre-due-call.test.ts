import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { HumanTask } from '../../functions/adapters/task-store.js';
import { humanTaskId } from '../../functions/domain/calls.js';
import { caseKey } from '../../functions/domain/case.js';
import type { LedgerRecord } from '../../functions/domain/ledger.js';
import { parseScenario } from '../../local/scenario.js';
import { simulate } from '../../local/simulate.js';

/**
 * A pre-due reminder as an agent call (samples/pre-due-call.json: the default ladder with its D-3
 * reminder made an AGENT_CALL), through the real local runtime. The call passes the gates every call
 * passes: the Shanghai borrower's task opens at 09:00 on D-3 with the pre-due script and she promises
 * to pay on the due date; the New York borrower opted out of calls, so his is blocked; a loan that came
 * in after its due date has its pre-due call skipped and recorded, as a pre-due notice would be.
 */
const scenario = JSON.parse(
  readFileSync(new URL('../../samples/pre-due-call.json', import.meta.url), 'utf8'),
);

const ledgers = new Map<string, LedgerRecord[]>();
let shanghaiTask: HumanTask | undefined;

beforeAll(async () => {
  const result = await simulate(parseScenario(scenario), {
    onFinish: async (l) => {
      const first = (await l.stores.ledger().list(caseKey('L-500', 1)))[0];
      shanghaiTask = await l.stores
        .tasks()
        .get(humanTaskId(caseKey('L-500', 1), 'D-3', (first?.seq ?? 1) - 1));
    },
  });
  for (const [id, records] of result.ledgers) ledgers.set(id, records);
});

const d3 = (loanId: string) => ledgers.get(loanId)?.find((r) => r.stage === 'D-3');

describe('a pre-due reminder as an agent call', () => {
  it('opens at the stage time on D-3 with the pre-due script, and the promise made on it is taken', () => {
    expect(shanghaiTask).toMatchObject({
      queue: 'agent-calls',
      stage: 'D-3',
      openedAt: '2026-12-07T01:00:00.000Z', // 09:00 in Shanghai
      script:
        '核实身份后告知：借款¥900.00将于2026年12月10日到期。询问是否已准备好还款；如有困难，告知还款链接或协商还款方案。',
    });
    expect(d3('L-500')).toMatchObject({
      type: 'CONTACT',
      attempts: [{ channel: 'CALL', status: 'SENT', outcome: 'PROMISE_TO_PAY' }],
      detail: { promise: 'MADE', amount: '900.00', date: '2026-12-10' },
    });
  });

  it('a borrower who opted out of calls is not called', () => {
    expect(d3('L-510')?.attempts).toEqual([{ channel: 'CALL', status: 'BLOCKED', reason: 'OPTED_OUT_CALL' }]);
  });

  it('a loan that came in after its due date has its pre-due call skipped, and recorded', () => {
    expect(d3('L-520')).toMatchObject({
      type: 'SKIP',
      attempts: [{ channel: 'CALL', status: 'SKIPPED', reason: 'SKIPPED_LATE' }],
    });
  });
});
