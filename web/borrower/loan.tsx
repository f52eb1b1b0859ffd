import { useState } from 'preact/hooks';
import { type Lang, t } from '../shared/i18n.js';
import { DisputeForm } from './dispute-upload.js';
import type { Instalment, LoanView } from './types.js';

/** Posts an action of this loan; the page reloads the view and says how it went. */
export type Act = (path: string, body?: unknown) => Promise<void>;

const money = (lang: Lang, amount: string, currency: string) =>
  new Intl.NumberFormat(lang, { style: 'currency', currency }).format(Number(amount));

function Instalments({ lang, items, currency }: { lang: Lang; items: Instalment[]; currency: string }) {
  return (
    <ol>
      {items.map((i) => (
        <li key={i.date}>
          {money(lang, i.amount, currency)} · {i.date}
        </li>
      ))}
    </ol>
  );
}

function Owed({ lang, loan }: { lang: Lang; loan: LoanView }) {
  const m = (a: string) => money(lang, a, loan.currency);
  return (
    <dl>
      <dt class="total">{t(lang, 'owedNow')}</dt>
      <dd class="total">{m(loan.owed.total)}</dd>
      <dt>{t(lang, 'principal')}</dt>
      <dd>{m(loan.owed.principal)}</dd>
      <dt>{t(lang, 'interest')}</dt>
      <dd>{m(loan.owed.interest)}</dd>
      <dt>{t(lang, 'penaltyInterest')}</dt>
      <dd>{m(loan.owed.penaltyInterest)}</dd>
      <dt>{t(lang, 'fees')}</dt>
      <dd>{m(loan.owed.fees)}</dd>
      <dt>{t(lang, 'paid')}</dt>
      <dd>{m(loan.paid)}</dd>
      <dt>{t(lang, 'dueDate')}</dt>
      <dd>{loan.dueDate}</dd>
      <dt>{t(lang, 'daysPastDue')}</dt>
      <dd>{loan.daysPastDue}</dd>
    </dl>
  );
}

function PromiseForm({ lang, loan, act }: { lang: Lang; loan: LoanView; act: Act }) {
  const [amount, setAmount] = useState(loan.owed.total);
  const [date, setDate] = useState(loan.options.promiseUntil ?? '');
  const id = `p-${loan.loanId}`;
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        void act(`/loans/${encodeURIComponent(loan.loanId)}/promise`, { amount, date });
      }}
    >
      <h3>{t(lang, 'promiseTitle')}</h3>
      <label for={`${id}-amount`}>
        {t(lang, 'amount')} ({loan.currency})
      </label>
      <input
        id={`${id}-amount`}
        inputMode="decimal"
        value={amount}
        onInput={(e) => setAmount(e.currentTarget.value)}
      />
      <label for={`${id}-date`}>
        {t(lang, 'date')} ({t(lang, 'latest')} {loan.options.promiseUntil})
      </label>
      <input
        id={`${id}-date`}
        type="date"
        value={date}
        max={loan.options.promiseUntil}
        onInput={(e) => setDate(e.currentTarget.value)}
      />
      <button type="submit">{t(lang, 'promiseSubmit')}</button>
    </form>
  );
}

function Plans({ lang, loan, act }: { lang: Lang; loan: LoanView; act: Act }) {
  return (
    <>
      <h3>{t(lang, 'plansTitle')}</h3>
      {loan.options.plans.map((o) => (
        <section key={o.id} aria-label={o.id}>
          <p>
            <strong>
              {o.kind === 'PLAN' ? `${o.instalments.length} ${t(lang, 'PLAN')}` : t(lang, 'SETTLEMENT')}
            </strong>{' '}
            · {money(lang, o.total, loan.currency)}
          </p>
          <Instalments lang={lang} items={o.instalments} currency={loan.currency} />
          <button
            type="button"
            onClick={() => act(`/loans/${encodeURIComponent(loan.loanId)}/plan`, { option: o.id })}
          >
            {t(lang, 'choosePlan')}
          </button>
        </section>
      ))}
    </>
  );
}

function Signing({ lang, loan, act }: { lang: Lang; loan: LoanView; act: Act }) {
  const [agreed, setAgreed] = useState(false);
  const id = `agree-${loan.loanId}`;
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        if (agreed) void act(`/loans/${encodeURIComponent(loan.loanId)}/sign`);
      }}
    >
      <input id={id} type="checkbox" checked={agreed} onChange={(e) => setAgreed(e.currentTarget.checked)} />{' '}
      <label for={id} class="inline">
        {t(lang, 'agree')}
      </label>
      <div>
        <button type="submit" disabled={!agreed}>
          {t(lang, 'sign')}
        </button>
      </div>
    </form>
  );
}

/** One loan: what is owed now and why, its status, and what the borrower can do about it. */
export function Loan({ lang, loan, act }: { lang: Lang; loan: LoanView; act: Act }) {
  const path = `/loans/${encodeURIComponent(loan.loanId)}`;
  const open = loan.status === 'ACTIVE';
  return (
    <section aria-labelledby={`h-${loan.loanId}`}>
      <h2 id={`h-${loan.loanId}`}>
        {t(lang, 'loan')} {loan.loanId}
      </h2>
      <p class="status" data-testid="status">
        {t(lang, 'status')}: {t(lang, loan.status)}
        {loan.hold ? ` · ${t(lang, loan.hold)}` : ''}
      </p>
      <Owed lang={lang} loan={loan} />
      {open && (
        <a class="button" href={loan.payUrl} rel="noopener noreferrer">
          {t(lang, 'pay')}
        </a>
      )}
      {loan.dispute?.reason && (
        <p>
          {t(lang, 'disputeReason')} {t(lang, loan.dispute.reason)}
        </p>
      )}
      {loan.dispute?.document && <p>{t(lang, 'disputeDocumentReceived')}</p>}
      {loan.promise && (
        <p>
          {t(lang, 'promised')}: {money(lang, loan.promise.amount, loan.currency)} · {loan.promise.date}
        </p>
      )}
      {loan.plan && ['PROPOSED', 'ACTIVE', 'MISSED'].includes(loan.plan.status) && (
        <>
          <h3>{t(lang, 'yourPlan')}</h3>
          <Instalments lang={lang} items={loan.plan.instalments} currency={loan.currency} />
        </>
      )}
      {loan.hold === 'PLAN_TO_SIGN' && <Signing lang={lang} loan={loan} act={act} />}
      {loan.options.promiseUntil && <PromiseForm lang={lang} loan={loan} act={act} />}
      {loan.options.plans.length > 0 && <Plans lang={lang} loan={loan} act={act} />}
      {open && loan.hold !== 'DISPUTED' && (
        <>
          <h3>{t(lang, 'otherTitle')}</h3>
          <DisputeForm lang={lang} loan={loan} act={act} />
          {loan.hold !== 'HARDSHIP' && (
            <button type="button" class="secondary" onClick={() => act(`${path}/hardship`)}>
              {t(lang, 'hardship')}
            </button>
          )}
        </>
      )}
    </section>
  );
}
