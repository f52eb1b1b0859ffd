import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { deskSessions, localDeskApi } from '../../local/desk-session.js';

const dirs: string[] = [];
const dataDir = () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'ladder-desk-session-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe("ladder serve's local sign-in (the stand-in for Cognito)", () => {
  it('signs a token naming the agent and queues, which verifies as that agent, and refuses a tampered one', () => {
    const sessions = deskSessions(undefined, () => Date.parse('2026-12-17T03:00:00Z'));
    const { token, expiresAt } = sessions.signIn({ agent: 'amy', queues: ['agent-calls', 'field-visits'] });
    expect(expiresAt).toBe('2026-12-17T11:00:00.000Z');
    expect(sessions.verify(`Bearer ${token}`)).toEqual({
      id: 'local:amy',
      queues: ['agent-calls', 'field-visits'],
    });
    // Another agent's payload under amy's signature, and amy's payload with a changed signature.
    const [payload, signature] = token.split('.');
    const forged = Buffer.from(JSON.stringify({ sub: 'amy', queues: ['specialist'], exp: 9e15 })).toString(
      'base64url',
    );
    expect(sessions.verify(`Bearer ${forged}.${signature}`)).toBeUndefined();
    const flipped = `${payload}.${(signature ?? '').startsWith('A') ? 'B' : 'A'}${(signature ?? '').slice(1)}`;
    expect(sessions.verify(`Bearer ${flipped}`)).toBeUndefined();
    expect(sessions.verify(undefined)).toBeUndefined();
    expect(sessions.verify('Bearer ')).toBeUndefined();
  });

  it('ends a session after eight hours of wall-clock time', () => {
    let now = Date.parse('2026-12-17T03:00:00Z');
    const sessions = deskSessions(undefined, () => now);
    const { token } = sessions.signIn({ agent: 'amy', queues: ['agent-calls'] });
    now += 8 * 3_600_000 - 1;
    expect(sessions.verify(token)).toBeDefined();
    now += 1;
    expect(sessions.verify(token)).toBeUndefined();
  });

  it('keeps its key under <data>/keys, so a restart keeps sessions; another directory does not accept them', () => {
    const dir = dataDir();
    const { token } = deskSessions(dir).signIn({ agent: 'amy', queues: ['agent-calls'] });
    expect(readFileSync(path.join(dir, 'keys', 'desk-session.key'), 'utf8')).toMatch(/^[0-9a-f]{64}\n$/);
    expect(deskSessions(dir).verify(token)?.id).toBe('local:amy');
    expect(deskSessions(dataDir()).verify(token)).toBeUndefined();
  });

  it('refuses a sign-in naming no queue, an unknown queue or a malformed agent id, naming the field', () => {
    const sessions = deskSessions();
    expect(() => sessions.signIn({ agent: 'amy', queues: [] })).toThrow(/^queues: /);
    expect(() => sessions.signIn({ agent: 'amy', queues: ['everything'] })).toThrow(/^queues\.0: /);
    expect(() => sessions.signIn({ agent: 'a b', queues: ['agent-calls'] })).toThrow(/^agent: /);
  });

  it('answers 401 without a valid token before the desk API runs, and passes the agent otherwise', async () => {
    const sessions = deskSessions();
    const seen: unknown[] = [];
    const api = localDeskApi(async (req) => {
      seen.push(req.agent);
      return { status: 200, body: {} };
    }, sessions);
    const request = { method: 'GET', path: '/me', query: {}, body: null };
    expect(await api({ ...request, authorization: 'Bearer nope.nope' })).toEqual({
      status: 401,
      body: { error: 'not signed in' },
    });
    expect(seen).toEqual([]);
    const { token } = sessions.signIn({ agent: 'bob', queues: ['conversations'] });
    expect((await api({ ...request, authorization: `Bearer ${token}` })).status).toBe(200);
    expect(seen).toEqual([{ id: 'local:bob', queues: ['conversations'] }]);
  });
});
