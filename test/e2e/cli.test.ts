/**
 * The real `vigil` command (bin/vigil.js) in a child process: the generated help of every
 * command, the version, and an unknown option's exit status 2.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMAND_OPTIONS } from '../support/vigil.ts';
import { runVigil } from './support.ts';

const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'vigil-cli-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const vigil = (args: string[]) => runVigil(args, { cwd: dir, env: {} });

describe.concurrent('vigil, the process', { timeout: 60_000 }, () => {
  it.each(Object.entries(COMMAND_OPTIONS))('prints the help of %s and exits 0', async (command, options) => {
    // Prepare
    const args = [...command.split(' '), '--help'];

    // Act
    const run = await vigil(args);

    // Assess
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(new RegExp(`^Usage: vigil ${command} `));
    for (const option of options) expect(run.stdout).toContain(option);
  });

  it('prints the version of package.json and exits 0', async () => {
    // Act
    const run = await vigil(['--version']);

    // Assess
    expect(run.status).toBe(0);
    expect(run.stdout).toBe(`${version}\n`);
  });

  it('exits 2 on an unknown option, naming it on stderr', async () => {
    // Act
    const run = await vigil(['send', '-', '--strem', 'vigil-dev-events']);

    // Assess
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^vigil send: unknown option '--strem'/);
  });
});
