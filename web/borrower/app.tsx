import { useCallback, useEffect, useState } from 'preact/hooks';
import { ApiError, api, RefusedError, tokenFromLocation } from '../shared/api.js';
import { type Lang, langOf, type StringKey, t } from '../shared/i18n.js';
import { Loan } from './loan.js';
import type { PageView } from './types.js';

type View =
  | { kind: 'loading' }
  | { kind: 'refused' }
  | { kind: 'failed' }
  | { kind: 'ready'; data: PageView };

const CHANNELS = ['SMS', 'EMAIL', 'CALL'] as const;

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
          <section aria-labelledby="h-contact">
            <h2 id="h-contact">{t(shown, 'contactTitle')}</h2>
            {CHANNELS.map((channel) =>
              view.data.optedOut.includes(channel) ? (
                <p key={channel}>
                  {t(shown, channel as StringKey)}: {t(shown, 'stopped')}
                </p>
              ) : (
                <button
                  key={channel}
                  type="button"
                  class="secondary"
                  onClick={() => act('/opt-out', { channel })}
                >
                  {t(shown, 'optOut')} {t(shown, channel as StringKey)}
                </button>
              ),
            )}
          </section>
        </>
      )}
    </>
  );
}
