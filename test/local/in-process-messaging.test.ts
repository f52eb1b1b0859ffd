import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inProcessMessagingClients } from '../../local/services/in-process-messaging.js';
import { type LocalServices, startLocalServices } from '../../local/services/index.js';
import type { FailurePlan } from '../../local/services/sms-sink.js';

/**
 * Simulations send SMS and e-mail through the in-process request handlers in both modes
 * (local/simulate.ts); `ladder serve` and the sinks' own tests go over HTTP. Each case here sends the
 * same request both ways, with the same fault injected before each, and expects the same outcome
 * from the SDK (the error's name and HTTP status, or what the sink kept), the HTTP path being the
 * oracle.
 */
const local = {
  region: 'local',
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  maxAttempts: 1,
};

const publish = () =>
  new PublishCommand({
    PhoneNumber: '+15550100001',
    Message: 'Your payment is 3 days late.',
    MessageAttributes: { 'AWS.SNS.SMS.SMSType': { DataType: 'String', StringValue: 'Transactional' } },
  });

const email = () =>
  new SendEmailCommand({
    FromEmailAddress: 'collections@lender.example',
    Destination: { ToAddresses: ['borrower@example.com'] },
    Content: { Simple: { Subject: { Data: 'Reminder' }, Body: { Text: { Data: 'Your payment is late.' } } } },
  });

/** What a send came to: the error's name and status, or accepted (the message id's presence). */
async function outcome(send: () => Promise<{ MessageId?: string }>) {
  try {
    const out = await send();
    return { accepted: typeof out.MessageId === 'string' && out.MessageId.length > 0 };
  } catch (error) {
    const e = error as { name: string; $metadata?: { httpStatusCode?: number } };
    return { error: e.name, status: e.$metadata?.httpStatusCode };
  }
}

const PLANS: Array<[string, FailurePlan]> = [
  ['accepted', {}],
  ['throttled (Throttling)', { throttleNext: 1 }],
  ['throttled (ThrottledException)', { throttleNext: 1, throttleAs: 'Throttled' }],
  ['failed', { failNext: 1 }],
];

describe('SNS and SES in process', () => {
  let services: LocalServices;
  let sns: { http: SNSClient; direct: SNSClient };
  let ses: { http: SESv2Client; direct: SESv2Client };

  beforeAll(async () => {
    services = await startLocalServices({ quiet: true });
    const direct = inProcessMessagingClients(services, local);
    sns = { http: new SNSClient({ ...local, endpoint: services.endpoints.sns }), direct: direct.sns };
    ses = { http: new SESv2Client({ ...local, endpoint: services.endpoints.sesv2 }), direct: direct.ses };
  });
  afterAll(async () => {
    for (const c of [sns.http, sns.direct, ses.http, ses.direct]) c.destroy();
    await services?.close();
  });

  it('signs over HTTP only: nothing in process checks a signature', () => {
    const signs = (client: SNSClient | SESv2Client) =>
      client.middlewareStack.identify().some((m) => m.startsWith('httpSigningMiddleware'));
    expect([signs(sns.http), signs(ses.http)]).toEqual([true, true]);
    expect([signs(sns.direct), signs(ses.direct)]).toEqual([false, false]);
  });

  it.each(PLANS)('an SMS %s: the same outcome, and the same entry in the outbox', async (_, plan) => {
    const results = [];
    for (const client of [sns.http, sns.direct]) {
      services.sms.clear();
      services.sms.injectFaults(plan);
      results.push({ ...(await outcome(() => client.send(publish()))), outbox: services.sms.outbox() });
    }
    const [http, direct] = results.map((r) => ({
      ...r,
      outbox: r.outbox.map(({ messageId: _, receivedAt: __, ...kept }) => kept),
    }));
    expect(direct).toEqual(http);
    expect(http?.outbox).toHaveLength(plan.throttleNext || plan.failNext ? 0 : 1);
  });

  it.each(PLANS.filter(([, p]) => !p.throttleAs))(
    'an e-mail %s: the same outcome, and the same message kept',
    async (_, plan) => {
      const results = [];
      for (const client of [ses.http, ses.direct]) {
        const before = (await services.email.messages()).length;
        services.email.injectFaults(plan);
        const result = await outcome(() => client.send(email()));
        const kept = (await services.email.messages()).slice(before);
        results.push({
          ...result,
          kept: kept.map((m) => ({
            from: m.from,
            to: m.destination.to,
            subject: m.subject,
            text: m.body.text,
          })),
        });
      }
      expect(results[1]).toEqual(results[0]);
      expect(results[0]?.kept).toHaveLength(plan.throttleNext || plan.failNext ? 0 : 1);
    },
  );
});
