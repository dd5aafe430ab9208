import { vi } from 'vitest';
import { run } from '../../src/cli/program.ts';

/** What a `vigil` run wrote, and its exit status. */
export interface Captured {
  status: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs `vigil <args>` in this process (the command line's `run`, as bin/vigil.js does), capturing
 * what it writes to standard output and error. Standard error is no terminal here: no progress.
 */
export async function vigilInProcess(args: string[]): Promise<Captured> {
  const out = { stdout: '', stderr: '' };
  const capture = (into: 'stdout' | 'stderr') => (chunk: string | Uint8Array) => {
    out[into] += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    return true;
  };
  const stdout = vi.spyOn(process.stdout, 'write').mockImplementation(capture('stdout'));
  const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(capture('stderr'));
  try {
    const status = await run(args);
    return { status, ...out };
  } finally {
    stdout.mockRestore();
    stderr.mockRestore();
  }
}

/** Every command of `vigil`, as typed, with the options its help must document. */
export const COMMAND_OPTIONS: Record<string, string[]> = {
  start: [
    '--once',
    '--data-dir <dir>',
    '--in-memory',
    '--customers <n>',
    '--days <n>',
    '--start <date>',
    '--seed <n>',
    '--no-demo',
  ],
  send: ['--stream <name>', '--stage <stage>', '--endpoint <url>', '--region <region>'],
  replay: ['--out <file>', '--rules <file>', '--key-file <file>'],
  calibrate: ['--review-rate <share>', '--deny-rate <share>'],
  demo: [
    '--customers <n>',
    '--days <n>',
    '--events <n>',
    '--start <date>',
    '--seed <n>',
    '--no-attacks',
    '--out <file>',
    '--write-events <file>',
    '--write-labels <file>',
    '--rules <file>',
    '--key-file <file>',
  ],
  'dead-letters': [
    '--table <name>',
    '--stage <stage>',
    '--endpoint <url>',
    '--bucket <name>',
    '--region <region>',
  ],
  'dead-letters list': ['--table <name>', '--endpoint <url>'],
  'dead-letters redrive': ['--stream <name>', '--kinesis-endpoint <url>', '--dry-run', '--table <name>'],
  lists: ['--api-url <url>', '--token <token>'],
  'lists ls': ['--list <list>', '--kind <kind>', '--api-url <url>'],
  'lists add': ['--days <n>', '--pseudonym', '--token <token>'],
  'lists remove': ['--api-url <url>'],
};
