import { match } from '@formatjs/intl-localematcher';
import { LOCALES, type Locale } from './policy.js';

/**
 * Upstream systems send a borrower's language as a BCP 47 tag (`en-US`, `en-IN`, `zh-Hans-CN`); the
 * templates exist in a few locales. The tag is resolved to the best template locale by the CLDR
 * language-matching data (`@formatjs/intl-localematcher`, the "best fit" algorithm of ECMA-402), not
 * by parsing the tag by hand: `en-GB` is English, `zh-Hans-CN` and `zh` are Simplified Chinese, while
 * `zh-TW` (Traditional Chinese) is not matched to zh-CN. A language no template speaks falls back to
 * the policy's default locale, with the reason recorded: the loan is collected, never refused for it.
 */
export type LocaleHow = 'EXACT' | 'MATCHED' | 'DEFAULT_UNSUPPORTED';

export interface LocaleResolution {
  /** The tag as the event gave it, canonicalised (`zh-hans-cn` -> `zh-Hans-CN`). */
  requested: string;
  locale: Locale;
  how: LocaleHow;
}

/** True for a well-formed BCP 47 language tag (what `Intl` accepts). */
export function isLanguageTag(tag: string): boolean {
  try {
    return Intl.getCanonicalLocales(tag).length === 1;
  } catch {
    return false;
  }
}

// No template locale: the matcher returns this instead of one of LOCALES.
const NONE = 'und';

/** The template locale for `tag`, or `defaultLocale` when no template speaks its language. */
export function resolveLocale(tag: string, defaultLocale: Locale): LocaleResolution {
  const [requested = tag] = Intl.getCanonicalLocales(tag);
  const found = match([requested], [...LOCALES], NONE, { algorithm: 'best fit' });
  const locale = LOCALES.find((l) => l === found);
  if (!locale) return { requested, locale: defaultLocale, how: 'DEFAULT_UNSUPPORTED' };
  return { requested, locale, how: locale === requested ? 'EXACT' : 'MATCHED' };
}
