/** The pages' two languages; the borrower's own is the link's, and a button switches. */
export type Lang = 'en' | 'zh-CN';

export const LANGS: readonly Lang[] = ['en', 'zh-CN'];

/** Every string a page shows, in both languages: one table, so a missing translation fails typecheck. */
const STRINGS = {
  title: { en: 'Your loan', 'zh-CN': '我的贷款' },
  language: { en: '中文', 'zh-CN': 'English' },
  loading: { en: 'Loading…', 'zh-CN': '正在加载…' },
  refused: {
    en: 'This link is not valid or has expired. Use the link in the latest message from your lender.',
    'zh-CN': '此链接无效或已过期。请使用贷款机构最新消息中的链接。',
  },
  failed: { en: 'Something went wrong. Please try again.', 'zh-CN': '出错了，请重试。' },
} as const satisfies Record<string, Record<Lang, string>>;

export type StringKey = keyof typeof STRINGS;

export function t(lang: Lang, key: StringKey): string {
  return STRINGS[key][lang];
}

/** The language from a tag such as zh-Hans-CN or en-US: Chinese if it says so, else English. */
export function langOf(tag: string | undefined): Lang {
  return tag?.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en';
}
