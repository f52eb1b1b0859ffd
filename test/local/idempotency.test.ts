import { afterEach, describe, expect, it } from 'vitest';
import { inLane } from '../../local/clock.js';
import { createLocalLadder, type LocalLadder } from '../../local/runtime.js';
import { loanDelinquent as delinquent } from '../borrower.js';

/**
 * Duplicate deliveries against the real store (dynalite's conditional writes): EventBridge delivers
 * at least once, and an upstream system may publish the same event twice.
 */
const START = Date.parse('2026-12-06T00:00:00Z');
const payment = {
  paymentId: 'P-1',
  loanId: 'L-1',
  amount: '500.00',
  currency: 'CNY',
  // Before the run starts: a payment dated ahead of the receiver's clock is refused.
  paidAt: '2026-12-06T07:00:00+08:00',
};

const RETRYABLE = new Set(['ConcurrentUpdateError', 'TransientError']);

/**
 * Delivers an event as EventBridge and Lambda's asynchronous invocation do: a delivery whose handler
 * fails with a retryable error is delivered again (Lambda retries an async event twice).
 */
async function deliver(
  l: LocalLadder,
  type: string,
  detail: unknown,
): Promise<{ result: unknown; tries: number }> {
  for (let tries = 1; ; tries++) {
    try {
      return { result: await l.send(type, detail, 'B-1'), tries };
    } catch (error) {
      if (tries === 3 || !RETRYABLE.has((error as Error).name)) throw error;
    }
  }
}

let ladder: LocalLadder | undefined;
afterEach(async () => {
  await ladder?.close();
  ladder = undefined;
});

describe('duplicate deliveries', () => {
  it('100 identical LoanDelinquent events at once start one execution and store one case', async () => {
    ladder = await createLocalLadder({ start: START });
    const l = ladder;

    const outcomes = await inLane('B-1', () =>
      Promise.allSettled(Array.from({ length: 100 }, () => deliver(l, 'LoanDelinquent', delinquent))),
    );

    expect(outcomes.filter((o) => o.status === 'rejected')).toEqual([]);
    const delivered = outcomes.map(
      (o) =>
        (o as PromiseFulfilledResult<{ result: { started: boolean; newCase: boolean }; tries: number }>)
          .value,
    );
    const results = delivered.map((d) => d.result);
    expect(results.filter((r) => r.started)).toHaveLength(1);
    expect(results.filter((r) => r.newCase)).toHaveLength(1);
    expect([...l.executions.keys()]).toEqual(['L-1-c1']);
    const view = await l.stores.cases().borrowerView('B-1');
    expect(view.cases.map((c) => c.item.loanId)).toEqual(['L-1']);
    expect(view.profile?.item.borrowerId).toBe('B-1');
  });

  it('a payment delivered twice at once is counted once: one write wins, the other conflicts and its retry sees a duplicate', async () => {
    ladder = await createLocalLadder({ start: START });
    const l = ladder;
    await inLane('B-1', () => deliver(l, 'LoanDelinquent', delinquent));

    const first = await inLane('B-1', () =>
      Promise.allSettled([
        l.send('PaymentReceived', payment, 'B-1'),
        l.send('PaymentReceived', payment, 'B-1'),
      ]),
    );
    // Both read the case before either wrote it; the conditional write lets one through.
    expect(first.map((o) => o.status).sort()).toEqual(['fulfilled', 'rejected']);
    const conflict = first.find((o) => o.status === 'rejected') as PromiseRejectedResult;
    expect(conflict.reason).toMatchObject({ name: 'ConcurrentUpdateError' });
    expect(first.find((o) => o.status === 'fulfilled')).toMatchObject({ value: { applied: true } });

    const retried = await inLane('B-1', () => l.send('PaymentReceived', payment, 'B-1'));
    expect(retried).toEqual({ applied: false, note: 'DUPLICATE_PAYMENT' });

    const kase = (await l.stores.cases().borrowerView('B-1')).cases[0]?.item;
    expect(kase?.paidMinor).toBe(50000);
    expect(kase?.payments.map((p) => p.paymentId)).toEqual(['P-1']);
  });
});
