import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { translateAwsError } from './aws-errors.js';

/** An open human task in the work queue. The token stays here: only the completer uses it. */
export interface HumanTask {
  taskId: string;
  queue: 'agent-calls' | 'field-visits' | 'plan-signing' | 'specialist';
  loanId: string;
  cycle: number;
  borrowerId: string;
  stage: string;
  openedAt: string;
  status: 'OPEN' | 'DONE';
  /** The callback token of the waiting execution; none for specialist work items (the ladder ended). */
  token?: string;
  /** What the agent reported (a visit report): kept here, never sent into the execution. */
  report?: string;
}

export type PublicTask = Omit<HumanTask, 'token'>;

export class TaskStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  /** Opens a task; `created` is false when a task with this id is already open (a retried opening). */
  async open(task: HumanTask): Promise<{ created: boolean }> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.table,
          Item: task,
          ConditionExpression: 'attribute_not_exists(taskId)',
        }),
      );
      return { created: true };
    } catch (error) {
      if ((error as { name?: string }).name === 'ConditionalCheckFailedException') return { created: false };
      return translateAwsError(error, 'opening the task');
    }
  }

  /** Points an open task at a new callback token; ConcurrentUpdateError when it is no longer open. */
  async retoken(taskId: string, token: string): Promise<void> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { taskId },
          UpdateExpression: 'SET #t = :token',
          ConditionExpression: '#s = :open',
          ExpressionAttributeNames: { '#t': 'token', '#s': 'status' },
          ExpressionAttributeValues: { ':token': token, ':open': 'OPEN' },
        }),
      );
    } catch (error) {
      translateAwsError(error, 're-pointing the task');
    }
  }

  async get(taskId: string): Promise<HumanTask | undefined> {
    try {
      const out = await this.db.send(new GetCommand({ TableName: this.table, Key: { taskId } }));
      return out.Item as HumanTask | undefined;
    } catch (error) {
      return translateAwsError(error, 'reading the task');
    }
  }

  /** Marks a task done; fails with ConcurrentUpdateError when someone else completed it first. */
  async complete(taskId: string, report?: string): Promise<void> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { taskId },
          UpdateExpression: report ? 'SET #s = :done, report = :report' : 'SET #s = :done',
          ConditionExpression: '#s = :open',
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: {
            ':done': 'DONE',
            ':open': 'OPEN',
            ...(report ? { ':report': report } : {}),
          },
        }),
      );
    } catch (error) {
      translateAwsError(error, 'completing the task');
    }
  }

  async listOpen(queue: HumanTask['queue']): Promise<PublicTask[]> {
    try {
      const out = await this.db.send(
        new QueryCommand({
          TableName: this.table,
          IndexName: 'byQueue',
          KeyConditionExpression: '#q = :q',
          FilterExpression: '#s = :open',
          ExpressionAttributeNames: { '#q': 'queue', '#s': 'status' },
          ExpressionAttributeValues: { ':q': queue, ':open': 'OPEN' },
        }),
      );
      return ((out.Items ?? []) as HumanTask[]).map(({ token: _token, ...task }) => task);
    } catch (error) {
      return translateAwsError(error, 'listing tasks');
    }
  }
}
