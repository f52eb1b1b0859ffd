import { type SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import { isThrottleOrOutage } from './aws-errors.js';

/**
 * SMS by SNS and e-mail by SES. A send either returns the provider's message id or a failure that
 * says whether it is worth retrying (throttling, outage) or not (bad number, rejected address): the
 * stage executor records either as an attempt and may fall back to another channel.
 */
export type SendResult = { ok: true; messageId: string } | { ok: false; retryable: boolean; error: string };

export interface Messaging {
  sms(phone: string, body: string, loanRef: string): Promise<SendResult>;
  email(to: string, subject: string, body: string, loanRef: string): Promise<SendResult>;
}

const failure = (error: unknown): SendResult => ({
  ok: false,
  retryable: isThrottleOrOutage(error),
  error: (error as { name?: string })?.name ?? 'Error',
});

export class AwsMessaging implements Messaging {
  constructor(
    private readonly sns: SNSClient,
    private readonly ses: SESv2Client,
    private readonly from: string,
    private readonly configurationSet?: string,
  ) {}

  async sms(phone: string, body: string, loanRef: string): Promise<SendResult> {
    try {
      const out = await this.sns.send(
        new PublishCommand({
          PhoneNumber: phone,
          Message: body,
          MessageAttributes: {
            'AWS.SNS.SMS.SMSType': { DataType: 'String', StringValue: 'Transactional' },
            'ladder.loanRef': { DataType: 'String', StringValue: loanRef },
          },
        }),
      );
      return { ok: true, messageId: out.MessageId ?? 'unknown' };
    } catch (error) {
      return failure(error);
    }
  }

  async email(to: string, subject: string, body: string, loanRef: string): Promise<SendResult> {
    try {
      const out = await this.ses.send(
        new SendEmailCommand({
          FromEmailAddress: this.from,
          Destination: { ToAddresses: [to] },
          Content: {
            Simple: {
              Subject: { Data: subject, Charset: 'UTF-8' },
              Body: { Text: { Data: body, Charset: 'UTF-8' } },
            },
          },
          EmailTags: [{ Name: 'loanRef', Value: loanRef.replace(/[^A-Za-z0-9_-]/g, '_') }],
          ...(this.configurationSet ? { ConfigurationSetName: this.configurationSet } : {}),
        }),
      );
      return { ok: true, messageId: out.MessageId ?? 'unknown' };
    } catch (error) {
      return failure(error);
    }
  }
}
