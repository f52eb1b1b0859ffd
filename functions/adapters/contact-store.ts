import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { ConcurrentUpdateError } from '../domain/errors.js';
import type { PendingChange } from '../domain/otp.js';
import { translateAwsError } from './aws-errors.js';
import { queryAll } from './query.js';

/** A borrower's contact details: the only place they are stored (own KMS key, own table). */
export interface ContactDetails {
  borrowerId: string;
  name: string;
  phone: string;
  email: string;
  /**
   * A new phone number or e-mail address waiting for its one-time code (functions/domain/otp.ts):
   * nothing but the code is sent to it until the code is typed. Intake's next write of the details
   * (a whole item) drops it.
   */
  pendingChange?: PendingChange;
  /** When codes were sent (the last hour's count limits them). */
  codeSends?: string[];
}

/** The pending change as stored: its attempts live in their own attribute (pendingAttempts). */
const stored = ({ attempts: _attempts, ...rest }: PendingChange) => rest;

/** A conditional write that lost: someone changed the pending change first. */
const lost = (error: unknown, what: string): never => {
  if ((error as { name?: string })?.name === 'ConditionalCheckFailedException')
    throw new ConcurrentUpdateError(`${what}: the pending change changed`);
  return translateAwsError(error, what);
};

export class ContactStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async get(borrowerId: string): Promise<ContactDetails | undefined> {
    try {
      const out = await this.db.send(new GetCommand({ TableName: this.table, Key: { borrowerId } }));
      if (!out.Item) return undefined;
      // The pending change's attempt count is its own attribute (a top-level number the conditional
      // updates compare); the caller sees one PendingChange.
      const { pendingAttempts, ...item } = out.Item as ContactDetails & { pendingAttempts?: number };
      if (item.pendingChange) item.pendingChange = { ...item.pendingChange, attempts: pendingAttempts ?? 0 };
      return item;
    } catch (error) {
      return translateAwsError(error, 'reading contact details');
    }
  }

  /**
   * Stores the details. With `keepIfSame`, the write is first conditional on the stored phone number
   * and e-mail address being the ones given: it tells whether they changed (and so whether their
   * verification still holds) without granting this writer any read of the table.
   */
  async put(contact: ContactDetails, keepIfSame = false): Promise<{ samePoints: boolean }> {
    try {
      if (keepIfSame) {
        try {
          await this.db.send(
            new PutCommand({
              TableName: this.table,
              Item: contact,
              ConditionExpression: 'phone = :phone AND email = :email',
              ExpressionAttributeValues: { ':phone': contact.phone, ':email': contact.email },
            }),
          );
          return { samePoints: true };
        } catch (error) {
          if ((error as { name?: string })?.name !== 'ConditionalCheckFailedException') throw error;
        }
      }
      await this.db.send(new PutCommand({ TableName: this.table, Item: contact }));
      return { samePoints: false };
    } catch (error) {
      return translateAwsError(error, 'storing contact details');
    }
  }

  /** The borrowers with this phone number (a family may share one), by the keys-only byPhone index. */
  async borrowersByPhone(phone: string): Promise<string[]> {
    const rows = await queryAll<{ borrowerId: string }>(
      this.db,
      {
        TableName: this.table,
        IndexName: 'byPhone',
        KeyConditionExpression: 'phone = :phone',
        ExpressionAttributeValues: { ':phone': phone },
      },
      'finding the borrower by phone',
    );
    return [...new Set(rows.map((r) => r.borrowerId))];
  }

  /** The borrowers with this e-mail address, by the keys-only byEmail index (who replied by e-mail). */
  async borrowersByEmail(email: string): Promise<string[]> {
    const rows = await queryAll<{ borrowerId: string }>(
      this.db,
      {
        TableName: this.table,
        IndexName: 'byEmail',
        KeyConditionExpression: 'email = :email',
        ExpressionAttributeValues: { ':email': email },
      },
      'finding the borrower by e-mail',
    );
    return [...new Set(rows.map((r) => r.borrowerId))];
  }

  /** Stores a pending change and the send times, on the borrower's existing item only. */
  async startChange(borrowerId: string, pending: PendingChange, codeSends: string[]): Promise<void> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { borrowerId },
          UpdateExpression:
            'SET pendingChange = :p, pendingCodeHash = :h, pendingAttempts = :n, codeSends = :s',
          ConditionExpression: 'attribute_exists(borrowerId)',
          ExpressionAttributeValues: {
            ':p': stored(pending),
            ':h': pending.codeHash,
            ':n': pending.attempts,
            ':s': codeSends,
          },
        }),
      );
    } catch (error) {
      lost(error, 'storing the pending contact change');
    }
  }

  /** One more wrong code, if the pending change is still this code with this many attempts. */
  async countAttempt(borrowerId: string, current: PendingChange): Promise<void> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { borrowerId },
          UpdateExpression: 'SET pendingAttempts = :next',
          ConditionExpression: 'pendingCodeHash = :h AND pendingAttempts = :n',
          ExpressionAttributeValues: {
            ':h': current.codeHash,
            ':n': current.attempts,
            ':next': current.attempts + 1,
          },
        }),
      );
    } catch (error) {
      lost(error, 'counting a code attempt');
    }
  }

  /** The verified point replaces the old one, if the pending change is still this code with this many attempts. */
  async applyChange(borrowerId: string, current: PendingChange): Promise<void> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { borrowerId },
          UpdateExpression: 'SET #point = :point REMOVE pendingChange, pendingCodeHash, pendingAttempts',
          ConditionExpression: 'pendingCodeHash = :h AND pendingAttempts = :n',
          ExpressionAttributeNames: { '#point': current.channel === 'SMS' ? 'phone' : 'email' },
          ExpressionAttributeValues: {
            ':point': current.point,
            ':h': current.codeHash,
            ':n': current.attempts,
          },
        }),
      );
    } catch (error) {
      lost(error, 'applying the contact change');
    }
  }

  /** Right to erasure: the contact details go; the ledger, which never held them, stays verifiable. */
  async erase(borrowerId: string): Promise<void> {
    try {
      await this.db.send(new DeleteCommand({ TableName: this.table, Key: { borrowerId } }));
    } catch (error) {
      translateAwsError(error, 'erasing contact details');
    }
  }
}
