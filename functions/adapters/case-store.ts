import { type DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { BorrowerProfile, CallRecord, CaseRecord, NoticeKind } from '../domain/case.js';
import type { SendReceipt } from '../domain/ledger.js';
import type { PolicyVersion } from '../domain/policy.js';
import { translateAwsError } from './aws-errors.js';
import { queryAll } from './query.js';

/**
 * Cases and borrower profiles in one table, one partition per borrower (see tables.ts). Items carry a
 * revision number; every write is conditional on the revision it read (optimistic concurrency), so
 * two writers never silently overwrite each other: the loser gets ConcurrentUpdateError and retries.
 */
export interface Stored<T> {
  item: T;
  rev: number;
}

export interface BorrowerView {
  profile: Stored<BorrowerProfile> | undefined;
  cases: Array<Stored<CaseRecord>>;
  /** Messages sent by a stage attempt whose ledger record could not be written (see saveReceipt). */
  receipts: SendReceipt[];
}

const borrowerPk = (borrowerId: string) => `BORROWER#${borrowerId}`;
const caseSk = (loanId: string, cycle: number) => `CASE#${loanId}#${cycle}`;
const receiptSk = (loanId: string, cycle: number) => `RECEIPT#${loanId}#${cycle}`;
const linePk = (lineId: string) => `LINE#${lineId}`;
const messagePk = (ref: string) => `MSG#${ref}`;

/**
 * Which loan a message belongs to, by the provider's reference (an SNS or SES message id, a letter's
 * key): a delivery report names only the message, and the delivery function finds the loan here.
 */
export interface MessageRef {
  ref: string;
  borrowerId: string;
  loanId: string;
  cycle: number;
  stage: string;
  channel: string;
  /** The contact record the send is in, and the policy and rule pack that decided it. */
  seq: number;
  sentAt: string;
  policyId: string;
  policyVersion: PolicyVersion;
  rulePackId: string;
  rulePackVersion: string;
  /** The notice this message is, if a later stage waits for its delivery. */
  noticeFor?: NoticeKind;
}

/** A phone line's recent calls, whoever they were about: borrowers who share a number share its cap. */
export interface LineCalls {
  lineId: string;
  calls: CallRecord[];
}

type Row = Record<string, unknown> & { pk: string; sk: string; rev: number; doc: unknown };

export class CaseStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  /** One Query: the borrower's profile and every case of theirs. */
  async borrowerView(borrowerId: string): Promise<BorrowerView> {
    const rows = await queryAll<Row>(
      this.db,
      {
        TableName: this.table,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': borrowerPk(borrowerId) },
      },
      'reading the borrower',
    );
    const profileRow = rows.find((r) => r.sk === 'PROFILE');
    return {
      profile: profileRow ? { item: profileRow.doc as BorrowerProfile, rev: profileRow.rev } : undefined,
      cases: rows
        .filter((r) => r.sk.startsWith('CASE#'))
        .map((r) => ({ item: r.doc as CaseRecord, rev: r.rev })),
      receipts: rows.filter((r) => r.sk.startsWith('RECEIPT#')).map((r) => r.doc as SendReceipt),
    };
  }

  /**
   * Keeps what a stage attempt sent when its ledger record failed to write, in the borrower's
   * partition: the retry's Query reads it at no extra cost and records it instead of sending again.
   * One item per loan cycle, overwritten by the next receipt (a stale one has a lower seq); written
   * only on that failure path, so a stage that records normally pays nothing for it.
   */
  async saveReceipt(borrowerId: string, receipt: SendReceipt): Promise<void> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.table,
          Item: {
            pk: borrowerPk(borrowerId),
            sk: receiptSk(receipt.loanId, receipt.cycle),
            borrowerId,
            rev: 1,
            doc: receipt,
          },
        }),
      );
    } catch (error) {
      translateAwsError(error, 'saving the send receipt');
    }
  }

  /** The borrower of a loan's cases, by the byLoan index (events carry only the loan id). */
  async borrowerOfLoan(loanId: string): Promise<string | undefined> {
    try {
      const page = await this.db.send(
        new QueryCommand({
          TableName: this.table,
          IndexName: 'byLoan',
          KeyConditionExpression: 'loanId = :l',
          ExpressionAttributeValues: { ':l': loanId },
          Limit: 1,
        }),
      );
      const row = page.Items?.[0] as Row | undefined;
      return row ? (row.borrowerId as string) : undefined;
    } catch (error) {
      return translateAwsError(error, 'finding the loan');
    }
  }

  /** Notes which loan a sent message belongs to (idempotent: the same message gives the same item). */
  async saveMessageRef(m: MessageRef): Promise<void> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.table,
          Item: { pk: messagePk(m.ref), sk: 'MSG', borrowerId: m.borrowerId, rev: 1, doc: m },
        }),
      );
    } catch (error) {
      translateAwsError(error, 'noting the message');
    }
  }

  async messageRef(ref: string): Promise<MessageRef | undefined> {
    const [row] = await queryAll<Row>(
      this.db,
      {
        TableName: this.table,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': messagePk(ref) },
      },
      'finding the message',
    );
    return row?.doc as MessageRef | undefined;
  }

  /** The call log of a phone line (by its pseudonym), read only by the call decisions. */
  async lineCalls(lineId: string): Promise<Stored<LineCalls> | undefined> {
    const [row] = await queryAll<Row>(
      this.db,
      {
        TableName: this.table,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': linePk(lineId) },
      },
      'reading the phone line',
    );
    return row ? { item: row.doc as LineCalls, rev: row.rev } : undefined;
  }

  saveLineCalls(line: LineCalls, expectedRev: number | undefined): Promise<number> {
    return this.put({ pk: linePk(line.lineId), sk: 'CALLS' }, line, expectedRev, 'phone line');
  }

  /** Writes a profile; `expectedRev` undefined means "must not exist yet". */
  saveProfile(profile: BorrowerProfile, expectedRev: number | undefined): Promise<number> {
    return this.put(
      { pk: borrowerPk(profile.borrowerId), sk: 'PROFILE', borrowerId: profile.borrowerId },
      profile,
      expectedRev,
      'profile',
    );
  }

  saveCase(c: CaseRecord, expectedRev: number | undefined): Promise<number> {
    return this.put(
      {
        pk: borrowerPk(c.borrowerId),
        sk: caseSk(c.loanId, c.cycle),
        borrowerId: c.borrowerId,
        loanId: c.loanId,
      },
      c,
      expectedRev,
      'case',
    );
  }

  private async put(
    keys: Record<string, string>,
    doc: unknown,
    expectedRev: number | undefined,
    what: string,
  ) {
    const rev = (expectedRev ?? 0) + 1;
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.table,
          Item: { ...keys, rev, doc },
          ...(expectedRev === undefined
            ? { ConditionExpression: 'attribute_not_exists(pk)' }
            : { ConditionExpression: 'rev = :rev', ExpressionAttributeValues: { ':rev': expectedRev } }),
        }),
      );
    } catch (error) {
      translateAwsError(error, `saving the ${what}`);
    }
    return rev;
  }
}
