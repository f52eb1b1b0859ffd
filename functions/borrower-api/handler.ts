import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { lambdaHandler } from '../adapters/handler.js';
import { type BorrowerApiDeps, createBorrowerApiCore } from './core.js';
import { idempotencyKey } from './page-ledger.js';

/** The base path of the API, as CloudFront forwards it (the pages' own origin, under /api/*). */
export const BORROWER_API_BASE = '/api/borrower';

/** API Gateway (REST, proxy integration, behind CloudFront) -> the borrower page's API. */
export function buildBorrowerApiHandler(deps: BorrowerApiDeps) {
  const core = createBorrowerApiCore(deps);
  return lambdaHandler('BorrowerApi', async (event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> => {
    const response = await core({
      method: event.httpMethod,
      path: event.path.startsWith(BORROWER_API_BASE)
        ? event.path.slice(BORROWER_API_BASE.length)
        : event.path,
      authorization: event.headers?.authorization ?? event.headers?.Authorization,
      body: event.body,
      requestId:
        idempotencyKey(event.headers?.['idempotency-key'] ?? event.headers?.['Idempotency-Key']) ??
        event.requestContext?.requestId,
    });
    return {
      statusCode: response.status,
      headers: { 'content-type': 'application/json', 'cache-control': 'no-store' },
      body: JSON.stringify(response.body),
    };
  });
}
