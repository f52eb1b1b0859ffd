import {
  Aws,
  aws_dynamodb as dynamodb,
  aws_iam as iam,
  type aws_kms as kms,
  type aws_lambda as lambda,
  RemovalPolicy,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { TABLE_ENV, TABLES, type TableDef } from '../functions/adapters/tables.js';
import type { Keys } from './keys.js';

export type TableKey = keyof typeof TABLES;

/**
 * The only DynamoDB actions a function can be granted. BatchWriteItem is not expressible; on the
 * append-only tables (the ledger and its seals) only PutItem, Query and Scan are (the type says so,
 * and bind checks it).
 */
export type TableAction =
  | 'dynamodb:GetItem'
  | 'dynamodb:PutItem'
  | 'dynamodb:Query'
  | 'dynamodb:Scan'
  | 'dynamodb:UpdateItem'
  | 'dynamodb:DeleteItem';
export type LedgerAction = 'dynamodb:PutItem' | 'dynamodb:Query' | 'dynamodb:Scan';
const LEDGER_ACTIONS: readonly string[] = ['dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:Scan'];
const APPEND_ONLY: readonly TableKey[] = ['ledger', 'seals'];

export interface TablesProps {
  readonly keys: Keys;
  readonly removalPolicy: RemovalPolicy;
}

/**
 * The tables, built from their one definition (functions/adapters/tables.ts): contacts under the
 * contact key, the others under the case key. Functions get them only through `bind`.
 */
export class Tables extends Construct {
  public readonly cases: dynamodb.Table;
  public readonly contacts: dynamodb.Table;
  /** What borrowers wrote: under the contact key, like their contact details. */
  public readonly conversations: dynamodb.Table;
  public readonly ledger: dynamodb.Table;
  public readonly seals: dynamodb.Table;
  public readonly tasks: dynamodb.Table;
  public readonly byKey: Readonly<Record<TableKey, dynamodb.Table>>;

  constructor(scope: Construct, id: string, props: TablesProps) {
    super(scope, id);
    const makeTable = (key: TableKey, encryptionKey: kms.IKey): dynamodb.Table => {
      const def = TABLES[key];
      const table = new dynamodb.Table(this, def.id, {
        partitionKey: attribute(def.partitionKey),
        sortKey: def.sortKey ? attribute(def.sortKey) : undefined,
        billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
        pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
        encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED,
        encryptionKey,
        deletionProtection: props.removalPolicy !== RemovalPolicy.DESTROY,
        removalPolicy: props.removalPolicy,
        timeToLiveAttribute: def.ttlAttribute,
      });
      for (const index of def.indexes) {
        table.addGlobalSecondaryIndex({
          indexName: index.name,
          partitionKey: attribute(index.partitionKey),
          sortKey: index.sortKey ? attribute(index.sortKey) : undefined,
          projectionType:
            index.projection === 'KEYS_ONLY'
              ? dynamodb.ProjectionType.KEYS_ONLY
              : dynamodb.ProjectionType.ALL,
        });
      }
      return table;
    };
    this.cases = makeTable('cases', props.keys.caseKey);
    this.contacts = makeTable('contacts', props.keys.contactKey);
    this.conversations = makeTable('conversations', props.keys.contactKey);
    this.ledger = makeTable('ledger', props.keys.caseKey);
    this.seals = makeTable('seals', props.keys.caseKey);
    this.tasks = makeTable('tasks', props.keys.caseKey);
    this.byKey = {
      cases: this.cases,
      contacts: this.contacts,
      conversations: this.conversations,
      ledger: this.ledger,
      seals: this.seals,
      tasks: this.tasks,
    };
  }

  /**
   * Sets the table's environment variable and grants exactly the listed actions (Powertools' bindTable).
   * Index ARNs are added only for Query on a table that has indexes, each by name (no `index/*`); with
   * `onlyIndex` the grant is on that one index and not on the table. The table's KMS key is usable only
   * through DynamoDB (kms:ViaService).
   */
  public bind<K extends TableKey>(
    fn: lambda.Function,
    key: K,
    actions: readonly (K extends 'ledger' | 'seals' ? LedgerAction : TableAction)[],
    options: { onlyIndex?: string } = {},
  ): void {
    const def: TableDef = TABLES[key];
    const table = this.byKey[key];
    const forbidden = APPEND_ONLY.includes(key) ? actions.filter((a) => !LEDGER_ACTIONS.includes(a)) : [];
    if (forbidden.length > 0)
      throw new Error(`Ladder: the ${key} table is append-only: ${forbidden.join(', ')}`);
    if (options.onlyIndex && !def.indexes.some((i) => i.name === options.onlyIndex)) {
      throw new Error(`Ladder: table ${def.id} has no index ${options.onlyIndex}`);
    }
    fn.addEnvironment(TABLE_ENV[key], table.tableName);
    const indexArns = actions.includes('dynamodb:Query')
      ? def.indexes.map((index) => `${table.tableArn}/index/${index.name}`)
      : [];
    iam.Grant.addToPrincipal({
      grantee: fn,
      actions: [...actions],
      resourceArns: options.onlyIndex
        ? [`${table.tableArn}/index/${options.onlyIndex}`]
        : [table.tableArn, ...indexArns],
    });
    const writes = actions.some(
      (action) => action === 'dynamodb:PutItem' || action === 'dynamodb:UpdateItem',
    );
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: writes
          ? ['kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:GenerateDataKey']
          : ['kms:Decrypt', 'kms:DescribeKey'],
        resources: [(table.encryptionKey as kms.IKey).keyArn],
        conditions: { StringEquals: { 'kms:ViaService': `dynamodb.${Aws.REGION}.amazonaws.com` } },
      }),
    );
  }
}

const attribute = (key: { name: string; type: 'S' | 'N' }): dynamodb.Attribute => ({
  name: key.name,
  type: key.type === 'S' ? dynamodb.AttributeType.STRING : dynamodb.AttributeType.NUMBER,
});
