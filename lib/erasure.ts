import type { aws_lambda_nodejs as nodejs } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { LAMBDA_ENTRIES } from './bundling.js';
import type { LadderFunctions } from './ladder-functions.js';
import type { Tables } from './tables.js';
import type { Workflow } from './workflow.js';

export interface ErasureProps {
  readonly tables: Tables;
  readonly workflow: Workflow;
  readonly functions: LadderFunctions;
}

/** Right to erasure: the only function that may delete contact details, and it takes no other event. */
export class Erasure extends Construct {
  public readonly erasureFunction: nodejs.NodejsFunction;

  constructor(scope: Construct, id: string, props: ErasureProps) {
    super(scope, id);
    this.erasureFunction = props.functions.create(this, 'Erasure', LAMBDA_ENTRIES.Erasure, {
      description: "Ladder: erases a borrower's contact details and closes their cases (ledger kept)",
      async: true,
    });
    props.tables.bind(this.erasureFunction, 'cases', ['dynamodb:Query', 'dynamodb:PutItem']);
    props.tables.bind(this.erasureFunction, 'contacts', ['dynamodb:DeleteItem']);
    // What the borrower wrote goes with their contact details (the ledger keeps only ids and hashes).
    props.tables.bind(this.erasureFunction, 'conversations', ['dynamodb:Query', 'dynamodb:DeleteItem']);
    // The erased borrower's open tasks are withdrawn from the agents.
    props.tables.bind(this.erasureFunction, 'tasks', ['dynamodb:UpdateItem']);
    props.workflow.grantTaskResponse(this.erasureFunction, 'states:SendTaskSuccess');
  }
}
