/**
 * The `vigil` command line in this process: every command's generated help, the version, and
 * the exit status of usage errors (2), before any command does work.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { COMMAND_OPTIONS, vigilInProcess } from '../support/vigil.ts';

const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

describe('vigil help', () => {
  it.each(Object.entries(COMMAND_OPTIONS))(
    'documents %s and its options with --help',
    async (command, options) => {
      // Prepare
      const args = [...command.split(' '), '--help'];

      // Act
      const { status, stdout, stderr } = await vigilInProcess(args);

      // Assess
      expect(status).toBe(0);
      expect(stderr).toBe('');
      expect(stdout).toMatch(new RegExp(`^Usage: vigil ${command} `));
      for (const option of [...options, '-h, --help']) expect(stdout).toContain(option);
    },
  );

  it.each(Object.keys(COMMAND_OPTIONS).filter((c) => !c.includes(' ')))(
    "gives the same help for 'vigil help %s' as for --help",
    async (command) => {
      // Act
      const help = await vigilInProcess(['help', command]);
      const option = await vigilInProcess([command, '-h']);

      // Assess
      expect(help.status).toBe(0);
      expect(help.stdout).toBe(option.stdout);
    },
  );

  it.each([[[]], [['--help']], [['help']]])('lists every command for %j and exits 0', async (args) => {
    // Act
    const { status, stdout } = await vigilInProcess(args);

    // Assess
    expect(status).toBe(0);
    expect(stdout).toMatch(/^Usage: vigil <command> \[options\]/);
    for (const command of ['dead-letters', 'demo', 'replay', 'send', 'start', 'help'])
      expect(stdout).toMatch(new RegExp(`^  ${command} `, 'm'));
    expect(stdout).toContain('-V, --version');
  });

  it.each([['--version'], ['-V']])("prints package.json's version for %s", async (flag) => {
    // Act
    const { status, stdout } = await vigilInProcess([flag]);

    // Assess
    expect(status).toBe(0);
    expect(stdout).toBe(`${version}\n`);
  });
});

describe('vigil usage errors', () => {
  it.each(Object.keys(COMMAND_OPTIONS))('exits 2 on an unknown option of %s, naming it', async (command) => {
    // Prepare
    const args = [...command.split(' '), '--frobnicate', 'x'];

    // Act
    const { status, stdout, stderr } = await vigilInProcess(args);

    // Assess
    expect(status).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(new RegExp(`^vigil ${command.split(' ')[0]}: unknown option '--frobnicate'\\n`));
    expect(stderr).toContain(`(run 'vigil ${command.split(' ')[0]} --help' for usage)`);
  });

  it.each([
    [['frobnicate'], "vigil: unknown command 'frobnicate'"],
    [['--frobnicate'], "vigil: unknown option '--frobnicate'"],
    [['replay'], "vigil replay: missing required argument 'file'"],
    [['send', 'a.ndjson', 'b.ndjson'], "vigil send: too many arguments for 'send'"],
    [
      ['start', '--seed', '1.5'],
      "vigil start: option '--seed <n>' argument '1.5' is invalid. expected a whole number",
    ],
    [
      ['start', '--in-memory', '--data-dir', 'd'],
      "vigil start: option '--in-memory' cannot be used with option '--data-dir <dir>'",
    ],
    [
      ['demo', '--events', '0'],
      "vigil demo: option '--events <n>' argument '0' is invalid. expected a whole number ≥ 1",
    ],
    [['demo', '--days', '-1'], 'vigil demo: days: expected a number above 0'],
    [['send', 'a.ndjson', '--region'], "vigil send: option '--region <region>' argument missing"],
  ])('exits 2 on %j: %s', async (args, message) => {
    // Act
    const { status, stdout, stderr } = await vigilInProcess(args);

    // Assess
    expect(status).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain(message);
  });
});
