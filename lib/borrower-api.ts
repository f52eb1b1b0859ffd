import {
  aws_apigateway as apigateway,
  type aws_lambda_nodejs as nodejs,
  RemovalPolicy,
  Validations,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { LAMBDA_ENTRIES } from './bundling.js';
import type { EventRouting } from './event-routing.js';
import type { Keys } from './keys.js';
import type { LadderFunctions } from './ladder-functions.js';
import type { LedgerWriter } from './ledger-writer.js';
import type { Tables } from './tables.js';
import type { Workflow } from './workflow.js';

/** The API's stage: CloudFront's origin path (lib/pages-hosting.ts). */
export const BORROWER_API_STAGE = 'prod';

export interface BorrowerApiProps {
  readonly keys: Keys;
  readonly tables: Tables;
  readonly routing: EventRouting;
  readonly workflow: Workflow;
  readonly functions: LadderFunctions;
  readonly ledgerWriter: LedgerWriter;
}

/**
 * The borrower page's API (functions/borrower-api): a REST API served by CloudFront under /api/* of
 * the pages' origin. No IAM or Cognito: a borrower has no account. Every request carries a signed
 * link's token, which the function checks with KMS VerifyMac (the link key) before anything else,
 * and which scopes it to that borrower's loans. Throttled per stage.
 */
export class BorrowerApi extends Construct {
  public readonly apiFunction: nodejs.NodejsFunction;
  public readonly api: apigateway.RestApi;

  constructor(scope: Construct, id: string, props: BorrowerApiProps) {
    super(scope, id);
    this.apiFunction = props.functions.create(this, 'BorrowerApi', LAMBDA_ENTRIES.BorrowerApi, {
      description:
        "Ladder: the borrower page's API (signed links; promises, plans, signatures, disputes, preferences, contact corrections)",
    });
    // The link's borrower's view (Query), and the events core's writes (PutItem) as the events function.
    props.tables.bind(this.apiFunction, 'cases', ['dynamodb:Query', 'dynamodb:PutItem']);
    // The plan-signing task: read, claimed and completed as the link; withdrawn by a dispute.
    props.tables.bind(this.apiFunction, 'tasks', [
      'dynamodb:GetItem',
      'dynamodb:UpdateItem',
      'dynamodb:PutItem',
    ]);
    props.routing.bindPublisher(this.apiFunction);
    props.workflow.grantTaskResponse(this.apiFunction, 'states:SendTaskSuccess');
    props.keys.bindMac(this.apiFunction, props.keys.linkKey, 'LINK_KEY', 'kms:VerifyMac');
    // Correcting a phone number or e-mail address (functions/borrower-api/contact-correction.ts): the
    // pending change and the code's hash beside the details (GetItem, UpdateItem on the borrower's own
    // item: no Put, no Query of the indexes), the code sent to the new point, the new number's line
    // pseudonym (the line key, as intake makes it), and the PROFILE records (ledger reads, the writer).
    props.tables.bind(this.apiFunction, 'contacts', ['dynamodb:GetItem', 'dynamodb:UpdateItem']);
    props.workflow.bindMessaging(this.apiFunction);
    props.keys.bindMac(this.apiFunction, props.keys.lineKey, 'LINE_KEY', 'kms:GenerateMac');
    props.tables.bind(this.apiFunction, 'ledger', ['dynamodb:Query']);
    props.ledgerWriter.bindCaller(this.apiFunction);
    const accessLogs = props.functions.logGroup(this, 'BorrowerApiAccessLogs');
    this.api = new apigateway.RestApi(this, 'Api', {
      description: "Ladder: the borrower page's API (behind the pages' CloudFront distribution)",
      cloudWatchRole: false,
      deployOptions: {
        stageName: BORROWER_API_STAGE,
        accessLogDestination: new apigateway.LogGroupLogDestination(accessLogs),
        accessLogFormat: apigateway.AccessLogFormat.jsonWithStandardFields(),
        tracingEnabled: true,
        loggingLevel: apigateway.MethodLoggingLevel.ERROR,
        dataTraceEnabled: false,
        throttlingRateLimit: 50,
        throttlingBurstLimit: 100,
      },
    });
    accessLogs.applyRemovalPolicy(RemovalPolicy.RETAIN);
    // Bodies are checked by the function (zod), which answers 400 naming the field.
    const validator = this.api.addRequestValidator('Validator', {
      validateRequestBody: true,
      validateRequestParameters: true,
    });
    const integration = new apigateway.LambdaIntegration(this.apiFunction);
    const borrower = this.api.root.addResource('api').addResource('borrower');
    borrower.addMethod('GET', integration, {
      requestValidator: validator,
      requestParameters: { 'method.request.header.Authorization': true },
    });
    borrower.addResource('{proxy+}').addMethod('POST', integration, {
      requestValidator: validator,
      requestParameters: { 'method.request.header.Authorization': true },
    });
    Validations.of(this.api).acknowledge(
      {
        id: 'AwsSolutions-APIG4',
        reason:
          'A borrower has no account: each request carries a signed, expiring link the function verifies ' +
          'with KMS VerifyMac before reading anything, scoped to that borrower and the loans it names.',
      },
      {
        id: 'AwsSolutions-COG4',
        reason: 'Borrowers are authorised by signed links (HMAC under a KMS key), not Cognito user pools.',
      },
      {
        id: 'AwsSolutions-APIG3',
        reason:
          "Served through the pages' CloudFront distribution: attach the organisation's WAF web ACL there; " +
          'the stage is throttled (50 requests/s, bursts of 100).',
      },
    );
  }
}
