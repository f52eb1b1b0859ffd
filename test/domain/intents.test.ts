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
