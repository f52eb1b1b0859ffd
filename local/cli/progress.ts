/** The progress bar of long runs, on stderr; cli-progress is loaded only when a bar is drawn. */
export interface Progress {
  update(done: number, total: number): void;
  stop(): void;
}

export async function progress(enabled: boolean): Promise<Progress> {
  if (!enabled) return { update: () => undefined, stop: () => undefined };
  const { SingleBar } = await import('cli-progress');
  const bar = new SingleBar({
    format: 'simulating [{bar}] {value}/{total} loans finished',
    stream: process.stderr,
    hideCursor: true,
  });
  let started = false;
  return {
    update(done, total) {
      if (!started) {
        bar.start(total, 0);
        started = true;
      }
      bar.update(done);
    },
    stop: () => {
      if (started) bar.stop();
    },
  };
}
