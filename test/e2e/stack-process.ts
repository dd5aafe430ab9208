/**
 * The real local stack in a child process (`node bin/vigil.js start --no-demo`), for tests that
 * stop it, kill it and start it again: ready when it says it is consuming, reached through the
 * `.vigil/local.json` it writes.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import type { Role } from '../../src/shared/roles.ts';
import { LOCAL_STACK_FILE, type LocalStackInfo } from '../../src/local/stack.ts';

const VIGIL = fileURLToPath(new URL('../../bin/vigil.js', import.meta.url));
/** What `vigil start` writes to stderr once the stack is up and its poller runs. */
const READY = 'vigil start: consuming';

export interface Ended {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface StackProcess {
  /** What the stack wrote to `.vigil/local.json`. */
  info: LocalStackInfo;
  /** Its standard error so far. */
  stderr(): string;
  /** Sends `signal` and resolves with how the process ended. */
  stop(signal: NodeJS.Signals): Promise<Ended>;
}

const running = new Set<StackProcess>();

/** Starts `vigil start --no-demo ...args` in `cwd`; resolves once it is ready. */
export async function startStackProcess(
  cwd: string,
  args: string[],
  env: Record<string, string>,
): Promise<StackProcess> {
  const child = spawn(process.execPath, [VIGIL, 'start', '--no-demo', ...args], {
    cwd,
    env: { ...process.env, ...env },
  });
  let stderr = '';
  child.stdout.resume();
  child.stderr.setEncoding('utf8');
  const ended = new Promise<Ended>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  await new Promise<void>((resolve, reject) => {
    child.stderr.on('data', (chunk: string) => {
      stderr += chunk;
      if (stderr.includes(READY)) resolve();
    });
    void ended.then(({ code, signal }) =>
      reject(new Error(`vigil start ended (${code ?? signal}) before it was ready:\n${stderr}`)),
    );
  });
  const stack: StackProcess = {
    info: JSON.parse(readFileSync(join(cwd, LOCAL_STACK_FILE), 'utf8')) as LocalStackInfo,
    stderr: () => stderr,
    stop: (signal) => {
      running.delete(stack);
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return ended;
    },
  };
  running.add(stack);
  return stack;
}

/** Kills every stack still running (for `afterEach`). */
export async function killStackProcesses(): Promise<void> {
  await Promise.all([...running].map((s) => s.stop('SIGKILL')));
}

/**
 * Probes state until `done` says so, at most `tries` times, 100 ms apart; resolves with the last
 * value either way, for the test to assert on (so a failure shows the state, not a timeout). The
 * pause only spaces the tries: the outcome is decided by the state probed.
 */
export async function poll<T>(probe: () => Promise<T>, done: (value: T) => boolean, tries = 600): Promise<T> {
  let value = await probe();
  for (let i = 1; i < tries && !done(value); i++) {
    await sleep(100);
    value = await probe();
  }
  return value;
}

/** A request to the stack's API gateway as `role`; resolves with the status and the parsed body. */
export async function callApi(
  info: LocalStackInfo,
  role: Role,
  method: 'GET' | 'POST' | 'DELETE',
  path: string,
  body?: unknown,
): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${info.apiUrl}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${info.tokens[role]}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: text === '' ? undefined : (JSON.parse(text) as unknown) };
}
