import { aws_apigateway as apigateway, type aws_lambda_nodejs as nodejs, Validations } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { LAMBDA_ENTRIES } from './bundling.js';
import type { DeskIdentity } from './desk-identity.js';
import type { LadderFunctions } from './ladder-functions.js';
import type { Tables } from './tables.js';
import type { Workflow } from './workflow.js';

export interface DeskApiProps {
  readonly tables: Tables;
  readonly workflow: Workflow;
  readonly functions: LadderFunctions;
  readonly identity: DeskIdentity;
  /** The work-queue REST API: the desk's routes are added to it under /api/desk, Cognito-authorised. */
  readonly api: apigateway.RestApi;
}

/**
 * The agent desk's API (functions/desk-api): `ANY /api/desk/{proxy+}` on the work-queue REST API,
 * authorised by the desk's Cognito user pool (the ID token, whose groups are the caller's queues),
 * served to the page by CloudFront under the same origin. A function of its own, because it alone of
 * the work queue reads borrowers' contact details (to show the claimer): the IAM-authorised agent API
 * keeps no such grant.
 */
export class DeskApi extends Construct {
  public readonly deskApiFunction: nodejs.NodejsFunction;

  constructor(scope: Construct, id: string, props: DeskApiProps) {
    super(scope, id);
    this.deskApiFunction = props.functions.create(this, 'DeskApi', LAMBDA_ENTRIES.DeskApi, {
      description: 'Ladder: the agent desk (Cognito users) lists, claims and completes human tasks',
    });
    const fn = this.deskApiFunction;
    // The same completion as the agent API (functions/agent-api): a conversation item's handling is noted
    // on the cases it names (PutItem), and an agent's notes or a visit's report are kept under the
    // contact key (conversations PutItem); GetItem: a reply's text for the claimer.
    props.tables.bind(fn, 'cases', ['dynamodb:Query', 'dynamodb:PutItem']);
    props.tables.bind(fn, 'conversations', ['dynamodb:GetItem', 'dynamodb:PutItem']);
    props.tables.bind(fn, 'tasks', ['dynamodb:GetItem', 'dynamodb:UpdateItem', 'dynamodb:Query']);
    // The claimer's view: the borrower's contact details (one item by key) and the case's timeline.
    props.tables.bind(fn, 'contacts', ['dynamodb:GetItem']);
    props.tables.bind(fn, 'ledger', ['dynamodb:Query']);
    props.workflow.grantTaskResponse(fn, 'states:SendTaskSuccess', 'states:SendTaskHeartbeat');

    const authorizer = new apigateway.CognitoUserPoolsAuthorizer(this, 'DeskAuthorizer', {
      cognitoUserPools: [props.identity.userPool],
    });
    const integration = new apigateway.LambdaIntegration(fn);
    const desk = props.api.root.addResource('api').addResource('desk');
    desk.addResource('{proxy+}').addMethod('ANY', integration, {
      authorizationType: apigateway.AuthorizationType.COGNITO,
      authorizer,
    });
    // How to sign in, before anyone has: Cognito's URL, the public client's id, the callback.
    const config = desk.addResource('config').addMethod('GET', integration, {
      authorizationType: apigateway.AuthorizationType.NONE,
    });
    const signIn = {
      DESK_AUTHORIZE_URL: `${props.identity.domain.baseUrl()}/oauth2/authorize`,
      DESK_CLIENT_ID: props.identity.client.userPoolClientId,
      DESK_REDIRECT_URI: props.identity.callbackUrl,
    };
    for (const [name, value] of Object.entries(signIn)) fn.addEnvironment(name, value);
    Validations.of(config).acknowledge(
      ...['AwsSolutions-APIG4', 'AwsSolutions-COG4'].map((id) => ({
        id,
        reason:
          "GET /api/desk/config is open by design: it answers how to sign in (the Cognito domain, the desk's public PKCE client id, the callback), the same public facts for everyone, before anyone has a token.",
      })),
    );
  }
}
