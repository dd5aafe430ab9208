/**
 * One local stack per folder. Two stacks on one data folder would corrupt it (two writers on each
 * LevelDB database), and a second stack in one directory would overwrite the first one's
 * `.vigil/local.json`, leaving `vigil send` and the other commands pointed at nothing.
 *
 * The lock is proper-lockfile's: a `stack.lock` directory made atomically (mkdir), its mtime
 * refreshed while the stack runs, and taken over once it has gone stale (not refreshed for
 * {@link STALE_MS}), so a stack killed with SIGKILL blocks the folder for that long at most.
 * The holder's pid sits beside it (`stack.pid`) only to tell "running" from "killed" at once.
 */
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import lockfile from 'proper-lockfile';
import { privateFolder, writePrivateFile } from './private-files.ts';

/** A lock not refreshed for this long is left by a dead stack (proper-lockfile's default). */
export const STALE_MS = 10_000;

const LOCK_NAME = 'stack.lock';
const PID_NAME = 'stack.pid';

/** Refused: another live stack holds the folder. */
export class StackRunningError extends Error {
  override readonly name = 'StackRunningError';
}

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
};

function holder(dir: string): number | undefined {
  try {
    const pid = Number(readFileSync(join(dir, PID_NAME), 'utf8').trim());
    return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

const runningMessage = (dir: string, pid: number | undefined): string => {
  const who = pid === undefined ? 'another local stack' : `another local stack (pid ${pid})`;
  const stop = pid === undefined ? 'Ctrl-C in its terminal' : `Ctrl-C in its terminal, or kill ${pid}`;
  return (
    `${who} is running on ${dir}: stop it first (${stop}), or run this one from another ` +
    `directory, or on another folder with --data-dir <dir> (or --in-memory)`
  );
};

const isLocked = (err: unknown): boolean => (err as { code?: unknown }).code === 'ELOCKED';

/**
 * Takes the folder `dir` (made 0700 if missing) for this process; resolves to its release.
 * Refuses at once with {@link StackRunningError} while a live stack holds it; when the holder is
 * dead (killed), waits until its lock has gone stale and takes it over.
 *
 * @example
 * ```ts
 * const release = await lockFolder('.vigil');
 * try { … } finally { await release(); }
 * ```
 */
export async function lockFolder(dir: string): Promise<() => Promise<void>> {
  privateFolder(dir);
  const options = {
    lockfilePath: join(dir, LOCK_NAME),
    stale: STALE_MS,
    realpath: false,
    onCompromised: (err: Error): never => {
      // Another process took the folder over while this one could not refresh the lock: two
      // stacks must not write the same databases, so this one stops (an uncaught error).
      throw new Error(`lost the lock on ${dir} (${err.message}); stopping`);
    },
  };
  let release: () => Promise<void>;
  try {
    release = await lockfile.lock(dir, options);
  } catch (err) {
    if (!isLocked(err)) throw err;
    const pid = holder(dir);
    if (pid === undefined || isAlive(pid)) throw new StackRunningError(runningMessage(dir, pid));
    // Killed: its lock goes stale STALE_MS after its last refresh; retry a little longer than that.
    try {
      release = await lockfile.lock(dir, {
        ...options,
        retries: { retries: Math.ceil(STALE_MS / 1000) + 2, factor: 1, minTimeout: 1000, maxTimeout: 1000 },
      });
    } catch (again) {
      if (isLocked(again)) throw new StackRunningError(runningMessage(dir, holder(dir)));
      throw again;
    }
  }
  const pidFile = join(dir, PID_NAME);
  writePrivateFile(pidFile, `${process.pid}\n`);
  return async () => {
    // The pid first: once unlocked, the file may be the next holder's.
    rmSync(pidFile, { force: true });
    await release();
  };
}
