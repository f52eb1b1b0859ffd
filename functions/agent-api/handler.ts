import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { lambdaHandler } from '../adapters/handler.js';
import { type AgentApiDeps, createAgentApiCore } from './core.js';

/** API Gateway (REST, IAM authorisation, proxy integration) -> the work-queue API. */
export function buildAgentApiHandler(deps: AgentApiDeps) {
  const core = createAgentApiCore(deps);
  return lambdaHandler('AgentApi', async (event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> => {
    const response = await core({
      method: event.httpMethod,
      path: event.path,
      query: event.queryStringParameters ?? {},
      body: event.body,
      // IAM authorisation: the signed-in principal (an agent's role session or user).
      caller: event.requestContext?.identity?.userArn ?? undefined,
    });
    return {
      statusCode: response.status,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(response.body),
    };
  });
}
