import { useState } from 'preact/hooks';
import { ApiError, api } from '../shared/api.js';
import { LANGS, type Lang, type StringKey, t } from '../shared/i18n.js';
import type { Act } from './loan.js';
import type { PageView } from './types.js';

const CHANNELS = ['SMS', 'EMAIL', 'CALL'] as const;
const WINDOWS = ['ANY', 'MORNING', 'AFTERNOON', 'EVENING'] as const;
const LANGUAGE_NAMES: Record<Lang, string> = { en: 'English', 'zh-CN': '中文' };

interface Props {
  lang: Lang;
  view: PageView;
  act: Act;
  token: string;
  /** Says something in the page's status line. */
  say: (text: string) => void;
}

/** How the borrower is contacted: channels stopped and resumed, preferred hours, the messages' language. */
export function ContactSettings({ lang, view, act }: Omit<Props, 'token' | 'say'>) {
  const [hours, setHours] = useState<string>(view.contactWindow === 'CUSTOM' ? 'ANY' : view.contactWindow);
  const [language, setLanguage] = useState<Lang>(view.locale === 'zh-CN' ? 'zh-CN' : 'en');
  return (
    <section aria-labelledby="h-contact">
      <h2 id="h-contact">{t(lang, 'contactTitle')}</h2>
      {CHANNELS.map((channel) =>
        view.optedOut.includes(channel) ? (
          <p key={channel}>
            {t(lang, channel as StringKey)}: {t(lang, 'stopped')}{' '}
            <button type="button" class="secondary" onClick={() => act('/opt-in', { channel })}>
              {t(lang, 'optIn')} {t(lang, channel as StringKey)}
            </button>
          </p>
        ) : (
          <button key={channel} type="button" class="secondary" onClick={() => act('/opt-out', { channel })}>
            {t(lang, 'optOut')} {t(lang, channel as StringKey)}
          </button>
        ),
      )}
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void act('/preferences', { window: hours });
        }}
      >
        <fieldset>
          <legend>{t(lang, 'hoursTitle')}</legend>
          {view.contactWindow === 'CUSTOM' && <p>{t(lang, 'CUSTOM')}</p>}
          {WINDOWS.map((w) => (
            <label key={w} class="choice">
              <input type="radio" name="hours" value={w} checked={hours === w} onChange={() => setHours(w)} />{' '}
              {t(lang, w)}
            </label>
          ))}
        </fieldset>
        <button type="submit">{t(lang, 'saveHours')}</button>
      </form>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void act('/preferences', { language });
        }}
      >
        <label for="message-language">{t(lang, 'messageLanguage')}</label>
        <select
          id="message-language"
          value={language}
          onChange={(e) => setLanguage(e.currentTarget.value as Lang)}
        >
          {LANGS.map((l) => (
            <option key={l} value={l} lang={l}>
              {LANGUAGE_NAMES[l]}
            </option>
          ))}
        </select>
        <button type="submit">{t(lang, 'saveLanguage')}</button>
      </form>
    </section>
  );
}

/**
 * Correcting a phone number or e-mail address: the new one gets a code, and only the code typed back
 * makes it the one used. The new value is sent once and never shown back by the API.
 */
export function ContactCorrection({ lang, token, say }: Pick<Props, 'lang' | 'token' | 'say'>) {
  const [channel, setChannel] = useState<'SMS' | 'EMAIL'>('SMS');
  const [value, setValue] = useState('');
  const [code, setCode] = useState('');
  const [sent, setSent] = useState(false);
  const [error, setError] = useState('');
  const call = async (path: string, body: unknown, then: () => void) => {
    try {
      await api(token, 'POST', `/borrower/contact/${path}`, body);
      setError('');
      then();
    } catch (e) {
      setError(e instanceof ApiError ? `${t(lang, 'refusedAction')} ${e.message}` : t(lang, 'failed'));
    }
  };
  return (
    <section aria-labelledby="h-correct">
      <h2 id="h-correct">{t(lang, 'correctTitle')}</h2>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void call('change', { channel, value }, () => {
            setSent(true);
            say(t(lang, 'codeSent'));
          });
        }}
      >
        <label for="correct-which">{t(lang, 'correctWhich')}</label>
        <select
          id="correct-which"
          value={channel}
          onChange={(e) => setChannel(e.currentTarget.value as 'SMS' | 'EMAIL')}
        >
          <option value="SMS">{t(lang, 'phone')}</option>
          <option value="EMAIL">{t(lang, 'email')}</option>
        </select>
        <label for="correct-value">{t(lang, 'newValue')}</label>
        <input
          id="correct-value"
          type="text"
          inputMode={channel === 'EMAIL' ? 'email' : 'tel'}
          autocomplete={channel === 'EMAIL' ? 'email' : 'tel'}
          value={value}
          aria-invalid={error !== '' && !sent}
          aria-describedby={error !== '' && !sent ? 'correct-error' : undefined}
          onInput={(e) => setValue(e.currentTarget.value)}
        />
        <button type="submit">{t(lang, 'sendCode')}</button>
      </form>
      {sent && (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void call('verify', { code }, () => {
              setSent(false);
              setValue('');
              setCode('');
              say(t(lang, 'corrected'));
            });
          }}
        >
          <p>{t(lang, 'codeSent')}</p>
          <label for="correct-code">{t(lang, 'code')}</label>
          <input
            id="correct-code"
            inputMode="numeric"
            autocomplete="one-time-code"
            maxLength={6}
            value={code}
            aria-invalid={error !== '' && sent}
            aria-describedby={error !== '' && sent ? 'correct-error' : undefined}
            onInput={(e) => setCode(e.currentTarget.value)}
          />
          <button type="submit">{t(lang, 'confirmCode')}</button>
        </form>
      )}
      {error && (
        <p id="correct-error" class="error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}
