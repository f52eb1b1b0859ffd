/**
 * How an upstream loan system publishes to Ladder, with the AWS SDK for JavaScript v3.
 *
 *   LADDER_BUS=<the stack's EventBusName output> npx tsx examples/publish-event.ts
 *
 * Validate before sending with the same zod schemas (or schemas/*.schema.json from another language):
 * an event that fails validation in the intake function lands in the dead-letter queue instead.
 */
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { EVENT_SCHEMAS, type EventType } from '../functions/domain/events.js';

export async function publish(
  client: EventBridgeClient,
  busName: string,
  detailType: EventType,
  detail: unknown,
) {
  const checked = EVENT_SCHEMAS[detailType]().parse(detail);
  const out = await client.send(
    new PutEventsCommand({
      Entries: [
        {
          EventBusName: busName,
          Source: 'acme.loans',
          DetailType: detailType,
          Detail: JSON.stringify(checked),
        },
      ],
    }),
  );
  if ((out.FailedEntryCount ?? 0) > 0)
    throw new Error(`EventBridge rejected the event: ${out.Entries?.[0]?.ErrorCode}`);
  return out.Entries?.[0]?.EventId;
}

/** Run as a script: one line on stderr and exit 2 when the configuration is missing, 1 when the send fails. */
async function main(): Promise<void> {
  const bus = process.env.LADDER_BUS;
  if (!bus) {
    console.error(
      'publish-event: set LADDER_BUS to the EventBusName output of your deployed stack (LADDER_BUS=... npx tsx examples/publish-event.ts)',
    );
    process.exit(2);
  }
  try {
    const id = await publish(new EventBridgeClient({}), bus, 'LoanDelinquent', {
      loanId: 'LN-2026-000123',
      cycle: 1,
      amountDue: '1200.00',
      currency: 'CNY',
      dueDate: new Date(Date.now() + 5 * 86_400_000).toISOString().slice(0, 10),
      borrower: {
        borrowerId: 'BR-88231',
        name: 'Wang Fang',
        phone: '+8613800138000',
        email: 'wang.fang@example.com',
        timeZone: 'Asia/Shanghai',
        locale: 'zh-CN',
        preferredChannel: 'SMS',
      },
    });
    console.log(`published LoanDelinquent ${id}`);
  } catch (error) {
    // No credentials, no region, no such bus: the SDK's own words, on one line.
    const e = error as Error;
    console.error(`publish-event: ${e.name}: ${e.message.split('\n')[0]}`);
    process.exit(1);
  }
}

if (process.argv[1]?.endsWith('publish-event.ts')) await main();
