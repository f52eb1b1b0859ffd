import { spawnSync } from 'node:child_process';
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
  it('run without LADDER_BUS: exits 2 with one line saying what to set, no stack trace', () => {
    const { LADDER_BUS: _bus, ...env } = process.env;
    const run = spawnSync('node', ['--import', 'tsx', 'examples/publish-event.ts'], {
      encoding: 'utf8',
      env,
    });
    const lines = run.stderr.split('\n').filter((l) => l.startsWith('publish-event:') || /^\s+at /.test(l));
    expect(run.status).toBe(2);
    expect(lines).toEqual([
      expect.stringMatching(/^publish-event: set LADDER_BUS to the EventBusName output/),
    ]);
  });
});
