import type { aws_lambda_nodejs as nodejs } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { LAMBDA_ENTRIES } from './bundling.js';
import type { EventRouting } from './event-routing.js';
import type { LadderFunctions } from './ladder-functions.js';
import type { LedgerWriter } from './ledger-writer.js';
import type { Tables } from './tables.js';
import type { Workflow } from './workflow.js';

export interface BorrowerEventsProps {
  readonly tables: Tables;
  readonly routing: EventRouting;
  readonly workflow: Workflow;
  readonly functions: LadderFunctions;
  readonly ledgerWriter: LedgerWriter;
}

/** Payments and borrower events (opt-outs, disputes, promises, hardship...) applied to cases and tasks. */
export class BorrowerEvents extends Construct {
  public readonly eventsFunction: nodejs.NodejsFunction;

  constructor(scope: Construct, id: string, props: BorrowerEventsProps) {
    super(scope, id);
    this.eventsFunction = props.functions.create(this, 'Events', LAMBDA_ENTRIES.Events, {
      description: 'Ladder: applies payments and borrower events to cases, the ledger and waiting tasks',
      async: true,
    });
    props.tables.bind(this.eventsFunction, 'cases', ['dynamodb:Query', 'dynamodb:PutItem']);
    // Specialist work items (deceased, bankrupt, fraud victim): PutItem; withdrawing the task a dispute,
    // an opt-out of calls or a cure takes back from the agents: UpdateItem.
    props.tables.bind(this.eventsFunction, 'tasks', ['dynamodb:PutItem', 'dynamodb:UpdateItem']);
    props.routing.bindPublisher(this.eventsFunction);
    props.workflow.grantTaskResponse(this.eventsFunction, 'states:SendTaskSuccess');
    // BorrowerPreferencesChanged's PROFILE records: the ledger's reads, and the writer that chains and seals.
    props.tables.bind(this.eventsFunction, 'ledger', ['dynamodb:Query']);
    props.ledgerWriter.bindCaller(this.eventsFunction);
  }
}
