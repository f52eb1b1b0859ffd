import { ValidationError } from '../domain/errors.js';
import { ownWords } from '../domain/intents.js';

/**
 * What arrives on the inbound topic: a two-way SMS (AWS End User Messaging SMS's JSON:
 * originationNumber, messageBody, inboundMessageId) or an e-mail (an SES receipt rule's SNS action,
 * a "Received" notification whose `content` is the raw message, UTF-8). The provider's message id
 * makes a redelivered message the same conversation item.
 */
export type Inbound =
  | { channel: 'SMS'; input: { from: unknown; body: unknown; messageId: unknown } }
  | { channel: 'EMAIL'; input: { from: unknown; subject: unknown; body: unknown; messageId: unknown } };

interface SmsJson {
  originationNumber?: unknown;
  messageBody?: unknown;
  inboundMessageId?: unknown;
}
interface SesJson {
  notificationType?: unknown;
  mail?: { messageId?: unknown };
  content?: unknown;
}

export async function parseInbound(text: string, snsMessageId: string): Promise<Inbound> {
  let message: SmsJson & SesJson;
  try {
    message = JSON.parse(text) as typeof message;
  } catch {
    throw new ValidationError('inbound: the SNS message is not JSON');
  }
  if (message?.notificationType !== 'Received') {
    return {
      channel: 'SMS',
      input: {
        from: message?.originationNumber,
        body: message?.messageBody,
        messageId: message?.inboundMessageId ?? snsMessageId,
      },
    };
  }
  if (typeof message.content !== 'string')
    throw new ValidationError('inbound e-mail: content (the SNS action must include the message)');
  // Loaded on the first e-mail, not at every cold start: most inbound messages are SMS.
  const { default: PostalMime } = await import('postal-mime');
  const mail = await PostalMime.parse(message.content);
  return {
    channel: 'EMAIL',
    input: {
      from: mail.from?.address?.toLowerCase(),
      subject: mail.subject ?? '',
      // The borrower's own words: the message we sent, quoted below them, is not theirs.
      body: ownWords(mail.text ?? ''),
      messageId: message.mail?.messageId ?? snsMessageId,
    },
  };
}
