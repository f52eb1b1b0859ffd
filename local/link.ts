import { CaseStore } from '../functions/adapters/case-store.js';
import { TABLES } from '../functions/adapters/tables.js';
import { ValidationError } from '../functions/domain/errors.js';
import { Id } from '../functions/domain/events.js';
import { linkIssuer, newLinkId } from '../functions/domain/links.js';
import { withDataDir } from './data-dir.js';
import { keyFile, readKeyFile } from './keys.js';
import { localTableName } from './services/store.js';

/**
 * `ladder link --loan ID --data DIR`: a fresh signed link to the borrower's page for one loan, signed
 * with the data directory's link key (the one `ladder serve --data DIR` checks links with), for the
 * borrower the store says the loan is theirs. Prints the URL only: no contact detail is read.
 */
export async function localLink(opts: {
  loan: string;
  data: string;
  base: string;
  /** Whose loan it is, when the store is in use (`ladder serve --data` holds its lock). */
  borrower?: string;
  now?: number;
}): Promise<string> {
  for (const [flag, id] of [
    ['--loan', opts.loan],
    ['--borrower', opts.borrower],
  ] as const) {
    if (id !== undefined && !Id().safeParse(id).success)
      throw new ValidationError(`${flag}: letters, digits and . _ : - only`);
  }
  const key = readKeyFile(keyFile(opts.data, 'link'));
  const borrowerId =
    opts.borrower ??
    (await withDataDir(opts.data, (db) =>
      new CaseStore(db, localTableName(TABLES.cases)).borrowerOfLoan(opts.loan),
    ));
  if (!borrowerId) throw new ValidationError(`--loan ${opts.loan}: no such loan in ${opts.data}`);
  return linkIssuer(key, () => opts.base, newLinkId).issue(borrowerId, [opts.loan], opts.now ?? Date.now());
}
