import { describe, expect, it } from 'vitest';
import { LoanDelinquentSchema } from '../../functions/domain/events.js';
import { isLanguageTag, resolveLocale } from '../../functions/domain/locale.js';
import { loanDelinquent } from '../borrower.js';

/**
 * BCP 47 tags from upstream resolve to the template locales (en, zh-CN) by CLDR language matching.
 * Fixed vectors: what a native reader of each tag expects, written by hand, not by the matcher.
 */
describe('resolveLocale', () => {
  it.each([
    ['en', 'en', 'EXACT'],
    ['zh-CN', 'zh-CN', 'EXACT'],
    ['en-US', 'en', 'MATCHED'],
    ['en-GB', 'en', 'MATCHED'],
    ['en-IN', 'en', 'MATCHED'],
    ['en-NZ', 'en', 'MATCHED'],
    ['zh-Hans-CN', 'zh-CN', 'MATCHED'],
    ['zh-hans-cn', 'zh-CN', 'MATCHED'],
    ['zh', 'zh-CN', 'MATCHED'],
    ['zh-SG', 'zh-CN', 'MATCHED'],
  ] as const)('%s -> %s (%s)', (tag, locale, how) => {
    const resolved = resolveLocale(tag, 'zh-CN');
    expect(resolved.locale).toBe(locale);
    expect(resolved.how).toBe(how);
  });

  it('the requested tag is recorded canonicalised', () => {
    expect(resolveLocale('zh-hans-cn', 'en').requested).toBe('zh-Hans-CN');
  });

  it.each([['fr-FR'], ['ja'], ['zh-TW'], ['zh-Hant-HK']])(
    '%s: no template speaks it, so the default locale, with the reason',
    (tag) => {
      expect(resolveLocale(tag, 'en')).toEqual({ requested: tag, locale: 'en', how: 'DEFAULT_UNSUPPORTED' });
      expect(resolveLocale(tag, 'zh-CN').locale).toBe('zh-CN');
    },
  );
});

describe('the LoanDelinquent locale', () => {
  it.each([['en-US'], ['en-GB'], ['en-IN'], ['en-NZ'], ['zh-Hans-CN'], ['fr-FR']])(
    '%s is accepted',
    (tag) => {
      const detail = { ...loanDelinquent, borrower: { ...loanDelinquent.borrower, locale: tag } };
      expect(LoanDelinquentSchema().safeParse(detail).success).toBe(true);
    },
  );
  it.each([['en_US'], ['123'], ['e'], ['zh-Hans-CN-']])('%s is not a language tag', (tag) => {
    expect(isLanguageTag(tag)).toBe(false);
  });
});
