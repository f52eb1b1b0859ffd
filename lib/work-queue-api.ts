import {
  aws_apigateway as apigateway,
  CfnOutput,
  type aws_lambda_nodejs as nodejs,
  RemovalPolicy,
  Validations,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { LAMBDA_ENTRIES } from './bundling.js';
import type { LadderFunctions } from './ladder-functions.js';
import type { Tables } from './tables.js';
import type { Workflow } from './workflow.js';

export interface WorkQueueApiProps {
  readonly tables: Tables;
  readonly workflow: Workflow;
  readonly functions: LadderFunctions;
  /** LadderProps.apiGatewayCloudWatchRole. @default true */
  readonly cloudWatchRole?: boolean;
}

/** The work queue of human tasks for agents and agencies: list, claim and complete, over an IAM-authorised API. */
export class WorkQueueApi extends Construct {
  public readonly agentApiFunction: nodejs.NodejsFunction;
  /** The work-queue API for agents and agencies (IAM authorisation). */
  public readonly api: apigateway.RestApi;

  constructor(scope: Construct, id: string, props: WorkQueueApiProps) {
    super(scope, id);
    this.agentApiFunction = props.functions.create(this, 'AgentApi', LAMBDA_ENTRIES.AgentApi, {
      description: 'Ladder: lists, claims and completes human tasks for agents and agencies',
    });
    // The case: the borrower's contact hours, and the balance and policy a promise or plan must fit.
    // PutItem: a conversation item's handling is noted on the cases it names (and ends a hardship pause).
    props.tables.bind(this.agentApiFunction, 'cases', ['dynamodb:Query', 'dynamodb:PutItem']);
    // A conversation item's text, shown to the agent who claimed it (read only).
    // GetItem: a reply's text for the claimer; PutItem: an agent's notes and a visit's report (contact key).
    props.tables.bind(this.agentApiFunction, 'conversations', ['dynamodb:GetItem', 'dynamodb:PutItem']);
    props.tables.bind(this.agentApiFunction, 'tasks', [
      'dynamodb:GetItem',
      'dynamodb:UpdateItem',
      'dynamodb:Query',
    ]);
    props.workflow.grantTaskResponse(
      this.agentApiFunction,
      'states:SendTaskSuccess',
      'states:SendTaskHeartbeat',
    );
    this.api = this.makeApi(props.functions, props.cloudWatchRole ?? true);
  }

  /**
   * REST API with IAM authorisation: agents' and agencies' principals get execute-api:Invoke on it
   * from the platform team (no API keys, no tokens to leak). Requests are validated and access-logged.
   */
  private makeApi(functions: LadderFunctions, cloudWatchRole: boolean): apigateway.RestApi {
    const accessLogs = functions.logGroup(this, 'WorkQueueApiAccessLogs');
    const api = new apigateway.RestApi(this, 'WorkQueueApi', {
      description: 'Ladder work queue: list, claim and complete human tasks',
      // The stage logs; without the account's CloudWatch role a logging stage cannot deploy.
      cloudWatchRole,
      // Retained: other APIs of the account may log through the same role.
      ...(cloudWatchRole ? { cloudWatchRoleRemovalPolicy: RemovalPolicy.RETAIN } : {}),
      deployOptions: {
        accessLogDestination: new apigateway.LogGroupLogDestination(accessLogs),
        accessLogFormat: apigateway.AccessLogFormat.jsonWithStandardFields(),
        tracingEnabled: true,
        loggingLevel: apigateway.MethodLoggingLevel.ERROR,
        dataTraceEnabled: false,
      },
      defaultMethodOptions: { authorizationType: apigateway.AuthorizationType.IAM },
    });
    const validator = api.addRequestValidator('Validator', {
      validateRequestBody: true,
      validateRequestParameters: true,
    });
    const integration = new apigateway.LambdaIntegration(this.agentApiFunction);
    // Agents' queues under /tasks; the specialist queue (deceased, bankrupt, fraud victim) under
    // /specialist/tasks, so an IAM policy can grant it to specialists alone (README, Deploy).
    for (const parent of [api.root, api.root.addResource('specialist')]) {
      const tasks = parent.addResource('tasks');
      tasks.addMethod('GET', integration, {
        requestValidator: validator,
        requestParameters: {
          'method.request.querystring.queue': false,
          'method.request.querystring.limit': false,
          'method.request.querystring.after': false,
        },
      });
      const task = tasks.addResource('{taskId}');
      for (const action of ['claim', 'complete']) {
        task.addResource(action).addMethod('POST', integration, {
          requestValidator: validator,
          requestParameters: { 'method.request.path.taskId': true },
        });
      }
    }
    Validations.of(api).acknowledge(
      {
        id: 'AwsSolutions-APIG3',
        reason:
          "IAM-authorised internal API for the lender's agents; attach the organisation's WAF web ACL if it is exposed beyond it.",
      },
      {
        id: 'AwsSolutions-COG4',
        reason:
          'Authorised with IAM (SigV4) principals of the lender and its agencies, not Cognito user pools.',
      },
    );
    if (cloudWatchRole) {
      Validations.of(api).acknowledge({
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs]',
        reason:
          "API Gateway's account-level CloudWatch role: AWS's own managed policy for it, the one the service " +
          'documents; it lets API Gateway (not Ladder) write the logs of every API in the account and region.',
      });
    }
    new CfnOutput(this, 'AgentApiUrl', { value: api.url });
    return api;
  }
}
