/** A refusal of the link itself (403): the page says so and shows nothing else. */
export class RefusedError extends Error {
  override readonly name = 'RefusedError';
}

/** An answer other than 2xx or 403, with the API's message. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

/**
 * The page's one way to the API: same origin (`/api/...`, so CSP connect-src 'self' holds), JSON in
 * and out, the link's token in the Authorization header (never in a URL the server logs).
 */
export async function api<T>(
  token: string,
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
): Promise<T> {
  const res = await fetch(`/api${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      // One id per borrower action: the borrower API records each action once by it (a retry resends it).
      ...(method === 'POST' && path.startsWith('/borrower/')
        ? { 'idempotency-key': crypto.randomUUID() }
        : {}),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  const value = text ? (JSON.parse(text) as unknown) : undefined;
  if (res.status === 403) throw new RefusedError('link refused');
  if (!res.ok) {
    const message = (value as { error?: string } | undefined)?.error ?? `HTTP ${res.status}`;
    throw new ApiError(message, res.status);
  }
  return value as T;
}

/** The token a link carries after `#`: a fragment never reaches a server, a proxy log or a Referer. */
export function tokenFromLocation(hash: string): string {
  return new URLSearchParams(hash.replace(/^#/, '')).get('t') ?? '';
}
