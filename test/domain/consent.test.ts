import { describe, expect, it } from 'vitest';
import type { BorrowerProfile } from '../../functions/domain/case.js';
import {
  emailOptOut,
  SMS_OPT_IN_KEYWORDS,
  SMS_OPT_OUT_KEYWORDS,
  smsOptIn,
  smsOptOut,
} from '../../functions/domain/consent.js';
import { decideContacts } from '../../functions/domain/decide.js';
import { RULE_PACKS } from '../../functions/domain/rulepacks.js';

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

const profile = (contactPoints: BorrowerProfile['contactPoints']): BorrowerProfile => ({
  borrowerId: 'B',
  timeZone: 'Asia/Shanghai',
  locale: 'en',
  optOuts: {},
  contactPoints,
  calls: [],
});

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
