import { useCallback, useEffect, useState } from 'preact/hooks';
import { ApiError, api, RefusedError, tokenFromLocation } from '../shared/api.js';
import { type Lang, langOf, t } from '../shared/i18n.js';
import { Loan } from './loan.js';
import { ContactCorrection, ContactSettings } from './preferences.js';
import type { PageView } from './types.js';

type View =
  | { kind: 'loading' }
  | { kind: 'refused' }
  | { kind: 'failed' }
  | { kind: 'ready'; data: PageView };

/** The borrower's page: what is owed now and why, and what the borrower can do about it. */
export function App() {
  const [lang, setLang] = useState<Lang | undefined>(undefined);
  const [view, setView] = useState<View>({ kind: 'loading' });
  const [notice, setNotice] = useState('');
  const token = tokenFromLocation(location.hash);
  const shown: Lang = lang ?? (view.kind === 'ready' ? langOf(view.data.locale) : langOf(navigator.language));
  const load = useCallback(
    () =>
      api<PageView>(token, 'GET', '/borrower')
        .then((data) => setView({ kind: 'ready', data }))
        .catch((e: unknown) => setView({ kind: e instanceof RefusedError ? 'refused' : 'failed' })),
    [token],
  );
  useEffect(() => {
    document.documentElement.lang = shown;
    document.title = t(shown, 'title');
  }, [shown]);
  useEffect(() => {
    void load();
  }, [load]);
  const act = async (path: string, body?: unknown) => {
    try {
      await api(token, 'POST', `/borrower${path}`, body ?? {});
      setNotice(t(shown, 'done'));
    } catch (e) {
      if (e instanceof RefusedError) return setView({ kind: 'refused' });
      setNotice(e instanceof ApiError ? `${t(shown, 'refusedAction')} ${e.message}` : t(shown, 'failed'));
    }
    await load();
  };
  return (
    <>
      <nav class="lang" aria-label="Language / 语言">
        <button type="button" class="secondary" onClick={() => setLang(shown === 'en' ? 'zh-CN' : 'en')}>
          {t(shown, 'language')}
        </button>
      </nav>
      <h1>{t(shown, 'title')}</h1>
      <p role="status" class="notice">
        {notice}
      </p>
      {view.kind === 'loading' && <p>{t(shown, 'loading')}</p>}
      {view.kind === 'refused' && (
        <p class="error" role="alert">
          {t(shown, 'refused')}
        </p>
      )}
      {view.kind === 'failed' && (
        <p class="error" role="alert">
          {t(shown, 'failed')}
        </p>
      )}
      {view.kind === 'ready' && (
        <>
          {view.data.loans.map((loan) => (
            <Loan key={loan.loanId} lang={shown} loan={loan} act={act} />
          ))}
          <ContactSettings lang={shown} view={view.data} act={act} />
          <ContactCorrection lang={shown} token={token} say={setNotice} />
        </>
      )}
    </>
  );
}
