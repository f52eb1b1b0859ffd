import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
  type UpdateCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { TASK_QUEUES, type TaskQueue } from '../domain/case.js';
import { ConcurrentUpdateError, ValidationError } from '../domain/errors.js';
import { translateAwsError } from './aws-errors.js';

export { TASK_QUEUES, type TaskQueue };

/** A human task in the work queue. The token stays here: only the completer uses it. */
export interface HumanTask {
  taskId: string;
  queue: TaskQueue;
  loanId: string;
  cycle: number;
  borrowerId: string;
  stage: string;
  openedAt: string;
  /** OPEN until an agent completes it, or the ladder withdraws it (a dispute, an opt-out, a cure). */
  status: 'OPEN' | 'DONE' | 'WITHDRAWN';
  /** The callback token of the waiting execution; none for specialist work items (the ladder ended). */
  token?: string;
  /** Who holds the task (the caller identity that claimed it), and since when. */
  claimedBy?: string;
  claimedAt?: string;
  completedBy?: string;
  completedAt?: string;
  /** Why the ladder took the task back (DISPUTE_OPENED, OPTED_OUT_CALL, CASE_CLOSED, ...). */
  withdrawnReason?: string;
  /** An agent call's script, rendered from the stage's template (amount, days past due; no name). */
  script?: string;
  /**
   * A conversation item (queue `conversations`): the reply it shows, by id (its text is in the
   * conversations table, shown only to the agent who claims the item), the intent the table found,
   * and every loan of the borrower it concerns.
   */
  conversation?: { itemId: string; channel: 'SMS' | 'EMAIL'; intent: string; loans: string[] };
  /**
   * One voice per borrower (functions/human-task/cover.ts): the borrower's other loans this call or
   * visit covers, the ledger reference its outcome's record will have, and the executions of the
   * covered loans whose call (visit) stage that day waits on it (their tokens: they never leave).
   */
  covers?: string[];
  recordRef?: string;
  waiting?: CoveredWait[];
  /** The outcome the agent recorded (the code only), for a covered loan's stage that opens after. */
  outcome?: string;
}

/** A covered loan's call or visit stage, waiting on the covering task. */
export interface CoveredWait {
  loanId: string;
  cycle: number;
  token: string;
}

export type PublicTask = Omit<HumanTask, 'token' | 'waiting'>;

export interface TaskPage {
  tasks: PublicTask[];
  /** Pass as `after` for the next page; absent on the last page. */
  next?: string;
}

/**
 * The work queue. Open tasks carry `openQueue` (the queue's name), the key of the sparse `openByQueue`
 * index: a task leaves the index the moment it is done or withdrawn, so listing a queue reads only
 * open tasks however many finished ones the table holds. Finished tasks expire (`expiresAt`, the
 * table's TTL attribute) after the three years records are kept.
 */
const RETENTION_SECONDS = 3 * 366 * 86_400;
const PAGE_MAX = 100;

export class TaskStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  /** Opens a task; `created` is false when a task with this id exists already (a retried opening). */
  async open(task: HumanTask): Promise<{ created: boolean }> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.table,
          Item: { ...task, openQueue: task.queue },
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
    await this.update(
      {
        Key: { taskId },
        UpdateExpression: 'SET #t = :token',
        ConditionExpression: '#s = :open',
        ExpressionAttributeNames: { '#t': 'token', '#s': 'status' },
        ExpressionAttributeValues: { ':token': token, ':open': 'OPEN' },
      },
      're-pointing the task',
    );
  }

  /** A covered loan's stage waits on this task; ConcurrentUpdateError when it is no longer open. */
  async attachWaiting(taskId: string, wait: CoveredWait): Promise<void> {
    await this.update(
      {
        Key: { taskId },
        UpdateExpression: 'SET waiting = list_append(if_not_exists(waiting, :none), :wait)',
        ConditionExpression: '#s = :open',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':wait': [wait], ':none': [], ':open': 'OPEN' },
      },
      'waiting on the covering task',
    );
  }

  async get(taskId: string): Promise<HumanTask | undefined> {
    try {
      const out = await this.db.send(new GetCommand({ TableName: this.table, Key: { taskId } }));
      return out.Item as HumanTask | undefined;
    } catch (error) {
      return translateAwsError(error, 'reading the task');
    }
  }

  /** The agent takes the task; ConcurrentUpdateError when it is not open or another agent holds it. */
  async claim(taskId: string, agent: string, now: string): Promise<void> {
    await this.update(
      {
        Key: { taskId },
        UpdateExpression: 'SET claimedBy = :me, claimedAt = :now',
        ConditionExpression: '#s = :open AND (attribute_not_exists(claimedBy) OR claimedBy = :me)',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':me': agent, ':now': now, ':open': 'OPEN' },
      },
      'claiming the task',
    );
  }

  /**
   * Marks a task done by the agent who holds it; ConcurrentUpdateError when someone else got there
   * first. Answers the covered loans' stages waiting on it, as of the write (none can join after it).
   */
  async complete(taskId: string, agent: string, now: string, outcome: string): Promise<CoveredWait[]> {
    const done = await this.update(
      {
        Key: { taskId },
        UpdateExpression: `SET #s = :done, completedBy = :me, completedAt = :now, expiresAt = :exp, outcome = :outcome REMOVE openQueue`,
        ConditionExpression: '#s = :open AND claimedBy = :me',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: {
          ':done': 'DONE',
          ':open': 'OPEN',
          ':me': agent,
          ':now': now,
          ':exp': expiry(now),
          ':outcome': outcome,
        },
        ReturnValues: 'ALL_NEW',
      },
      'completing the task',
    );
    return (done as HumanTask | undefined)?.waiting ?? [];
  }

  /** The ladder takes an open task back; `withdrawn` is false when it was no longer open. */
  async withdraw(
    taskId: string,
    reason: string,
    now: string,
  ): Promise<{ withdrawn: boolean; waiting?: CoveredWait[] }> {
    try {
      const task = await this.update(
        {
          Key: { taskId },
          UpdateExpression: 'SET #s = :withdrawn, withdrawnReason = :why, expiresAt = :exp REMOVE openQueue',
          ConditionExpression: '#s = :open',
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: {
            ':withdrawn': 'WITHDRAWN',
            ':open': 'OPEN',
            ':why': reason,
            ':exp': expiry(now),
          },
          ReturnValues: 'ALL_NEW',
        },
        'withdrawing the task',
      );
      return { withdrawn: true, waiting: (task as HumanTask | undefined)?.waiting ?? [] };
    } catch (error) {
      if (error instanceof ConcurrentUpdateError) return { withdrawn: false };
      throw error;
    }
  }

  /** Open tasks of a queue, oldest first, a page at a time (`after`: the previous page's `next`). */
  async listOpen(queue: TaskQueue, options: { limit?: number; after?: string } = {}): Promise<TaskPage> {
    const limit = Math.min(Math.max(1, options.limit ?? 50), PAGE_MAX);
    try {
      const out = await this.db.send(
        new QueryCommand({
          TableName: this.table,
          IndexName: 'openByQueue',
          KeyConditionExpression: 'openQueue = :q',
          ExpressionAttributeValues: { ':q': queue },
          Limit: limit,
          ...(options.after ? { ExclusiveStartKey: decodeCursor(options.after) } : {}),
        }),
      );
      const tasks = ((out.Items ?? []) as Array<HumanTask & { openQueue?: string }>).map(
        ({ token: _token, openQueue: _q, waiting: _w, ...task }) => task,
      );
      return { tasks, ...(out.LastEvaluatedKey ? { next: encodeCursor(out.LastEvaluatedKey) } : {}) };
    } catch (error) {
      return translateAwsError(error, 'listing tasks');
    }
  }

  private async update(
    input: Omit<UpdateCommandInput, 'TableName'>,
    what: string,
  ): Promise<Record<string, unknown> | undefined> {
    try {
      const out = await this.db.send(new UpdateCommand({ TableName: this.table, ...input }));
      return out.Attributes;
    } catch (error) {
      return translateAwsError(error, what);
    }
  }
}

const expiry = (now: string): number => Math.floor(Date.parse(now) / 1000) + RETENTION_SECONDS;

/** A page cursor is the index key DynamoDB returned, in base64url: opaque to callers, checked on the way in. */
const encodeCursor = (key: Record<string, unknown>): string =>
  Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');

function decodeCursor(cursor: string): Record<string, unknown> {
  try {
    const key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Record<string, unknown>;
    const fields = Object.keys(key).sort().join(',');
    if (fields === 'openQueue,openedAt,taskId' && Object.values(key).every((v) => typeof v === 'string'))
      return key;
  } catch {
    // fall through: not a cursor this API handed out
  }
  throw new ValidationError('after: not a page cursor from this API');
}
