import { useState } from 'preact/hooks';
import { TaskOutcomeSchema } from '../../functions/agent-api/outcomes.js';
import { ApiError } from '../shared/api.js';
import type { Lang } from '../shared/i18n.js';
import { d } from './strings.js';

type Row = { amount: string; date: string };

/** The outcome's body as the API takes it, from what the form holds. */
function bodyOf(outcome: string, promise: Row, plan: Row[], report: string): unknown {
  if (outcome === 'PROMISE_TO_PAY') return { outcome, promise };
  if (outcome === 'PLAN_AGREED') return { outcome, plan: { instalments: plan } };
  if (outcome === 'VISIT_REPORTED') return { outcome, report };
  return { outcome };
}

/**
 * The outcome form: checked in the page with the API's own schema (functions/agent-api/outcomes.ts,
 * one definition), so a malformed amount or date is shown at its field before anything is sent; what
 * only the server can check (the policy's limits, the contact hours) comes back as the API's 400 and
 * is shown at the field it names.
 */
export function OutcomeForm(props: {
  lang: Lang;
  outcomes: string[];
  submit: (body: unknown) => Promise<void>;
}) {
  const { lang } = props;
  const [outcome, setOutcome] = useState(props.outcomes[0] ?? '');
  const [promise, setPromise] = useState<Row>({ amount: '', date: '' });
  const [plan, setPlan] = useState<Row[]>([{ amount: '', date: '' }]);
  const [report, setReport] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);

  async function onSubmit(e: Event) {
    e.preventDefault();
    const body = bodyOf(outcome, promise, plan, report);
    const parsed = TaskOutcomeSchema().safeParse(body);
    if (!parsed.success) {
      // The first problem of each field (a malformed date is not also said to be no calendar date).
      const found: Record<string, string> = {};
      for (const issue of parsed.error.issues) found[issue.path.join('.')] ??= issue.message;
      setErrors(found);
      return;
    }
    setErrors({});
    setBusy(true);
    try {
      await props.submit(parsed.data);
    } catch (error) {
      // The API names the field first ("promise: not after ..."); the form shows it there.
      if (error instanceof ApiError && error.status === 400) {
        const [field, ...rest] = error.message.split(': ');
        setErrors({ [field ?? 'outcome']: rest.join(': ') || error.message });
      } else throw error;
    } finally {
      setBusy(false);
    }
  }

  const field = (
    name: string,
    label: string,
    value: string,
    set: (v: string) => void,
    inputMode?: string,
  ) => {
    const id = `f-${name.replaceAll('.', '-')}`;
    const error = errors[name] ?? (name.startsWith('promise') ? errors.promise : undefined);
    return (
      <>
        <label for={id}>{label}</label>
        <input
          id={id}
          name={name}
          value={value}
          inputMode={inputMode as 'decimal' | undefined}
          aria-invalid={error ? 'true' : undefined}
          aria-describedby={error ? `${id}-error` : undefined}
          onInput={(e) => set((e.target as HTMLInputElement).value)}
        />
        {error && (
          <p id={`${id}-error`} class="error" role="alert">
            {d(lang, 'fieldError')}: {error}
          </p>
        )}
      </>
    );
  };

  return (
    <form onSubmit={onSubmit} noValidate>
      <label for="f-outcome">{d(lang, 'outcome')}</label>
      <select
        id="f-outcome"
        value={outcome}
        onChange={(e) => setOutcome((e.target as HTMLSelectElement).value)}
      >
        {props.outcomes.map((o) => (
          <option key={o} value={o}>
            {o}
          </option>
        ))}
      </select>
      {errors.outcome && (
        <p class="error" role="alert">
          {d(lang, 'fieldError')}: {errors.outcome}
        </p>
      )}
      {outcome === 'PROMISE_TO_PAY' && (
        <fieldset>
          <legend>{d(lang, 'promisePending')}</legend>
          {field(
            'promise.amount',
            d(lang, 'amount'),
            promise.amount,
            (v) => setPromise({ ...promise, amount: v }),
            'decimal',
          )}
          {field('promise.date', d(lang, 'date'), promise.date, (v) => setPromise({ ...promise, date: v }))}
        </fieldset>
      )}
      {outcome === 'PLAN_AGREED' && (
        <fieldset>
          <legend>{d(lang, 'instalments')}</legend>
          {plan.map((row, i) => (
            <div key={String(i)}>
              {field(`plan.instalments.${i}.amount`, `${i + 1}. ${d(lang, 'amount')}`, row.amount, (v) =>
                setPlan(plan.map((r, j) => (j === i ? { ...r, amount: v } : r))),
              )}
              {field(`plan.instalments.${i}.date`, `${i + 1}. ${d(lang, 'date')}`, row.date, (v) =>
                setPlan(plan.map((r, j) => (j === i ? { ...r, date: v } : r))),
              )}
            </div>
          ))}
          <button
            type="button"
            class="secondary"
            onClick={() => setPlan([...plan, { amount: '', date: '' }])}
          >
            {d(lang, 'addInstalment')}
          </button>
        </fieldset>
      )}
      {outcome === 'VISIT_REPORTED' && (
        <>
          <label for="f-report">{d(lang, 'report')}</label>
          <textarea
            id="f-report"
            value={report}
            onInput={(e) => setReport((e.target as HTMLTextAreaElement).value)}
          />
          {errors.report && (
            <p class="error" role="alert">
              {d(lang, 'fieldError')}: {errors.report}
            </p>
          )}
        </>
      )}
      <p>
        <button type="submit" disabled={busy}>
          {d(lang, 'record')}
        </button>
      </p>
    </form>
  );
}
