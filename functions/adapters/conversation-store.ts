import { DeleteCommand, type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { translateAwsError } from './aws-errors.js';
import { queryAll } from './query.js';

/**
 * What a borrower wrote, and what an agent or visitor wrote about them (notes on a call, a visit's
 * report: functions/agent-api/notes.ts), kept like their contact details: its own table under the contact key, read
 * only to show the agent who claimed the conversation item, deleted with the borrower on erasure.
 * The ledger names an item by its id and the SHA-256 of the text, never the text.
 */
export interface ConversationEntry {
  borrowerId: string;
  itemId: string;
  /** How it came: a reply (SMS, EMAIL), or an agent's notes on a call or a visitor's report (CALL, VISIT). */
  channel: 'SMS' | 'EMAIL' | 'CALL' | 'VISIT';
  /** An agent's notes or a visit's report: the task it was recorded on (a reply has none). */
  taskId?: string;
  /** An e-mail's subject (a borrower's words too). */
  subject?: string;
  text: string;
  receivedAt: string;
}

export class ConversationStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  /** Stores the entry once: a repeated delivery of the same message (same item id) changes nothing. */
  async put(entry: ConversationEntry): Promise<{ created: boolean }> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.table,
          Item: entry,
          ConditionExpression: 'attribute_not_exists(itemId)',
        }),
      );
      return { created: true };
    } catch (error) {
      if ((error as { name?: string }).name === 'ConditionalCheckFailedException') return { created: false };
      return translateAwsError(error, 'storing a conversation entry');
    }
  }

  async get(borrowerId: string, itemId: string): Promise<ConversationEntry | undefined> {
    try {
      const out = await this.db.send(new GetCommand({ TableName: this.table, Key: { borrowerId, itemId } }));
      return out.Item as ConversationEntry | undefined;
    } catch (error) {
      return translateAwsError(error, 'reading a conversation entry');
    }
  }

  /** Right to erasure: every entry of the borrower goes (the ledger keeps only ids and hashes). */
  async erase(borrowerId: string): Promise<number> {
    const rows = await queryAll<{ itemId: string }>(
      this.db,
      {
        TableName: this.table,
        KeyConditionExpression: 'borrowerId = :b',
        ExpressionAttributeValues: { ':b': borrowerId },
        ProjectionExpression: 'itemId',
      },
      'listing conversation entries',
    );
    try {
      for (const { itemId } of rows) {
        await this.db.send(new DeleteCommand({ TableName: this.table, Key: { borrowerId, itemId } }));
      }
    } catch (error) {
      translateAwsError(error, 'erasing conversation entries');
    }
    return rows.length;
  }
}
