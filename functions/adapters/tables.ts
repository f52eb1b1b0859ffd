/**
 * The one definition of each DynamoDB table's keys and indexes. The CDK stack and the local runtime
 * (which creates the same tables in the embedded store) both read it, so they cannot drift apart.
 *
 * - cases:    pk = "BORROWER#<borrowerId>", sk = "PROFILE" | "CASE#<loanId>#<cycle>" | "EVENT#<eventId>".
 *             One Query on a borrower's partition returns the profile (opt-outs, call counters) and
 *             every open case of that borrower: a contact decision that must see all of a
 *             borrower's loans (caps across loans) costs one request.
 *             GSI byLoan: loanId -> the borrower's partition, for events that carry only the loan id.
 * - contacts: pk = borrowerId. Names, phone numbers, e-mail addresses: the only place they live,
 *             under their own customer-managed KMS key, readable only by the functions that contact.
 *             GSI byPhone: phone -> borrowerId (keys only: no name or e-mail in the index), for the
 *             inbound SMS function, which finds who replied STOP and may Query only this index.
 * - ledger:   pk = loanId#cycle, sk = seq. The append-only audit ledger: one record per contact
 *             decision, hash-chained per loan. Functions may PutItem (conditional) and Query, never
 *             UpdateItem or DeleteItem.
 * - seals:    pk = ledgerId, sk = seq. One seal (a MAC under the ledger key) per ledger record, put by
 *             the ledger writer alone; nobody may update or delete (functions/domain/seal.ts).
 * - conversations: pk = borrowerId, sk = itemId. What a borrower wrote (an SMS or e-mail reply), under
 *             the contact key like the contacts table: written by the inbound function, read only by
 *             the work-queue API for the agent who claimed the item, deleted by erasure.
 *             GSI byEmail on contacts (keys only) finds who replied by e-mail.
 * - tasks:    pk = taskId. The work queue of human tasks (agent calls, field visits, plan signing,
 *             specialist). Sparse GSI openByQueue: openQueue + openedAt, set only while a task is
 *             open, so a queue lists in time to its open tasks however many are done. Finished
 *             tasks expire through the TTL attribute expiresAt.
 */
export interface KeyDef {
  name: string;
  type: 'S' | 'N';
}
export interface TableDef {
  /** Logical id in CDK and the local table name. */
  id: 'Cases' | 'Contacts' | 'Conversations' | 'Ledger' | 'Seals' | 'Tasks';
  partitionKey: KeyDef;
  sortKey?: KeyDef;
  /** The attribute DynamoDB's TTL deletes items by (epoch seconds), if the table has one. */
  ttlAttribute?: string;
  indexes: Array<{
    name: string;
    partitionKey: KeyDef;
    sortKey?: KeyDef;
    /** ALL unless the index must not copy the other attributes (KEYS_ONLY: the keys and the table's key). */
    projection?: 'ALL' | 'KEYS_ONLY';
  }>;
}

export const TABLES: Record<'cases' | 'contacts' | 'conversations' | 'ledger' | 'seals' | 'tasks', TableDef> =
  {
    cases: {
      id: 'Cases',
      partitionKey: { name: 'pk', type: 'S' },
      sortKey: { name: 'sk', type: 'S' },
      indexes: [
        { name: 'byLoan', partitionKey: { name: 'loanId', type: 'S' }, sortKey: { name: 'sk', type: 'S' } },
      ],
    },
    contacts: {
      id: 'Contacts',
      partitionKey: { name: 'borrowerId', type: 'S' },
      indexes: [
        { name: 'byPhone', partitionKey: { name: 'phone', type: 'S' }, projection: 'KEYS_ONLY' },
        { name: 'byEmail', partitionKey: { name: 'email', type: 'S' }, projection: 'KEYS_ONLY' },
      ],
    },
    conversations: {
      id: 'Conversations',
      partitionKey: { name: 'borrowerId', type: 'S' },
      sortKey: { name: 'itemId', type: 'S' },
      indexes: [],
    },
    ledger: {
      id: 'Ledger',
      partitionKey: { name: 'ledgerId', type: 'S' },
      sortKey: { name: 'seq', type: 'N' },
      indexes: [],
    },
    seals: {
      id: 'Seals',
      partitionKey: { name: 'ledgerId', type: 'S' },
      sortKey: { name: 'seq', type: 'N' },
      indexes: [],
    },
    tasks: {
      id: 'Tasks',
      partitionKey: { name: 'taskId', type: 'S' },
      ttlAttribute: 'expiresAt',
      indexes: [
        {
          name: 'openByQueue',
          partitionKey: { name: 'openQueue', type: 'S' },
          sortKey: { name: 'openedAt', type: 'S' },
        },
      ],
    },
  };

/** Environment variables that carry the tables' names into the functions. */
export const TABLE_ENV = {
  cases: 'CASES_TABLE',
  contacts: 'CONTACTS_TABLE',
  conversations: 'CONVERSATIONS_TABLE',
  ledger: 'LEDGER_TABLE',
  seals: 'SEALS_TABLE',
  tasks: 'TASKS_TABLE',
} as const;
