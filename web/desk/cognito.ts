import { api } from '../shared/api.js';
import type { Session } from './session.js';

/**
 * How the desk signs in, from `GET /api/desk/config` (no token needed): `local` under `ladder serve`
 * (its sign-in form), `cognito` on AWS: the authorization-code grant with PKCE (RFC 7636) against
 * the desk's Cognito user pool. The browser goes to Cognito's sign-in page (a navigation, which the
 * CSP allows) and comes back to `/desk/?code=...`; the code is exchanged at `/oauth2/token` on the
 * page's own origin (CloudFront passes it to the Cognito domain), so `connect-src 'self'` holds and
 * no client secret is in the page.
 */
export type SignInConfig =
  | { signIn: 'local' }
  | { signIn: 'cognito'; authorizeUrl: string; clientId: string; redirectUri: string };

const PENDING = 'ladder-desk-pkce';

const base64url = (bytes: Uint8Array): string =>
  btoa(String.fromCharCode(...bytes))
    .replaceAll('+', '-')
    .replaceAll('/', '_')
    .replace(/=+$/, '');

/** The S256 code challenge of a verifier: base64url(SHA-256(verifier)). */
export async function challengeOf(verifier: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier));
  return base64url(new Uint8Array(digest));
}

/** Goes to Cognito's sign-in page with a fresh verifier and state, kept in this tab only. */
export async function startCognitoSignIn(config: Extract<SignInConfig, { signIn: 'cognito' }>) {
  const verifier = base64url(crypto.getRandomValues(new Uint8Array(32)));
  const state = base64url(crypto.getRandomValues(new Uint8Array(16)));
  sessionStorage.setItem(PENDING, JSON.stringify({ verifier, state }));
  const query = new URLSearchParams({
    response_type: 'code',
    client_id: config.clientId,
    redirect_uri: config.redirectUri,
    scope: 'openid email',
    state,
    code_challenge: await challengeOf(verifier),
    code_challenge_method: 'S256',
  });
  location.assign(`${config.authorizeUrl}?${query}`);
}

/** Back from Cognito with `?code=&state=`: the ID token for the code, and who it names (GET /me). */
export async function finishCognitoSignIn(
  config: Extract<SignInConfig, { signIn: 'cognito' }>,
  search: string,
): Promise<Session | undefined> {
  const params = new URLSearchParams(search);
  const pending = JSON.parse(sessionStorage.getItem(PENDING) ?? 'null') as {
    verifier: string;
    state: string;
  } | null;
  sessionStorage.removeItem(PENDING);
  const code = params.get('code');
  if (!code || !pending || params.get('state') !== pending.state) return undefined;
  const res = await fetch('/oauth2/token', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      client_id: config.clientId,
      code,
      redirect_uri: config.redirectUri,
      code_verifier: pending.verifier,
    }),
  });
  if (!res.ok) return undefined;
  const { id_token: token } = (await res.json()) as { id_token: string };
  const me = await api<{ agent: string; queues: string[] }>(token, 'GET', '/desk/me');
  return { token, agent: me.agent, queues: me.queues };
}
