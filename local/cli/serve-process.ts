import { serve } from '../serve.js';
import { EXIT } from './usage.js';

/**
 * `ladder serve` as a process: serves until SIGINT, SIGTERM or SIGHUP, or until the process that
 * started it exits, then closes the HTTP server, the local services and the store and exits 0.
 *
 * Why the parent is watched: `npx ladder serve` is three processes (npm, a shell, this node). Ctrl-C
 * in a terminal signals all three, but `kill <npm's pid>` (what a script, an IDE or a test runner
 * does) ends npm and its shell and leaves this process listening, orphaned. Node cannot ask Linux
 * for a signal on its parent's death (prctl PR_SET_PDEATHSIG), so it checks its parent pid twice a
 * second: a change means the parent is gone.
 */
const PARENT_CHECK_MS = 500;
/** A close that hangs (a stuck connection) does not keep the port: exit anyway after this. */
const CLOSE_DEADLINE_MS = 5_000;

export async function serveUntilStopped(opts: {
  port: number;
  speed: number;
  data?: string;
  iam: boolean;
}): Promise<void> {
  let service: { close: () => Promise<void> } | undefined;
  let stopping = false;
  const close = (started: { close: () => Promise<void> }) =>
    void started.close().then(
      () => process.exit(EXIT.ok),
      (error: Error) => {
        process.stderr.write(`ladder serve: shutdown: ${error.name}: ${error.message}\n`);
        process.exit(EXIT.internal);
      },
    );
  const stop = (why: string) => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`ladder serve: ${why}, shutting down\n`);
    setTimeout(() => process.exit(EXIT.ok), CLOSE_DEADLINE_MS).unref();
    if (service) close(service);
  };
  // Before the stack starts, not after: the listen line is out (and the port accepts connections)
  // a moment before `serve` resolves, and a signal in that moment found no handler, so the kernel's
  // default action killed the process without closing anything (seen under load in
  // test/cli/serve-cli.test.ts). A stop that comes while it starts closes it once it is up.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => stop(signal));
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) stop('the process that started it exited');
  }, PARENT_CHECK_MS).unref();
  service = await serve({ ...opts, iam: opts.iam });
  if (stopping) close(service);
}
