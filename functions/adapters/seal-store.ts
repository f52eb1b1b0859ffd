import {
  type DynamoDBDocumentClient,
  PutCommand,
  ScanCommand,
  type ScanCommandInput,
  type ScanCommandOutput,
} from '@aws-sdk/lib-dynamodb';
import type { LedgerSeal } from '../domain/seal.js';
import { translateAwsError } from './aws-errors.js';

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

  /** Every seal, a page at a time (same segments as the ledger's scan: a chain's seals share a segment). */
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
