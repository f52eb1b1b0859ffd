import { useEffect, useState } from 'preact/hooks';
import { api, RefusedError, tokenFromLocation } from '../shared/api.js';
import { type Lang, langOf, t } from '../shared/i18n.js';

type View = { kind: 'loading' } | { kind: 'refused' } | { kind: 'failed' } | { kind: 'ready'; data: unknown };

/** The borrower's page: what is owed now and why, and what the borrower can do about it. */
export function App() {
  const [lang, setLang] = useState<Lang>(langOf(navigator.language));
  const [view, setView] = useState<View>({ kind: 'loading' });
  const token = tokenFromLocation(location.hash);
  useEffect(() => {
    document.documentElement.lang = lang;
    document.title = t(lang, 'title');
  }, [lang]);
  useEffect(() => {
    api(token, 'GET', '/borrower')
      .then((data) => setView({ kind: 'ready', data }))
      .catch((e: unknown) => setView({ kind: e instanceof RefusedError ? 'refused' : 'failed' }));
  }, [token]);
  return (
    <>
      <nav class="lang" aria-label="Language">
        <button type="button" class="secondary" onClick={() => setLang(lang === 'en' ? 'zh-CN' : 'en')}>
          {t(lang, 'language')}
        </button>
      </nav>
      <h1>{t(lang, 'title')}</h1>
      {view.kind === 'loading' && <p>{t(lang, 'loading')}</p>}
      {view.kind === 'refused' && (
        <p class="error" role="alert">
          {t(lang, 'refused')}
        </p>
      )}
      {view.kind === 'failed' && (
        <p class="error" role="alert">
          {t(lang, 'failed')}
        </p>
      )}
    </>
  );
}
