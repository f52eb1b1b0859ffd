import { api } from '../shared/api.js';

/** The signed-in agent as the page keeps it (sessionStorage: gone when the tab closes). */
export interface Session {
  token: string;
  agent: string;
  queues: string[];
}

const KEY = 'ladder-desk-session';

export function loadSession(): Session | undefined {
  const text = sessionStorage.getItem(KEY);
  return text ? (JSON.parse(text) as Session) : undefined;
}

export function saveSession(session: Session | undefined): void {
  if (session) sessionStorage.setItem(KEY, JSON.stringify(session));
  else sessionStorage.removeItem(KEY);
}

/**
 * `ladder serve`'s local sign-in (local/desk-session.ts), the stand-in for the Cognito hosted UI:
 * a session token for the agent and queues given. On AWS the token is Cognito's ID token instead.
 */
export async function localSignIn(agent: string, queues: string[]): Promise<Session> {
  const out = await api<{ token: string; agent: string; queues: string[] }>('', 'POST', '/desk/session', {
    agent,
    queues,
  });
  return { token: out.token, agent: out.agent, queues: out.queues };
}
