import { useState } from 'preact/hooks';
import { type Lang, t } from '../shared/i18n.js';
import type { LoanView } from './types.js';

/** Posts an action of this loan (loan.tsx's Act). */
type Act = (path: string, body?: unknown) => Promise<void>;

const REASONS = ['NOT_MINE', 'WRONG_AMOUNT', 'ALREADY_PAID', 'OTHER'] as const;

/**
 * The file as standard base64 (what the API takes in `document`), read when the form is sent. The API
 * decides what it accepts from the bytes (PDF, JPEG, PNG, at most 4 MiB): `accept` is a hint to the
 * picker only.
 */
async function base64Of(file: Blob): Promise<string> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000)
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/** The dispute: a reason code and, optionally, one document (a statement, a receipt). */
export function DisputeForm({ lang, loan, act }: { lang: Lang; loan: LoanView; act: Act }) {
  const [reason, setReason] = useState<string>(REASONS[0]);
  const [file, setFile] = useState<File | undefined>(undefined);
  const id = `d-${loan.loanId}`;
  return (
    <form
      onSubmit={async (e) => {
        e.preventDefault();
        const document = file ? await base64Of(file) : undefined;
        await act(`/loans/${encodeURIComponent(loan.loanId)}/dispute`, {
          reason,
          ...(document ? { document } : {}),
        });
      }}
    >
      <label for={id}>{t(lang, 'disputeReason')}</label>
      <select id={id} value={reason} onChange={(e) => setReason(e.currentTarget.value)}>
        {REASONS.map((r) => (
          <option key={r} value={r}>
            {t(lang, r)}
          </option>
        ))}
      </select>
      <label for={`${id}-file`}>{t(lang, 'disputeDocument')}</label>
      <input
        id={`${id}-file`}
        type="file"
        accept="application/pdf,image/jpeg,image/png"
        aria-describedby={`${id}-hint`}
        onChange={(e) => setFile(e.currentTarget.files?.[0])}
      />
      <p id={`${id}-hint`}>{t(lang, 'disputeDocumentHint')}</p>
      <button type="submit" class="secondary">
        {t(lang, 'dispute')}
      </button>
    </form>
  );
}
