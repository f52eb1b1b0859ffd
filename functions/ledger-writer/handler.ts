import { lambdaHandler } from '../adapters/handler.js';
import { createLedgerWriterCore, type LedgerWriterDeps } from './core.js';

/** Invoked synchronously by the stage function with `{record}`; answers the record's seq and hash. */
export function buildLedgerWriterHandler(deps: LedgerWriterDeps) {
  return lambdaHandler('LedgerWriter', createLedgerWriterCore(deps));
}
