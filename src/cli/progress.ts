import { SingleBar } from 'cli-progress';

/**
 * A one-line status on standard error, drawn by cli-progress only when that stream is a terminal
 * (cli-progress draws nothing elsewhere unless `noTTYOutput` is set), so logs and pipes stay
 * clean. The line is `render()`, redrawn at most four times a second, and cleared when stopped.
 * Until `stop()` its redraw timer keeps the process alive: stop it in a `finally`.
 * https://github.com/npkgz/cli-progress#options-1
 *
 * @example
 * ```ts
 * const progress = startProgress(() => `${count} events`);
 * try { for (const line of lines) { count++; progress.update(); } } finally { progress.stop(); }
 * ```
 */
export function startProgress(
  render: () => string,
  stream: NodeJS.WritableStream = process.stderr,
): { update(): void; stop(): void } {
  const bar = new SingleBar({
    stream,
    fps: 4,
    clearOnComplete: true,
    // The terminal's line wrapping left as it is: cli-progress would switch it off until stop(),
    // and a Ctrl-C before then would leave the user's terminal without it. The line is short.
    linewrap: true,
    format: () => render(),
  });
  bar.start(0, 0);
  return {
    // A redraw only when the last one is overdue (cli-progress's synchronousUpdate): between
    // redraws an update costs a clock read, so a hot loop may call it for every item.
    update: () => bar.update({}),
    stop: () => bar.stop(),
  };
}
