import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { consumersConfig, LadderWithConsumers } from '../../examples/consumers.js';
import {
  configFrom,
  onLetterRequested,
  type PrintVendorDeps,
  reportDispatch,
} from '../../examples/print-vendor.js';
import { PROJECT_ROOT } from '../../lib/ladder.js';

/** The example consumers of docs/events.md: the print vendor's adapter and the CDK wiring. */
const letterEvent = (detail: Record<string, unknown>) =>
  JSON.stringify({ source: 'ladder', 'detail-type': 'LetterRequested', detail });
const letter = {
  schemaVersion: 1,
  loanId: 'LN-2026-000123',
  cycle: 1,
  borrowerId: 'BR-88231',
  templateId: 'formal-warning',
  templateVersion: 1,
  locale: 'zh-CN',
  idempotencyKey: 'LN-2026-000123#1#5#LETTER',
};
const address = { name: 'Wang Fang', lines: ['1 Example Road'], country: 'CN' };

describe('examples/print-vendor.ts', () => {
  const events = mockClient(EventBridgeClient);
  afterEach(() => events.reset());

  it('names every missing variable in one line', () => {
    expect(() => configFrom({})).toThrow(
      'print-vendor: set PRINT_VENDOR_URL, CUSTOMER_API_URL, LADDER_BUS, LETTER_SOURCE (see the top of examples/print-vendor.ts)',
    );
    expect(() =>
      configFrom({ PRINT_VENDOR_URL: 'https://p', CUSTOMER_API_URL: 'https://c', LADDER_BUS: 'b' }),
    ).toThrow(/^print-vendor: set LETTER_SOURCE \(/);
  });

  it('run without configuration, exits 1 with that one line on stderr', () => {
    const env = { PATH: process.env.PATH ?? '' };
    let failure: { status?: number; stderr?: Buffer } = {};
    try {
      execFileSync(path.join(PROJECT_ROOT, 'node_modules/.bin/tsx'), ['examples/print-vendor.ts'], {
        cwd: PROJECT_ROOT,
        env,
        stdio: 'pipe',
      });
    } catch (error) {
      failure = error as typeof failure;
    }
    expect(failure.status).toBe(1);
    expect(failure.stderr?.toString().trim().split('\n')).toEqual([
      'print-vendor: set PRINT_VENDOR_URL, CUSTOMER_API_URL, LADDER_BUS, LETTER_SOURCE (see the top of examples/print-vendor.ts)',
    ]);
  });

  it('orders a LetterRequested under its idempotency key, with the address from the customer system', async () => {
    const deps: PrintVendorDeps = {
      address: vi.fn(async () => address),
      order: vi.fn(async () => undefined),
    };
    expect(await onLetterRequested(letterEvent(letter), deps)).toBe(letter.idempotencyKey);
    expect(deps.address).toHaveBeenCalledWith('BR-88231');
    expect(deps.order).toHaveBeenCalledWith({
      orderId: letter.idempotencyKey,
      templateId: 'formal-warning',
      templateVersion: 1,
      locale: 'zh-CN',
      reference: 'LN-2026-000123/1',
      address,
    });
  });

  it('refuses what is not a valid LetterRequested from Ladder, naming the field', async () => {
    const deps: PrintVendorDeps = {
      address: vi.fn(async () => address),
      order: vi.fn(async () => undefined),
    };
    const { idempotencyKey: _k, ...keyless } = letter;
    await expect(onLetterRequested(letterEvent(keyless), deps)).rejects.toThrow(
      /^print-vendor: LetterRequested v1: idempotencyKey: /,
    );
    const spoofed = JSON.stringify({
      source: 'lender.loans',
      'detail-type': 'LetterRequested',
      detail: letter,
    });
    await expect(onLetterRequested(spoofed, deps)).rejects.toThrow(/not a LetterRequested from Ladder/);
    expect(deps.order).not.toHaveBeenCalled();
  });

  it('reports the dispatch as LetterDispatched keyed by the letter, with its own source', async () => {
    events.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e-1' }] });
    const config = { busName: 'ladder-bus', source: 'lender.print' };
    await reportDispatch(new EventBridgeClient({ region: 'us-east-1' }), config, {
      orderId: letter.idempotencyKey,
      postedAt: '2027-01-05T10:00:00+08:00',
    });
    const entry = events.commandCalls(PutEventsCommand)[0]?.args[0].input.Entries?.[0];
    expect(entry).toMatchObject({
      EventBusName: 'ladder-bus',
      Source: 'lender.print',
      DetailType: 'LetterDispatched',
    });
    expect(JSON.parse(entry?.Detail ?? '{}')).toEqual({
      letterKey: letter.idempotencyKey,
      dispatchedAt: '2027-01-05T10:00:00+08:00',
    });
  });
});

describe('examples/consumers.ts', () => {
  it('names every missing context key in one line', () => {
    expect(() => consumersConfig(() => undefined)).toThrow(
      'consumers: set -c agencyBusArn=... -c printVendorUrl=... -c customerApiUrl=... (see examples/consumers.ts)',
    );
  });

  it('routes letters to the print queue and agency events to the agency bus; legal, the bureau, account updates and the blacklist stay unconsumed', () => {
    const context = (
      JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'cdk.json'), 'utf8')) as {
        context: Record<string, unknown>;
      }
    ).context;
    const app = new App({ context: { ...context, 'aws:cdk:bundling-stacks': [] } });
    const config = consumersConfig(
      (k) =>
        ({
          agencyBusArn: 'arn:aws:events:us-east-1:210987654321:event-bus/agency',
          printVendorUrl: 'https://print.example.com/orders',
          customerApiUrl: 'https://crm.example.com/customers',
        })[k],
    );
    const stack = new LadderWithConsumers(app, 'WithConsumers', config);
    const rules = Template.fromStack(stack).findResources('AWS::Events::Rule', {
      Properties: { EventPattern: { source: ['ladder'] } },
    });
    const targetsOf = (type: string) =>
      JSON.stringify(
        Object.values(rules).find((r) => r.Properties.EventPattern['detail-type'].join() === type)?.Properties
          .Targets,
      );
    expect(targetsOf('LetterRequested')).toContain('PrintQueue');
    expect(targetsOf('AgencyPlacementRequested')).toContain('event-bus/agency');
    expect(targetsOf('AgencyRecallRequested')).toContain('event-bus/agency');
    expect(stack.ladder.outbound.unconsumedTypes).toEqual([
      'LegalHandoffRequested',
      'CreditBureauReportRequested',
      'CreditBureauCorrectionRequested',
      'AccountUpdateRequested',
      'BlacklistReportRequested',
      'BlacklistRemovalRequested',
    ]);
  });
});
