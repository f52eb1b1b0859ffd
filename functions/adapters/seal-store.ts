import {
  type DynamoDBDocumentClient,
  PutCommand,
  ScanCommand,
  type ScanCommandInput,
  type ScanCommandOutput,
} from '@aws-sdk/lib-dynamodb';
import type { LedgerSeal } from '../domain/seal.js';
import { translateAwsError } from './aws-errors.js';
import { queryAll } from './query.js';

/**
 * The seals of the ledger's records (functions/domain/seal.ts), one item per record: (ledgerId, seq).
 * Only the ledger writer may put one, conditionally, so a seal is never replaced; nobody may update
 * or delete. The auditors scan them.
 */
export class SealStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  /** Puts the seal; `false` when the record was sealed already (a retried append). */
  async put(seal: LedgerSeal): Promise<boolean> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.table,
          Item: seal,
          ConditionExpression: 'attribute_not_exists(seq)',
        }),
      );
      return true;
    } catch (error) {
      if ((error as { name?: string }).name === 'ConditionalCheckFailedException') return false;
      return translateAwsError(error, `sealing ledger record ${seal.seq}`);
    }
  }

  /** The seals of one chain (a Query: the auditor's check of a chain another segment's Scan sealed). */
  list(ledgerId: string): Promise<LedgerSeal[]> {
    return queryAll<LedgerSeal>(
      this.db,
      {
        TableName: this.table,
        KeyConditionExpression: 'ledgerId = :id',
        ExpressionAttributeValues: { ':id': ledgerId },
      },
      'reading the seals',
    );
  }

  /**
   * Every seal, a page at a time. With `segment`, the part of the table parallel Scan gives that
   * segment: a chain's seals are all in one (they share its partition key), but not necessarily in
   * the segment of the same number of the ledger's Scan (functions/audit/segment.ts reconciles).
   */
  async *scan(segment?: { segment: number; totalSegments: number }): AsyncGenerator<LedgerSeal[]> {
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
        return translateAwsError(error, 'scanning the seals');
      }
      yield (page.Items ?? []) as LedgerSeal[];
      start = page.LastEvaluatedKey;
    } while (start);
  }
}
