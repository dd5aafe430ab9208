import { describe, expect, it } from 'vitest';
import { runLimited } from '../../src/shared/run-limited.ts';

/** A task that waits until released, counting how many run at once. */
function gate() {
  let running = 0;
  let peak = 0;
  const releases: (() => void)[] = [];
  const task =
    (fail = false) =>
    async () => {
      running++;
      peak = Math.max(peak, running);
      await new Promise<void>((resolve) => releases.push(resolve));
      running--;
      if (fail) throw new Error('task failed');
    };
  /** Releases every waiting task, again and again, until `done` settles. */
  const drain = async (done: Promise<unknown>) => {
    let settled = false;
    void done.then(
      () => (settled = true),
      () => (settled = true),
    );
    while (!settled) {
      releases.splice(0).forEach((release) => release());
      await new Promise((resolve) => setImmediate(resolve));
    }
  };
  return { task, drain, peak: () => peak, running: () => running };
}

describe('runLimited', () => {
  it('runs every task with at most `limit` in flight', async () => {
    // Prepare
    const g = gate();
    let finished = 0;
    const tasks = Array.from({ length: 10 }, () => {
      const run = g.task();
      return async () => {
        await run();
        finished++;
      };
    });

    // Act
    const done = runLimited(tasks, 3);
    await g.drain(done);
    await done;

    // Assess
    expect(finished).toBe(10);
    expect(g.peak()).toBe(3);
  });

  it('rejects with the first failure only once every task has settled', async () => {
    // Prepare: the second of five tasks fails
    const g = gate();
    const tasks = [g.task(), g.task(true), g.task(), g.task(), g.task()];

    // Act
    const done = runLimited(tasks, 2);
    await g.drain(done);

    // Assess
    await expect(done).rejects.toThrow('task failed');
    expect(g.running()).toBe(0);
  });
});
