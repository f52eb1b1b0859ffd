import { DeleteCommand, type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { translateAwsError } from './aws-errors.js';
import { queryAll } from './query.js';

/** A borrower's contact details: the only place they are stored (own KMS key, own table). */
export interface ContactDetails {
  borrowerId: string;
  name: string;
  phone: string;
  email: string;
}

export class ContactStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async get(borrowerId: string): Promise<ContactDetails | undefined> {
    try {
      const out = await this.db.send(new GetCommand({ TableName: this.table, Key: { borrowerId } }));
      return out.Item as ContactDetails | undefined;
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

  /** Right to erasure: the contact details go; the ledger, which never held them, stays verifiable. */
  async erase(borrowerId: string): Promise<void> {
    try {
      await this.db.send(new DeleteCommand({ TableName: this.table, Key: { borrowerId } }));
    } catch (error) {
      translateAwsError(error, 'erasing contact details');
    }
  }
}
