import { useEffect, useState } from 'preact/hooks';
import { OUTCOMES_BY_QUEUE } from '../../functions/agent-api/outcome-names.js';
import { ApiError, api } from '../shared/api.js';
import { type Lang, langOf } from '../shared/i18n.js';
import { finishCognitoSignIn, type SignInConfig, startCognitoSignIn } from './cognito.js';
import { loadSession, localSignIn, type Session, saveSession } from './session.js';
import { d, queueName } from './strings.js';
import { TaskScreen } from './task-view.js';
import type { TaskRow, TaskView } from './types.js';

/** Every queue: the keys of the outcomes table, which the type system holds to the queues' list. */
const QUEUES = Object.keys(OUTCOMES_BY_QUEUE);

/** The local sign-in form (ladder serve): an agent id and the queues, as Cognito groups would say. */
function SignIn({ lang, done }: { lang: Lang; done: (s: Session) => void }) {
  const [agent, setAgent] = useState('');
  const [queues, setQueues] = useState<string[]>(['agent-calls']);
  const [error, setError] = useState('');
  async function submit(e: Event) {
    e.preventDefault();
    try {
      done(await localSignIn(agent, queues));
    } catch (err) {
      setError(err instanceof ApiError ? err.message : d(lang, 'failed'));
    }
  }
  return (
    <form onSubmit={submit} noValidate>
      <p>{d(lang, 'localSignIn')}</p>
      <label for="agent">{d(lang, 'agentId')}</label>
      <input
        id="agent"
        autoComplete="username"
        value={agent}
        onInput={(e) => setAgent((e.target as HTMLInputElement).value)}
      />
      <fieldset>
        <legend>{d(lang, 'queues')}</legend>
        {QUEUES.map((q) => (
          <label key={q} class="check">
            <input
              type="checkbox"
              checked={queues.includes(q)}
              onChange={(e) =>
                setQueues(
                  (e.target as HTMLInputElement).checked ? [...queues, q] : queues.filter((x) => x !== q),
                )
              }
            />{' '}
            {queueName(lang, q)}
          </label>
        ))}
      </fieldset>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <button type="submit">{d(lang, 'signIn')}</button>
    </form>
  );
}

/** A queue's open tasks, a button per task (its loan and stage: no borrower's name or number). */
function Queue(props: {
  lang: Lang;
  session: Session;
  queue: string;
  pick: (q: string) => void;
  open: (id: string) => void;
}) {
  const { lang, session, queue } = props;
  const [tasks, setTasks] = useState<TaskRow[] | undefined>();
  const [tick, setTick] = useState(0);
  useEffect(() => {
    setTasks(undefined);
    api<{ tasks: TaskRow[] }>(session.token, 'GET', `/desk/tasks?queue=${encodeURIComponent(queue)}`).then(
      (page) => setTasks(page.tasks),
      () => setTasks([]),
    );
  }, [queue, session.token, tick]);
  return (
    <>
      <label for="queue">{d(lang, 'queue')}</label>
      <select id="queue" value={queue} onChange={(e) => props.pick((e.target as HTMLSelectElement).value)}>
        {session.queues.map((q) => (
          <option key={q} value={q}>
            {queueName(lang, q)}
          </option>
        ))}
      </select>
      <button type="button" class="secondary" onClick={() => setTick(tick + 1)}>
        {d(lang, 'refresh')}
      </button>
      <h2>{queueName(lang, queue)}</h2>
      {tasks === undefined && <p>{d(lang, 'loading')}</p>}
      {tasks?.length === 0 && <p>{d(lang, 'noTasks')}</p>}
      <ul class="tasks">
        {tasks?.map((t) => (
          <li key={t.taskId}>
            <button type="button" onClick={() => props.open(t.taskId)}>
              {d(lang, 'open')}: {d(lang, 'loan')} {t.loanId} · {t.stage}
            </button>{' '}
            <span>{d(lang, t.mine ? 'claimedByMe' : t.claimed ? 'claimedByOther' : 'unclaimed')}</span>
          </li>
        ))}
      </ul>
    </>
  );
}

/** The agent desk: sign in, a queue, a task; the token in sessionStorage, never in a URL. */
export function App() {
  const [lang, setLang] = useState<Lang>(langOf(navigator.language));
  const [session, setSession] = useState<Session | undefined>(loadSession());
  const [queue, setQueue] = useState<string>(session?.queues[0] ?? 'agent-calls');
  const [task, setTask] = useState<TaskView | undefined>();
  const [notice, setNotice] = useState<string | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [config, setConfig] = useState<SignInConfig | undefined>();
  useEffect(() => {
    document.documentElement.lang = lang;
    document.title = d(lang, 'title');
  }, [lang]);
  // How to sign in (local form, or Cognito); back from Cognito, the code becomes the session.
  useEffect(() => {
    api<SignInConfig>('', 'GET', '/desk/config')
      .then(async (c) => {
        setConfig(c);
        if (c.signIn !== 'cognito' || !location.search.includes('code=')) return;
        const s = await finishCognitoSignIn(c, location.search);
        history.replaceState(null, '', location.pathname);
        if (s) signedIn(s);
        else setError(d(lang, 'failed'));
      })
      .catch(() => setError(d(lang, 'failed')));
  }, []);
  const signedIn = (s: Session) => {
    saveSession(s);
    setSession(s);
    setQueue(s.queues[0] ?? 'agent-calls');
    setError(undefined);
  };
  const signOut = (why?: string) => {
    saveSession(undefined);
    setSession(undefined);
    setTask(undefined);
    setError(why);
  };
  /** Calls the desk API; a 401 (the session ended) signs out, other failures are shown. */
  async function call(method: 'GET' | 'POST', path: string, body?: unknown): Promise<TaskView | undefined> {
    if (!session) return undefined;
    try {
      return await api<TaskView>(session.token, method, path, body);
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) signOut(d(lang, 'signedOut'));
      else if (err instanceof ApiError && err.status === 400) throw err;
      else setError(err instanceof Error ? err.message : d(lang, 'failed'));
      return undefined;
    }
  }
  const path = (id: string) => `/desk/tasks/${encodeURIComponent(id)}`;
  return (
    <>
      <nav class="lang" aria-label="Language">
        <button type="button" class="secondary" onClick={() => setLang(lang === 'en' ? 'zh-CN' : 'en')}>
          {d(lang, 'language')}
        </button>
        {session && (
          <button type="button" class="secondary" onClick={() => signOut()}>
            {d(lang, 'signOut')}
          </button>
        )}
      </nav>
      <h1>{d(lang, 'title')}</h1>
      {session && (
        <p>
          {d(lang, 'signedInAs')} <strong data-testid="agent">{session.agent}</strong>
        </p>
      )}
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {!session && config?.signIn === 'local' && <SignIn lang={lang} done={signedIn} />}
      {!session && config?.signIn === 'cognito' && (
        <button type="button" onClick={() => void startCognitoSignIn(config)}>
          {d(lang, 'signIn')}
        </button>
      )}
      {session && !task && (
        <Queue
          lang={lang}
          session={session}
          queue={queue}
          pick={setQueue}
          open={async (id) => {
            setNotice(undefined);
            setError(undefined);
            setTask(await call('GET', path(id)));
          }}
        />
      )}
      {session && task && (
        <TaskScreen
          lang={lang}
          view={task}
          {...(notice ? { notice } : {})}
          back={() => setTask(undefined)}
          refresh={async () => setTask((await call('GET', path(task.task.taskId))) ?? task)}
          claim={async () => setTask((await call('POST', `${path(task.task.taskId)}/claim`)) ?? task)}
          complete={async (body) => {
            const after = await call('POST', `${path(task.task.taskId)}/complete`, body);
            if (after) {
              setTask(after);
              setNotice(d(lang, 'recorded'));
            }
          }}
        />
      )}
    </>
  );
}
