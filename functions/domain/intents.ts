import { emailOptOut, normaliseReply, smsOptIn, smsOptOut } from './consent.js';
import type { Locale } from './policy.js';

/**
 * What a borrower's free-text reply asks for, by a small table of phrases per locale. Ladder acts on
 * its own only where acting is safe and the law expects it at once: STOP and START (consent.ts, as
 * before) and HELP (answered by the number's keyword response: see docs/conversations.md). Everything
 * else, recognised or not, goes to a person as a conversation item; the intent found only sorts the
 * queue and suggests what to ask, it never changes the ladder by itself (a misread "hardship" must not
 * pause a loan, a misread "dispute" must not silence a borrower). HARDSHIP is the exception the
 * ladder listens to without waiting for the agent (functions/domain/hardship.ts): it pauses
 * escalation, which is always safe.
 */
export const INTENTS = [
  'STOP',
  'START',
  'HELP',
  'ALREADY_PAID',
  'HARDSHIP',
  'DISPUTE',
  'WRONG_PERSON',
  'OTHER',
] as const;
export type Intent = (typeof INTENTS)[number];

type Phrases = Partial<Record<Exclude<Intent, 'STOP' | 'START' | 'OTHER'>, readonly string[]>>;

/**
 * Phrases by locale, matched on the normalised text (consent.ts normaliseReply: case, width, spaces
 * and punctuation folded). Checked in this order: who it is before what they say about the debt.
 */
const PHRASES: Record<Locale, Phrases> = {
  en: {
    HELP: ['help', 'info'],
    WRONG_PERSON: ['wrongnumber', 'wrongperson', 'notme', 'dontknow', 'whoisthis', 'nosuchperson'],
    DISPUTE: [
      'dispute',
      'notmydebt',
      'notmyloan',
      'dontowe',
      'donotowe',
      'neverborrowed',
      'fraud',
      'notmine',
    ],
    ALREADY_PAID: ['alreadypaid', 'ipaid', 'ivepaid', 'ihavepaid', 'paidalready', 'paidit', 'paidyesterday'],
    HARDSHIP: [
      'lostmyjob',
      'unemployed',
      'laidoff',
      'redundant',
      'hardship',
      'sick',
      'illness',
      'hospital',
      'cantafford',
      'cannotafford',
      'cantpay',
      'cannotpay',
      'nextmonth',
      'nomoney',
    ],
  },
  'zh-CN': {
    HELP: ['帮助', '客服', 'help'],
    WRONG_PERSON: ['打错', '不是本人', '不认识', '不是我本人', '没有这个人', '查无此人'],
    DISPUTE: ['不是我借的', '没借过', '没有借', '有异议', '金额不对', '不认可', '诈骗', '投诉'],
    ALREADY_PAID: ['已还', '已经还', '还过了', '已结清', '已经付', '已付'],
    HARDSHIP: [
      '失业',
      '没工作',
      '丢了工作',
      '生病',
      '住院',
      '困难',
      '没钱',
      '下个月再还',
      '延期',
      '缓一缓',
      '晚点还',
    ],
  },
};

const ORDER = ['HELP', 'WRONG_PERSON', 'DISPUTE', 'ALREADY_PAID', 'HARDSHIP'] as const;

/**
 * The intent of a reply on `channel` from a borrower whose templates are in `locale`. STOP and START
 * keep their strict rule (the keyword alone); HELP too; the other phrases may appear anywhere in the
 * text, in the borrower's locale or, failing that, in any other (a borrower may answer in either).
 */
export function classifyReply(text: string, channel: 'SMS' | 'EMAIL', locale: Locale, subject = ''): Intent {
  if (channel === 'SMS' ? smsOptOut(text).optOut : emailOptOut(subject, text).optOut) return 'STOP';
  if (channel === 'SMS' && smsOptIn(text).optIn) return 'START';
  const words = normaliseReply(`${subject} ${text}`);
  const alone = text.length <= 40 ? normaliseReply(text) : '';
  const locales = [locale, ...(Object.keys(PHRASES) as Locale[]).filter((l) => l !== locale)];
  for (const l of locales) {
    for (const intent of ORDER) {
      const phrases = PHRASES[l][intent] ?? [];
      const found =
        intent === 'HELP' ? phrases.includes(alone) : phrases.some((p) => words.includes(normaliseReply(p)));
      if (found) return intent;
    }
  }
  return 'OTHER';
}

/**
 * The part of an e-mail reply the borrower wrote: up to the first quoted line (">"), or the line a
 * mail client puts before the quoted original ("On ... wrote:", "在…写道：", "-----Original Message-----",
 * "发件人："). The quoted original is our own message, whose words ("如遇困难") would mislead the table.
 */
export function ownWords(text: string): string {
  const lines = text.split(/\r?\n/);
  const quoted = lines.findIndex(
    (line) =>
      /^\s*>/.test(line) ||
      /^\s*On .+wrote:\s*$/i.test(line) ||
      /^\s*在.+写道[:：]\s*$/.test(line) ||
      /^\s*-{2,}\s*(Original Message|原始邮件)\s*-{2,}/i.test(line) ||
      /^\s*(From|发件人)\s*[:：]/.test(line),
  );
  return (quoted < 0 ? lines : lines.slice(0, quoted)).join('\n').trim();
}
