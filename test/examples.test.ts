import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { publish } from '../examples/publish-event.js';
import { loanDelinquent } from './functions/fixtures.js';

const events = mockClient(EventBridgeClient);
afterEach(() => events.reset());

describe('examples/publish-event.ts', () => {
  it('puts a validated LoanDelinquent on the bus with its detail-type', async () => {
    events.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e-1' }] });
    const id = await publish(
      new EventBridgeClient({ region: 'us-east-1' }),
      'ladder-bus',
      'LoanDelinquent',
      loanDelinquent,
    );
    expect(id).toBe('e-1');
    expect(events).toHaveReceivedCommandWith(PutEventsCommand, {
      Entries: [expect.objectContaining({ EventBusName: 'ladder-bus', DetailType: 'LoanDelinquent' })],
    });
  });
  it('refuses an invalid event before sending it', async () => {
    await expect(
      publish(new EventBridgeClient({ region: 'us-east-1' }), 'ladder-bus', 'PaymentReceived', {
        loanId: 'L-1',
      }),
    ).rejects.toThrow();
    expect(events.calls()).toHaveLength(0);
  });
});
