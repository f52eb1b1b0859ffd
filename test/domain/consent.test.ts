import { describe, expect, it } from 'vitest';
import type { BorrowerProfile } from '../../functions/domain/case.js';
import {
  EMAIL_OPT_OUT_KEYWORDS,
  emailOptOut,
  normaliseReply,
  SMS_OPT_IN_KEYWORDS,
  SMS_OPT_OUT_KEYWORDS,
  smsOptIn,
  smsOptOut,
} from '../../functions/domain/consent.js';
import { decideContacts } from '../../functions/domain/decide.js';
import { RULE_PACKS } from '../../functions/domain/rulepacks.js';
import { profile as borrower } from './fixtures.js';

/**
 * Survivors judged equivalent (consent.ts): `/[^\p{L}\p{N}]+/gu` without `+` (a global replace of each
 * character removes the same runs); emailOptOut's default body '' and the first-line fallback '' mutated
 * to another text that is no keyword. Survivor kept on purpose: the subject's `.slice(0, 80)` removed;
 * it matters only for a subject whose first 80 characters are a keyword and punctuation, and a test
 * would pin the reading that text after the 80th character is ignored (reported as a question).
 */

describe('inbound SMS opt-out keywords', () => {
  it.each([
    'STOP',
    'stop',
    ' Stop. ',
    'QUIT',
    'End',
    'revoke',
    'OPT OUT',
    'opt-out',
    'OptOut!',
    'cancel',
    'UNSUBSCRIBE',
    'STOPALL',
    '退订',
    ' 退订。',
    'TD',
    'td',
    'ＴＤ',
    'ＳＴＯＰ',
  ])('"%s" opts out of SMS', (body) => {
    expect(smsOptOut(body).optOut).toBe(true);
  });

  it.each([
    '',
    'STOPP',
    'I will pay at the end of the month',
    'please stop',
    'stop calling me at work, I will pay on Friday',
    'yes',
    '我明天还款',
    'T D X',
    'x'.repeat(200),
  ])('"%s" is not an opt-out (only a keyword alone is)', (body) => {
    expect(smsOptOut(body).optOut).toBe(false);
  });

  it('names the keyword it matched, normalised', () => {
    expect(smsOptOut('Opt-Out')).toEqual({ optOut: true, keyword: 'optout' });
    expect(smsOptOut('ＴＤ')).toEqual({ optOut: true, keyword: 'td' });
  });
});

describe('inbound SMS opt-in keywords', () => {
  it.each(['START', 'start', ' Start! ', 'UNSTOP', 'un-stop', 'ＳＴＡＲＴ'])(
    '"%s" opts back in to SMS',
    (body) => {
      expect(smsOptIn(body).optIn).toBe(true);
      expect(smsOptOut(body).optOut).toBe(false);
    },
  );

  it.each(['yes', 'restart', 'start paying next week', 'STOP', 'please start', ''])(
    '"%s" is not an opt-in',
    (body) => {
      expect(smsOptIn(body).optIn).toBe(false);
    },
  );

  it('no keyword both opts out and opts in', () => {
    expect(SMS_OPT_IN_KEYWORDS.filter((k) => SMS_OPT_OUT_KEYWORDS.includes(k))).toEqual([]);
    expect(smsOptIn('Un-Stop')).toEqual({ optIn: true, keyword: 'unstop' });
  });
});

describe('inbound e-mail unsubscribe', () => {
  it('UNSUBSCRIBE or 退订 alone in the subject, after Re:, opts out of e-mail', () => {
    expect(emailOptOut('UNSUBSCRIBE').optOut).toBe(true);
    expect(emailOptOut('Re: unsubscribe').optOut).toBe(true);
    expect(emailOptOut('回复：退订').optOut).toBe(true);
  });
  it('or alone on the first non-empty line of the body', () => {
    expect(emailOptOut('Re: Your payment is late', '\n  Unsubscribe \n\n> quoted notice').optOut).toBe(true);
    expect(emailOptOut('Re: Your payment is late', '退订\n').optOut).toBe(true);
  });
  it('a reply that talks about the debt is not an opt-out', () => {
    expect(emailOptOut('Re: Your payment is late', 'I will pay on Friday.\nUNSUBSCRIBE').optOut).toBe(false);
    expect(emailOptOut('How do I unsubscribe from paper letters?').optOut).toBe(false);
  });
});

const profile = (contactPoints: BorrowerProfile['contactPoints']): BorrowerProfile =>
  borrower({ contactPoints });

describe('verified contact points', () => {
  const noon = Date.parse('2026-12-01T12:00:00+08:00');
  const decide = (p: BorrowerProfile, requireVerifiedContactPoints: boolean) =>
    decideContacts(RULE_PACKS.CN, ['SMS', 'EMAIL', 'CALL'], 'ALL', p, 'L', noon, {
      requireVerifiedContactPoints,
    }).map((d) => [d.channel, d.status, d.reason]);

  it('with the policy flag on, an unverified phone blocks SMS and calls, naming the rule; a verified e-mail is sent', () => {
    expect(decide(profile({ SMS: { verified: false }, EMAIL: { verified: true } }), true)).toEqual([
      ['SMS', 'BLOCKED', 'UNVERIFIED_CONTACT_POINT'],
      ['EMAIL', 'SEND', undefined],
      ['CALL', 'BLOCKED', 'UNVERIFIED_CONTACT_POINT'],
    ]);
  });
  it('with the flag off (the default), unverified points are contacted', () => {
    expect(decide(profile({ SMS: { verified: false }, EMAIL: { verified: false } }), false)).toEqual([
      ['SMS', 'SEND', undefined],
      ['EMAIL', 'SEND', undefined],
      ['CALL', 'SEND', undefined],
    ]);
  });
  it('an erased borrower has no contact points: SMS and e-mail are BLOCKED, never attempted', () => {
    expect(decide(profile({}), false).slice(0, 2)).toEqual([
      ['SMS', 'BLOCKED', 'NO_CONTACT_POINT'],
      ['EMAIL', 'BLOCKED', 'NO_CONTACT_POINT'],
    ]);
  });
});

describe('the keyword lists, as DOMAIN.md and the carriers name them', () => {
  it('SMS: the TCPA keywords, STOPALL, and the Chinese 退订 / TD', () => {
    expect(SMS_OPT_OUT_KEYWORDS).toEqual([
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
    ]);
    expect(SMS_OPT_IN_KEYWORDS).toEqual(['start', 'unstop']);
  });
  it('e-mail: UNSUBSCRIBE, 退订 and every SMS keyword', () => {
    expect(new Set(EMAIL_OPT_OUT_KEYWORDS)).toEqual(new Set(SMS_OPT_OUT_KEYWORDS));
    expect(EMAIL_OPT_OUT_KEYWORDS.slice(0, 2)).toEqual(['unsubscribe', '退订']);
  });
});

describe('normaliseReply', () => {
  it.each([
    ['Ｏｐｔ－Ｏｕｔ！', 'optout'],
    ['  S T O P  ', 'stop'],
    ['退订。', '退订'],
    ['Stop1', 'stop1'],
    ['Café ２', 'café2'],
    ['--', ''],
  ])('"%s" -> "%s" (width folded, case, spaces and punctuation gone, letters and digits kept)', (t, n) => {
    expect(normaliseReply(t)).toBe(n);
  });
});

describe('length limits: a keyword with its decoration, never a message that contains one', () => {
  it('SMS: 40 characters at most (a keyword padded to 40 counts, to 41 does not)', () => {
    expect(smsOptOut(`STOP${' '.repeat(36)}`)).toEqual({ optOut: true, keyword: 'stop' });
    expect(smsOptOut(`STOP${' '.repeat(37)}`)).toEqual({ optOut: false });
    expect(smsOptIn(`START${' '.repeat(35)}`)).toEqual({ optIn: true, keyword: 'start' });
    expect(smsOptIn(`START${' '.repeat(36)}`)).toEqual({ optIn: false });
  });
  it("e-mail: the body's first line counts up to 80 characters", () => {
    expect(emailOptOut('Re: late', `UNSUBSCRIBE${' '.repeat(69)}`).optOut).toBe(true);
    expect(emailOptOut('Re: late', `UNSUBSCRIBE${' '.repeat(70)}`).optOut).toBe(false);
  });
});

describe('e-mail subjects and bodies', () => {
  it.each([
    ['RE: Re: AW: unsubscribe', 'unsubscribe'],
    ['Re:unsubscribe', 'unsubscribe'],
    ['  Re: STOP', 'stop'],
    ['Re : STOP', 'stop'],
    ['答复： 退订', '退订'],
    ['Stop', 'stop'],
    ['ＴＤ', 'td'],
  ])('subject "%s" opts out with keyword "%s"', (subject, keyword) => {
    expect(emailOptOut(subject)).toEqual({ optOut: true, keyword });
  });

  it.each(['Fwd: unsubscribe', 'Re: Re: late payment', 'Unsubscribe me from letters', 'stop re:'])(
    'subject "%s" alone is not an opt-out',
    (subject) => {
      expect(emailOptOut(subject)).toEqual({ optOut: false });
    },
  );

  it('the first line that is not blank is read, whatever the line endings', () => {
    expect(emailOptOut('Re: late', '\r\n  \t\r\nUnsubscribe\r\nthanks')).toEqual({
      optOut: true,
      keyword: 'unsubscribe',
    });
    expect(emailOptOut('Re: late', 'Thanks\nUNSUBSCRIBE')).toEqual({ optOut: false });
    expect(emailOptOut('Re: late', '   ')).toEqual({ optOut: false });
  });
});
