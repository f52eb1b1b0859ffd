/**
 * What a borrower's reply means for consent. Every SMS and e-mail under the US pack tells the borrower
 * how to opt out ("Reply STOP", "回复TD退订", "reply UNSUBSCRIBE"), so the replies must be understood.
 *
 * SMS: the TCPA keywords (FCC 2024 revocation rule: stop, quit, end, revoke, opt out, cancel,
 * unsubscribe), plus STOPALL as carriers use it, and 退订 / TD as Chinese senders print them.
 * A reply counts when it is the keyword alone, ignoring case, width (full-width ＳＴＯＰ), spaces and
 * punctuation around it. A longer message that merely contains a keyword ("I can't pay until the end
 * of the month") is not an opt-out: the FCC rule lets a sender ask once for clarification there, and
 * a false opt-out would silence a borrower who is talking to us. That follow-up is a human's job.
 *
 * E-mail: UNSUBSCRIBE or 退订 (or any SMS keyword) alone in the subject or the first line of the body.
 */
export type OptOutReply = { optOut: true; keyword: string } | { optOut: false };

export const SMS_OPT_OUT_KEYWORDS: readonly string[] = [
  'stop',
  'stopall',
  'quit',
  'end',
  'revoke',
  'optout',
  'cancel',
  'unsubscribe',
  '退订',
  'td',
];

export const EMAIL_OPT_OUT_KEYWORDS: readonly string[] = ['unsubscribe', '退订', ...SMS_OPT_OUT_KEYWORDS];

/**
 * The keywords that undo an SMS opt-out (CTIA's START and UNSTOP, which carriers and AWS End User
 * Messaging also honour), alone as above. "Yes" is not one: it answers too many other questions.
 */
export const SMS_OPT_IN_KEYWORDS: readonly string[] = ['start', 'unstop'];

/**
 * NFKC folds full-width letters (ＴＤ) to ASCII; then case, spaces, hyphens and punctuation go, so
 * "Opt-Out!", "opt out" and "OPTOUT" are one keyword. Letters and CJK characters are kept.
 */
export function normaliseReply(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '');
}

function match(text: string, keywords: readonly string[]): OptOutReply {
  const word = normaliseReply(text);
  return keywords.includes(word) ? { optOut: true, keyword: word } : { optOut: false };
}

/** The keyword an SMS reply is, alone (normalised), or undefined. */
function smsKeyword(body: string, keywords: readonly string[]): string | undefined {
  // Longer than any keyword with its decoration: not a bare keyword (and not worth normalising).
  if (body.length > 40) return undefined;
  const word = normaliseReply(body);
  return keywords.includes(word) ? word : undefined;
}

/** An inbound SMS body: an opt-out of SMS when it is a keyword alone. */
export function smsOptOut(body: string): OptOutReply {
  const keyword = smsKeyword(body, SMS_OPT_OUT_KEYWORDS);
  return keyword ? { optOut: true, keyword } : { optOut: false };
}

/** An inbound SMS body: a new consent to SMS when it is START or UNSTOP alone. */
export function smsOptIn(body: string): { optIn: true; keyword: string } | { optIn: false } {
  const keyword = smsKeyword(body, SMS_OPT_IN_KEYWORDS);
  return keyword ? { optIn: true, keyword } : { optIn: false };
}

/** An inbound e-mail: an opt-out of e-mail when the subject or the body's first line is a keyword alone. */
export function emailOptOut(subject: string, body = ''): OptOutReply {
  const bySubject = match(
    subject.replace(/^\s*((re|aw|回复|答复)\s*[:：]\s*)+/i, '').slice(0, 80),
    EMAIL_OPT_OUT_KEYWORDS,
  );
  if (bySubject.optOut) return bySubject;
  const firstLine = body.split(/\r?\n/).find((line) => line.trim() !== '') ?? '';
  return firstLine.length > 80 ? { optOut: false } : match(firstLine, EMAIL_OPT_OUT_KEYWORDS);
}
