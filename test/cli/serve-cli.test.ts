import { type ChildProcess, spawn } from 'node:child_process';
import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';

/**
 * `ladder serve` as a process: it stops cleanly on SIGTERM and SIGINT (exit 0, port closed), and it
 * does not outlive the process that started it. `npx ladder serve` is npm, a shell and this node
 * process; killing npm ends npm and its shell and, before, left node listening. Here a shell starts
 * it and is killed, which is the same for the node process: its parent goes away.
 */
const SERVE = ['cli/ladder.mjs', 'serve', '--port', '0', '--no-iam'];

/** The port the service prints once it listens ("ladder serve: http://127.0.0.1:<port> ..."). */
function listening(child: ChildProcess): Promise<number> {
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`no "ladder serve:" line within 90 s: ${out}`)), 90_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
      const port = /ladder serve: http:\/\/127\.0\.0\.1:(\d+)/.exec(out)?.[1];
      if (port) {
        clearTimeout(timer);
        resolve(Number(port));
      }
    });
    child.once('exit', (code) => reject(new Error(`exited ${code} before listening: ${out}`)));
  });
}

const accepts = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });

/** Polls until the port refuses connections, with a deadline. */
async function closes(port: number, seconds: number): Promise<boolean> {
  const deadline = Date.now() + seconds * 1000;
  while (Date.now() < deadline) {
    if (!(await accepts(port))) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return false;
}

const exited = (child: ChildProcess): Promise<number | null> =>
  new Promise((resolve) => {
    if (child.exitCode !== null) resolve(child.exitCode);
    else child.once('exit', (code) => resolve(code));
  });

describe('ladder serve: shutdown', () => {
  it.each(['SIGTERM', 'SIGINT'] as const)(
    '%s: closes its port and exits 0',
    async (signal) => {
      const child = spawn('node', SERVE, { stdio: ['ignore', 'pipe', 'pipe'] });
      const port = await listening(child);
      expect(await accepts(port)).toBe(true);
      child.kill(signal);
      expect(await exited(child)).toBe(0);
      expect(await accepts(port)).toBe(false);
    },
    120_000,
  );

  it('stops when the process that started it is killed (npx: npm and its shell), instead of listening on', async () => {
    // `& wait` keeps the shell as the parent (a shell may otherwise exec its last command).
    const shell = spawn('sh', ['-c', `node ${SERVE.join(' ')} & wait`], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const port = await listening(shell);
    expect(await accepts(port)).toBe(true);
    shell.kill('SIGKILL');
    expect(await closes(port, 10)).toBe(true);
  }, 120_000);
});
