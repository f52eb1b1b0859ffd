import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import { CaseStore } from '../../functions/adapters/case-store.js';
import { ContactStore } from '../../functions/adapters/contact-store.js';
import { ConversationStore } from '../../functions/adapters/conversation-store.js';
import { LedgerStore } from '../../functions/adapters/ledger-store.js';
import type { LedgerWriter } from '../../functions/adapters/ledger-writer.js';
import { SealStore } from '../../functions/adapters/seal-store.js';
import { TaskStore } from '../../functions/adapters/task-store.js';
import type { BorrowerProfile, CaseRecord } from '../../functions/domain/case.js';
import type { Clock } from '../../functions/domain/clock.js';
import type { Step } from '../../functions/domain/decide.js';
import { GENESIS_HASH } from '../../functions/domain/ledger.js';
import { hmacKey } from '../../functions/domain/seal.js';
import { createLedgerWriterCore } from '../../functions/ledger-writer/core.js';
import { caseRecord } from '../domain/fixtures.js';

/** Shared fixtures for handler tests: stores over one document client (mocked per test). */
export const db = DynamoDBDocumentClient.from(
  new DynamoDBClient({ region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } }),
  {
    marshallOptions: { removeUndefinedValues: true },
  },
);
export const stores = {
  cases: new CaseStore(db, 'Cases'),
  contacts: new ContactStore(db, 'Contacts'),
  conversations: new ConversationStore(db, 'Conversations'),
  ledger: new LedgerStore(db, 'Ledger'),
  tasks: new TaskStore(db, 'Tasks'),
  seals: new SealStore(db, 'Seals'),
};
export const fixedClock = (iso: string): Clock => ({ now: () => Date.parse(iso) });
export const sealKey = hmacKey(new Uint8Array(32).fill(7), 'test:seal');

/** The ledger writer's own code over the same (mocked) tables, as the stage reaches it through Lambda. */
export const ledgerWriter = (clock: Clock = fixedClock('2026-12-11T01:00:00Z')): LedgerWriter => {
  const core = createLedgerWriterCore({ ledger: stores.ledger, seals: stores.seals, key: sealKey, clock });
  return { append: async (record, options = {}) => void (await core({ record, ...options })) };
};

export { EMAIL, loanDelinquent, PHONE } from '../borrower.js';

export const profile: BorrowerProfile = {
  borrowerId: 'B-1',
  timeZone: 'Asia/Shanghai',
  locale: 'zh-CN',
  optOuts: {},
  contactPoints: { SMS: { verified: false }, EMAIL: { verified: false } },
  calls: [],
};

export const kase: CaseRecord = caseRecord();

/** The rows one Query of the borrower's partition returns. */
export const borrowerRows = (c: CaseRecord = kase, p: BorrowerProfile = profile) => [
  { pk: 'BORROWER#B-1', sk: 'PROFILE', rev: 1, doc: p },
  {
    pk: 'BORROWER#B-1',
    sk: `CASE#${c.loanId}#${c.cycle}`,
    rev: 3,
    doc: c,
    loanId: c.loanId,
    borrowerId: 'B-1',
  },
];

export const firstStep: Step = {
  outcome: 'NEXT',
  stage: '',
  wakeAt: '2026-12-11T01:00:00.000Z',
  resumeStage: '',
  ledger: { seq: 0, hash: GENESIS_HASH },
};

export const lambdaContext = {
  functionName: 'test',
  awsRequestId: 'req-1',
  getRemainingTimeInMillis: () => 10_000,
} as unknown as Context;
