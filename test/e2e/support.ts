import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const VIGIL = fileURLToPath(new URL('../../bin/vigil.js', import.meta.url));

/** A pseudonymisation key for tests, as `VIGIL_PSEUDONYM_KEY` takes it: no key file is ever written. */
export const testKey = (label: string): string =>
  `v1:${Buffer.from(label.padEnd(32, '.').slice(0, 32), 'utf8').toString('base64')}`;

export interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the real `vigil` command (bin/vigil.js) in a child process, in `cwd`,
 * with `input` on standard input. No terminal: progress and colours stay off.
 */
export function runVigil(
  args: string[],
  options: { cwd: string; env: Record<string, string>; input?: string | Buffer },
): Promise<Run> {
  const env: Record<string, string | undefined> = { ...process.env, ...options.env };
  delete env.FORCE_COLOR;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [VIGIL, ...args], { cwd: options.cwd, env, timeout: 60_000 });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.on('error', reject);
    child.on('close', (status) =>
      resolve({
        status,
        stdout: Buffer.concat(stdout).toString('utf8'),
        stderr: Buffer.concat(stderr).toString('utf8'),
      }),
    );
    child.stdin.end(options.input ?? '');
  });
}
