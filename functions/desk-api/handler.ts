import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { lambdaHandler } from '../adapters/handler.js';
import { createDeskApiCore, DESK_API_PREFIX, type DeskAgent, type DeskDeps } from './core.js';

/**
 * The signed-in agent from the Cognito authorizer's claims: `sub` (stable, never reused) is the id the
 * claim is held under; `cognito:groups` the queues. API Gateway flattens the groups array into a
 * string, "[agent-calls field-visits]" or "agent-calls,field-visits" depending on the token, so both
 * are read. No claims (a misconfigured route): no agent, and the core refuses.
 */
export function agentFromClaims(claims: Record<string, unknown> | undefined): DeskAgent | undefined {
  const sub = claims?.sub;
  if (typeof sub !== 'string' || sub === '') return undefined;
  const raw = claims?.['cognito:groups'];
  const groups = Array.isArray(raw)
    ? raw.map(String)
    : typeof raw === 'string'
      ? raw
          .replace(/^\[|\]$/g, '')
          .split(/[\s,]+/)
          .filter(Boolean)
      : [];
  return { id: `cognito:${sub}`, queues: groups };
}

/** How the page signs in on AWS (web/desk/cognito.ts): Cognito's authorize URL, the app client, the callback. */
export interface CognitoSignIn {
  authorizeUrl: string;
  clientId: string;
  redirectUri: string;
}

const answer = (statusCode: number, body: unknown): APIGatewayProxyResult => ({
  statusCode,
  headers: { 'content-type': 'application/json', 'cache-control': 'no-store' },
  body: JSON.stringify(body),
});

/**
 * API Gateway (REST, proxy integration) -> the desk API: `GET /api/desk/config` is open (how to sign in:
 * public facts, the same for everyone), every other route is behind the Cognito user-pool authorizer.
 */
export function buildDeskApiHandler(deps: DeskDeps, signIn: CognitoSignIn) {
  const core = createDeskApiCore(deps);
  return lambdaHandler('DeskApi', async (event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> => {
    if (event.httpMethod === 'GET' && event.path === `${DESK_API_PREFIX}/config`)
      return answer(200, { signIn: 'cognito', ...signIn });
    const agent = agentFromClaims(event.requestContext?.authorizer?.claims as Record<string, unknown>);
    const response = await core({
      method: event.httpMethod,
      path: event.path.startsWith(DESK_API_PREFIX) ? event.path.slice(DESK_API_PREFIX.length) : event.path,
      query: event.queryStringParameters ?? {},
      body: event.body,
      ...(agent ? { agent } : {}),
    });
    return answer(response.status, response.body);
  });
}
