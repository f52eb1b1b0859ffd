import { describe, expect, it } from 'vitest';
import { classifyReply, ownWords } from '../../functions/domain/intents.js';

/** The intent table: fixed vectors written by hand, in both locales and across them. */
describe('classifyReply', () => {
  it.each([
    ['我这个月失业了，下个月再还', 'zh-CN', 'HARDSHIP'],
    ['最近生病住院，能不能缓一缓', 'zh-CN', 'HARDSHIP'],
    ['我已经还了', 'zh-CN', 'ALREADY_PAID'],
    ['这笔钱不是我借的', 'zh-CN', 'DISPUTE'],
    ['你们打错了', 'zh-CN', 'WRONG_PERSON'],
    ['帮助', 'zh-CN', 'HELP'],
    ['I lost my job last week and cannot pay', 'en', 'HARDSHIP'],
    ['I already paid this yesterday', 'en', 'ALREADY_PAID'],
    ['This is not my loan, I dispute it', 'en', 'DISPUTE'],
    ['Wrong number, I do not know this person', 'en', 'WRONG_PERSON'],
    ['HELP', 'en', 'HELP'],
    ['ok thanks', 'en', 'OTHER'],
    ['好的，收到', 'zh-CN', 'OTHER'],
    // A borrower may answer in the other language than their templates.
    ['我失业了', 'en', 'HARDSHIP'],
  ] as const)('%s (%s) -> %s', (text, locale, intent) => {
    expect(classifyReply(text, 'SMS', locale)).toBe(intent);
  });

  it('STOP and START keep the keyword-alone rule; a sentence that contains one is not', () => {
    expect(classifyReply('STOP', 'SMS', 'en')).toBe('STOP');
    expect(classifyReply('退订', 'SMS', 'zh-CN')).toBe('STOP');
    expect(classifyReply('UNSTOP', 'SMS', 'en')).toBe('START');
    expect(classifyReply("I can't pay until the end of the month", 'SMS', 'en')).toBe('HARDSHIP');
    expect(classifyReply('please help me understand this charge', 'SMS', 'en')).toBe('OTHER');
  });

  it('e-mail: UNSUBSCRIBE in the subject is STOP; the subject counts for the phrases', () => {
    expect(classifyReply('', 'EMAIL', 'en', 'Unsubscribe')).toBe('STOP');
    expect(classifyReply('see subject', 'EMAIL', 'en', 'Already paid')).toBe('ALREADY_PAID');
  });
});

describe('ownWords', () => {
  it.each([
    ['I paid.\n\nOn Dec 11, 2026, Ladder wrote:\n> pay now', 'I paid.'],
    ['已还款\n\n在 2026年12月11日，Ladder 写道：\n> 请还款', '已还款'],
    ['ok\n-----Original Message-----\nFrom: x', 'ok'],
    ['line one\nline two', 'line one\nline two'],
    ['> only a quote', ''],
  ])('%j -> %j', (text, own) => {
    expect(ownWords(text)).toBe(own);
  });
});

/**
 * The edges of the table. A reply of 40 characters can still be HELP alone; 41 cannot (it is read as a
 * sentence, and HELP must be the keyword alone). STOP on SMS is the keyword alone; on e-mail the first
 * line is enough; START is an SMS keyword only (e-mail consent comes back through the portal).
 *
 * Survivors judged equivalent (intents.ts, classifyReply): the filter `l !== locale` removed or made
 * true (the borrower's own locale is then tried twice, with the same answer); `PHRASES[l][intent] ??
 * []` with the fallback changed (every locale lists every intent in ORDER, so it is never used); the
 * `subject = ''` default changed to a non-empty text (it only prefixes the words searched, and no phrase
 * begins inside "Stryker was here").
 */
describe('classifyReply at its edges', () => {
  it('HELP alone, in either language: help, info, 帮助, 客服', () => {
    expect(classifyReply('info', 'SMS', 'en')).toBe('HELP');
    expect(classifyReply('Help!', 'SMS', 'zh-CN')).toBe('HELP');
    expect(classifyReply('客服', 'SMS', 'zh-CN')).toBe('HELP');
    expect(classifyReply('帮助', 'SMS', 'en')).toBe('HELP');
  });

  it('a reply of exactly 40 characters can be HELP alone; 41 characters is a sentence, not the keyword', () => {
    const forty = `help${' '.repeat(36)}`;
    expect(forty).toHaveLength(40);
    expect(classifyReply(forty, 'SMS', 'en')).toBe('HELP');
    expect(classifyReply(`${forty} `, 'SMS', 'en')).toBe('OTHER');
  });

  it('a long reply with no phrase in it, or an empty one, asks for nothing (it goes to a person as OTHER)', () => {
    expect(classifyReply('Please call me back after six in the evening, thank you', 'SMS', 'en')).toBe(
      'OTHER',
    );
    expect(
      classifyReply(
        '请在晚上六点以后给我回电话，谢谢，我白天在上班不方便接听电话，麻烦了，再次感谢您的耐心',
        'SMS',
        'zh-CN',
      ),
    ).toBe('OTHER');
    expect(classifyReply('', 'SMS', 'en')).toBe('OTHER');
  });

  it('SMS STOP is the keyword alone; an e-mail whose first line is STOP opts out of e-mail', () => {
    expect(classifyReply('STOP\nand call me instead', 'SMS', 'en')).toBe('OTHER');
    expect(classifyReply('STOP\nand call me instead', 'EMAIL', 'en')).toBe('STOP');
  });

  it('START by e-mail is not an opt-in (only SMS has the keyword); by SMS it is', () => {
    expect(classifyReply('START', 'EMAIL', 'en')).toBe('OTHER');
    expect(classifyReply('START', 'SMS', 'en')).toBe('START');
  });
});

describe('ownWords at its edges', () => {
  it.each([
    // What the borrower wrote may contain ">" or "From:" mid-line: only a line that starts with one is a quote.
    ['I owe 3000 > 2000?\nthanks', 'I owe 3000 > 2000?\nthanks'],
    ['Transfer From: my bank\nok', 'Transfer From: my bank\nok'],
    ['Yes. On Monday my wife wrote:\nok', 'Yes. On Monday my wife wrote:\nok'],
    ['On Monday I wrote: I will pay\nok', 'On Monday I wrote: I will pay\nok'],
    ['我说过 在周一他写道：\n好', '我说过 在周一他写道：\n好'],
    ['在周一我写道：我会还\n好', '在周一我写道：我会还\n好'],
    ['ok -----Original Message-----\nx', 'ok -----Original Message-----\nx'],
    ['ok\n-Original Message-\nx', 'ok\n-Original Message-\nx'],
    ['ok\n--Original Message-\nx', 'ok\n--Original Message-\nx'],
    // Indented quotes and headers, spaces around the words, a trailing space: still the quoted original.
    ['paid\n  > please pay', 'paid'],
    ['paid\n  On Dec 11, 2026, Ladder wrote: ', 'paid'],
    ['已还\n  在 2026年12月11日，Ladder 写道： ', '已还'],
    ['已还\n在 2026年12月11日，Ladder 写道:', '已还'],
    ['ok\n  ----- Original Message -----', 'ok'],
    ['ok\n--原始邮件--', 'ok'],
    ['ok\nFrom: Ladder', 'ok'],
    ['ok\n  From : Ladder', 'ok'],
    ['好\n发件人：Ladder', '好'],
  ])('%j -> %j', (text, own) => {
    expect(ownWords(text)).toBe(own);
  });
});
