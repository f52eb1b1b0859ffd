import { type DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { LedgerRecord } from '../domain/ledger.js';
import { translateAwsError } from './aws-errors.js';

/**
 * The append-only ledger. `append` is a conditional PutItem on (ledgerId, seq): a record is never
 * overwritten, and a second writer of the same seq gets ConcurrentUpdateError. No code here (and no
 * IAM policy) updates or deletes a record.
 */
export class LedgerStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async append(record: LedgerRecord): Promise<void> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.table,
          Item: record,
          ConditionExpression: 'attribute_not_exists(seq)',
        }),
      );
    } catch (error) {
      translateAwsError(error, `appending ledger record ${record.seq}`);
    }
  }

  async list(ledgerId: string): Promise<LedgerRecord[]> {
    const records: LedgerRecord[] = [];
    let start: Record<string, unknown> | undefined;
    try {
      do {
        const page = await this.db.send(
          new QueryCommand({
            TableName: this.table,
            KeyConditionExpression: 'ledgerId = :id',
            ExpressionAttributeValues: { ':id': ledgerId },
            ExclusiveStartKey: start,
          }),
        );
        records.push(...((page.Items ?? []) as LedgerRecord[]));
        start = page.LastEvaluatedKey;
      } while (start);
    } catch (error) {
      translateAwsError(error, 'reading the ledger');
    }
    return records;
  }
}
