import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as z from 'zod';
import { TASK_QUEUES } from '../functions/adapters/task-store.js';
import type { DeskAgent, DeskRequest } from '../functions/desk-api/core.js';
import { ValidationError } from '../functions/domain/errors.js';

/**
 * The local stand-in for the desk's Cognito user pool (docs/pages.md): `ladder serve` signs a session
 * token naming an agent and the queues they work, as a Cognito ID token names the user (`sub`) and
 * their groups. Anyone who can reach the local server can sign in as anyone: it is for trying the desk
 * on one machine, not an identity provider. The key is `<data>/keys/desk-session.key` (made on first
 * use) with a data directory, so sessions outlive a restart, and in memory without one.
 *
 * A token is `base64url(JSON {sub, queues, exp}) "." base64url(HMAC-SHA256)`; it lasts a working day
 * (8 hours of wall-clock time: the simulated clock may run a thousand times faster than the agent).
 */
export const SESSION_HOURS = 8;
export const DESK_KEY_FILE = 'desk-session.key';

export const SignInSchema = z.object({
  agent: z.string().regex(/^[A-Za-z0-9._@-]{1,64}$/, 'letters, digits and . _ @ -, at most 64'),
  queues: z.array(z.enum(TASK_QUEUES)).min(1, 'at least one queue'),
});

function secret(dataDir?: string): Buffer {
  if (!dataDir) return randomBytes(32);
  const file = join(dataDir, 'keys', DESK_KEY_FILE);
  if (!existsSync(file)) {
    mkdirSync(join(dataDir, 'keys'), { recursive: true });
    writeFileSync(file, `${randomBytes(32).toString('hex')}\n`, { mode: 0o600 });
  }
  const text = readFileSync(file, 'utf8').trim();
  if (!/^[0-9a-f]{64}$/.test(text)) throw new ValidationError(`${file}: not a key (64 hex digits expected)`);
  return Buffer.from(text, 'hex');
}

export function deskSessions(dataDir?: string, now: () => number = Date.now) {
  const key = secret(dataDir);
  const mac = (payload: string) => createHmac('sha256', key).update(payload).digest();
  return {
    /** Signs in: a token for the agent and queues asked for (ValidationError naming the field). */
    signIn(body: unknown): { token: string; agent: string; queues: string[]; expiresAt: string } {
      const parsed = SignInSchema.safeParse(body);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw new ValidationError(`${issue?.path.join('.') || 'body'}: ${issue?.message ?? 'invalid'}`);
      }
      const exp = now() + SESSION_HOURS * 3_600_000;
      const payload = Buffer.from(
        JSON.stringify({ sub: parsed.data.agent, queues: parsed.data.queues, exp }),
      ).toString('base64url');
      return {
        token: `${payload}.${mac(payload).toString('base64url')}`,
        agent: parsed.data.agent,
        queues: parsed.data.queues,
        expiresAt: new Date(exp).toISOString(),
      };
    },
    /** The agent of a valid, unexpired token (`Bearer ...`); undefined for anything else. */
    verify(authorization: string | undefined): DeskAgent | undefined {
      const [payload, signature] = (authorization ?? '').replace(/^Bearer /, '').split('.');
      if (!payload || !signature) return undefined;
      const given = Buffer.from(signature, 'base64url');
      const expected = mac(payload);
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
      const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as {
        sub: string;
        queues: string[];
        exp: number;
      };
      if (!(claims.exp > now())) return undefined;
      return { id: `local:${claims.sub}`, queues: claims.queues };
    },
  };
}

/**
 * `ladder serve`'s desk API: `GET /config` tells the page to sign in here, `POST /session` signs in
 * (Cognito's sign-in page's job on AWS), every other route goes to the desk API as the token's agent.
 */
export function localDeskApi(
  deskApi: (req: DeskRequest) => Promise<{ status: number; body: unknown }>,
  sessions: ReturnType<typeof deskSessions>,
) {
  return async (req: Omit<DeskRequest, 'agent'> & { authorization?: string | undefined }) => {
    if (req.method === 'GET' && req.path === '/config') return { status: 200, body: { signIn: 'local' } };
    if (req.method === 'POST' && req.path === '/session') {
      return { status: 200, body: sessions.signIn(JSON.parse(req.body || '{}')) };
    }
    // No valid token: 401 before the API runs, as API Gateway's Cognito authorizer answers.
    const agent = sessions.verify(req.authorization);
    if (!agent) return { status: 401, body: { error: 'not signed in' } };
    return deskApi({ ...req, agent });
  };
}
