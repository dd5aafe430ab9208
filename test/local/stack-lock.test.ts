/**
 * One local stack per folder (proper-lockfile): a live holder is refused at once with what to do;
 * the lock of a killed stack is taken over once stale, never blocking forever.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STALE_MS, StackRunningError, lockFolder } from '../../src/local/stack-lock.ts';

let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'vigil-lock-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('lockFolder', () => {
  it('refuses a second holder at once, naming the running pid and what to do', async () => {
    // Prepare
    const folder = join(dir, 'live');
    const release = await lockFolder(folder);

    // Act
    const second = lockFolder(folder);

    // Assess
    try {
      await expect(second).rejects.toBeInstanceOf(StackRunningError);
      await expect(second).rejects.toThrow(
        `another local stack (pid ${process.pid}) is running on ${folder}`,
      );
      await expect(second).rejects.toThrow('--data-dir');
      expect(statSync(folder).mode & 0o777).toBe(0o700);
    } finally {
      await release();
    }
  });

  it('takes over the lock a killed stack left once it has gone stale', async () => {
    // Prepare
    const folder = join(dir, 'killed');
    mkdirSync(join(folder, 'stack.lock'), { recursive: true });
    const dead = spawnSync(process.execPath, ['-e', '']).pid!;
    writeFileSync(join(folder, 'stack.pid'), `${dead}\n`);
    const lastRefresh = new Date(Date.now() - STALE_MS - 60_000);
    utimesSync(join(folder, 'stack.lock'), lastRefresh, lastRefresh);

    // Act
    const release = await lockFolder(folder);

    // Assess
    try {
      expect(readFileSync(join(folder, 'stack.pid'), 'utf8')).toBe(`${process.pid}\n`);
    } finally {
      await release();
    }
  });

  it('can be taken again once released', async () => {
    // Prepare
    const folder = join(dir, 'released');
    await (
      await lockFolder(folder)
    )();

    // Act
    const release = await lockFolder(folder);

    // Assess
    await release();
  });
});
