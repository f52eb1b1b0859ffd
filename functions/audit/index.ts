import { documentClient, stores } from '../adapters/env.js';
import { buildAuditHandler } from './handler.js';

export const handler = buildAuditHandler({ ledger: stores(documentClient()).ledger() });
