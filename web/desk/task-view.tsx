import { formatMoney } from '../../functions/domain/money.js';
import type { Lang } from '../shared/i18n.js';
import { OutcomeForm } from './outcome-form.js';
import { d } from './strings.js';
import type { TaskView } from './types.js';

/** The case's balance: owed now and its breakdown (docs/money.md), what holds the ladder. */
function Balance({ lang, kase }: { lang: Lang; kase: NonNullable<TaskView['case']> }) {
  const money = (minor: number) => formatMoney(minor, kase.currency, lang);
  return (
    <section aria-labelledby="h-balance">
      <h2 id="h-balance">{d(lang, 'balance')}</h2>
      <dl>
        <dt>{d(lang, 'principal')}</dt>
        <dd>{money(kase.owed.principalMinor)}</dd>
        <dt>{d(lang, 'interest')}</dt>
        <dd>{money(kase.owed.interestMinor)}</dd>
        <dt>{d(lang, 'penalty')}</dt>
        <dd>{money(kase.owed.penaltyMinor)}</dd>
        <dt>{d(lang, 'fees')}</dt>
        <dd>{money(kase.owed.feesMinor)}</dd>
        <dt class="total">{d(lang, 'total')}</dt>
        <dd class="total" data-testid="owed-total">
          {money(kase.owed.totalMinor)}
        </dd>
        <dt>{d(lang, 'dueDate')}</dt>
        <dd>{kase.dueDate}</dd>
        <dt>{d(lang, 'caseStatus')}</dt>
        <dd class="status">{kase.status}</dd>
      </dl>
      {kase.promise && (
        <p class="notice" data-testid="promise">
          {d(lang, 'promisePending')}: {money(kase.promise.amountMinor)} · {kase.promise.date}.{' '}
          {d(lang, 'ladderPaused')}
        </p>
      )}
      {kase.disputeOpen && <p class="notice">{d(lang, 'disputeOpen')}</p>}
    </section>
  );
}

/** What only the claimer sees: the call script, the borrower's contact details, what they wrote. */
function Revealed({ lang, view }: { lang: Lang; view: TaskView }) {
  return (
    <>
      {view.script && (
        <section aria-labelledby="h-script">
          <h2 id="h-script">{d(lang, 'script')}</h2>
          <p data-testid="script">{view.script}</p>
        </section>
      )}
      {view.contact && (
        <section aria-labelledby="h-contact">
          <h2 id="h-contact">{d(lang, 'contact')}</h2>
          <dl data-testid="contact">
            <dt>{d(lang, 'name')}</dt>
            <dd>{view.contact.name}</dd>
            <dt>{d(lang, 'phone')}</dt>
            <dd>
              <a href={`tel:${view.contact.phone}`}>{view.contact.phone}</a>
            </dd>
            <dt>{d(lang, 'email')}</dt>
            <dd>{view.contact.email}</dd>
          </dl>
        </section>
      )}
      {view.conversation && (
        <section aria-labelledby="h-conversation">
          <h2 id="h-conversation">{d(lang, 'conversation')}</h2>
          {view.conversation.available ? (
            <blockquote>
              {view.conversation.subject && <strong>{view.conversation.subject}</strong>}
              <p>{view.conversation.text}</p>
              <footer>
                {view.conversation.channel} · {view.conversation.receivedAt}
              </footer>
            </blockquote>
          ) : (
            <p>{d(lang, 'notAvailable')}</p>
          )}
        </section>
      )}
    </>
  );
}

/** One task: its state, the claim, what the claimer sees, the outcome form, the case and its timeline. */
export function TaskScreen(props: {
  lang: Lang;
  view: TaskView;
  notice?: string;
  claim: () => void;
  complete: (body: unknown) => Promise<void>;
  back: () => void;
  refresh: () => void;
}) {
  const { lang, view } = props;
  const { task } = view;
  const held = task.mine ? 'claimedByMe' : task.claimed ? 'claimedByOther' : 'unclaimed';
  return (
    <>
      <p>
        <button type="button" class="secondary" onClick={props.back}>
          {d(lang, 'back')}
        </button>
        <button type="button" class="secondary" onClick={props.refresh}>
          {d(lang, 'refresh')}
        </button>
      </p>
      <h2>
        {d(lang, 'loan')} {task.loanId} · {task.stage}
      </h2>
      <p class="status" data-testid="task-status">
        {task.status === 'OPEN' ? d(lang, held) : task.status}
      </p>
      {props.notice && (
        <p class="notice" role="status">
          {props.notice}
        </p>
      )}
      {task.status === 'OPEN' && !task.claimed && (
        <>
          <p>{d(lang, 'claimFirst')}</p>
          <button type="button" onClick={props.claim}>
            {d(lang, 'claim')}
          </button>
        </>
      )}
      <Revealed lang={lang} view={view} />
      {task.status === 'OPEN' && task.mine && (
        <section aria-labelledby="h-outcome">
          <h2 id="h-outcome">{d(lang, 'outcome')}</h2>
          <OutcomeForm lang={lang} outcomes={view.outcomes} submit={props.complete} />
        </section>
      )}
      {view.case && <Balance lang={lang} kase={view.case} />}
      {view.case && (
        <section aria-labelledby="h-timeline">
          <h2 id="h-timeline">{d(lang, 'timeline')}</h2>
          <ol class="timeline">
            {view.case.timeline.map((r) => (
              <li key={String(r.seq)}>
                <time dateTime={r.at}>{r.at.slice(0, 16).replace('T', ' ')}</time> {r.stage} · {r.type}
                {r.detail
                  ? ` · ${Object.entries(r.detail)
                      .map(([k, v]) => `${k} ${String(v)}`)
                      .join(', ')}`
                  : ''}
              </li>
            ))}
          </ol>
        </section>
      )}
    </>
  );
}
