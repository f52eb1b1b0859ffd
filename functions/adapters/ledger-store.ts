import {
  type DynamoDBDocumentClient,
  PutCommand,
  QueryCommand,
  ScanCommand,
  type ScanCommandInput,
  type ScanCommandOutput,
} from '@aws-sdk/lib-dynamodb';
import type { LedgerRecord } from '../domain/ledger.js';
import { translateAwsError } from './aws-errors.js';
import { queryAll } from './query.js';

/**
 * The append-only ledger. `append` is a conditional PutItem on (ledgerId, seq): a record is never
 * overwritten, and a second writer of the same seq gets ConcurrentUpdateError. No code here (and no
 * IAM policy) updates or deletes a record. `scan` is the auditor's read of the whole table.
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

  /** One record by its seq (a Query on the key: the functions hold Query, not GetItem, on the ledger). */
  async get(ledgerId: string, seq: number): Promise<LedgerRecord | undefined> {
    const [record] = await queryAll<LedgerRecord>(
      this.db,
      {
        TableName: this.table,
        KeyConditionExpression: 'ledgerId = :id AND seq = :seq',
        ExpressionAttributeValues: { ':id': ledgerId, ':seq': seq },
      },
      `reading ledger record ${seq}`,
    );
    return record;
  }

  /** The newest record of a chain (one Query, newest first, one item). */
  async latest(ledgerId: string): Promise<LedgerRecord | undefined> {
    try {
      const out = await this.db.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: 'ledgerId = :id',
          ExpressionAttributeValues: { ':id': ledgerId },
          ScanIndexForward: false,
          Limit: 1,
        }),
      );
      return out.Items?.[0] as LedgerRecord | undefined;
    } catch (error) {
      return translateAwsError(error, 'reading the newest ledger record');
    }
  }

  list(ledgerId: string): Promise<LedgerRecord[]> {
    return queryAll<LedgerRecord>(
      this.db,
      {
        TableName: this.table,
        KeyConditionExpression: 'ledgerId = :id',
        ExpressionAttributeValues: { ':id': ledgerId },
      },
      'reading the ledger',
    );
  }

  /**
   * Every record, a page at a time (Scan follows LastEvaluatedKey). With `segment`/`totalSegments`
   * several auditors split the table; all records of one chain fall in one segment.
   */
  async *scan(segment?: { segment: number; totalSegments: number }): AsyncGenerator<LedgerRecord[]> {
    let start: ScanCommandInput['ExclusiveStartKey'];
    do {
      let page: ScanCommandOutput;
      try {
        page = await this.db.send(
          new ScanCommand({
            TableName: this.table,
            ExclusiveStartKey: start,
            ...(segment ? { Segment: segment.segment, TotalSegments: segment.totalSegments } : {}),
          }),
        );
      } catch (error) {
        return translateAwsError(error, 'scanning the ledger');
      }
      yield (page.Items ?? []) as unknown as LedgerRecord[];
      start = page.LastEvaluatedKey;
    } while (start);
  }
}
