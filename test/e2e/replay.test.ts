/**
 * End to end: the real `vigil` command (bin/vigil.js, compiled on the fly by
 * tsx) in a child process, in a temporary working directory, with the
 * pseudonymisation key handed in through VIGIL_PSEUDONYM_KEY so that no key
 * file is ever written into the repository.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BASE_RULESET_VERSION } from '../../src/rules/config.ts';
import { type Run, runVigil, testKey } from './support.ts';
import { aBrowse, aFailedLogin, aLogin, anOrder, toLine, withField } from '../factories/events.ts';

const TEST_KEY = testKey('vigil-e2e-test-key-0123456789abc');

let dir: string;

/** Runs `vigil <args>` in the temporary directory, with the test key and `input` on stdin. */
function vigil(
  args: string[],
  options: { input?: string | Buffer; env?: Record<string, string> } = {},
): Promise<Run> {
  return runVigil(args, {
    cwd: dir,
    env: { VIGIL_PSEUDONYM_KEY: TEST_KEY, ...options.env },
    input: options.input ?? '',
  });
}

/** Writes `content` to `name` in the temporary directory and returns its path. */
function file(name: string, content: string | Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

/** The NDJSON lines of `text`, parsed. */
function jsonLines(text: string): Record<string, unknown>[] {
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

// One mixed input file. Its blank and whitespace-only lines come after the
// line-numbered errors here; numbering after a blank line is checked on its own below.
const LOGIN = aLogin({ eventId: 'ev-login-1' });
const MIXED_LINES = [
  /* 1 */ toLine(LOGIN),
  /* 2 */ toLine(aBrowse({ eventId: 'ev-browse-1' })),
  /* 3 */ '{"schemaVersion":1,"eventId":',
  /* 4 */ toLine(withField(anOrder({ eventId: 'ev-bad-amount' }), 'order.amountMinor', 12.5)),
  /* 5 */ toLine(withField(aLogin(), 'eventId', 'ev with spaces')),
  /* 6 */ '',
  /* 7 */ toLine(anOrder({ eventId: 'ev-order-1' })),
  /* 8 */ '   ',
  /* 9 */ toLine(LOGIN),
  /* 10 */ toLine(aFailedLogin('unknown_user', { eventId: 'ev-fail-1' })),
];
const MIXED = `${MIXED_LINES.join('\n')}\n`;

/** What the mixed file must give, line by line (decisions checked by eventId and shape). */
function assessMixedOutput(stdout: string): void {
  const out = jsonLines(stdout);
  expect(out).toHaveLength(8);
  expect(out[0]).toMatchObject({
    eventId: 'ev-login-1',
    eventType: 'login',
    rulesetVersion: BASE_RULESET_VERSION,
  });
  expect(out[1]).toMatchObject({ eventId: 'ev-browse-1', eventType: 'browse' });
  expect(out[2]).toEqual({ line: 3, error: expect.stringMatching(/^\(json\): invalid JSON/) });
  expect(out[3]).toEqual({ eventId: 'ev-bad-amount', error: 'order.amountMinor: expected integer ≥ 0' });
  expect(out[4]).toEqual({ line: 5, error: expect.stringMatching(/^eventId: /) });
  expect(out[5]).toMatchObject({ eventId: 'ev-order-1', eventType: 'order' });
  expect(out[6]).toEqual({ ...out[0], duplicate: true });
  expect(out[7]).toMatchObject({ eventId: 'ev-fail-1', eventType: 'login' });
  for (const decision of [out[0], out[1], out[5], out[7]]) {
    expect(decision).toEqual({
      eventId: expect.any(String),
      eventType: expect.any(String),
      score: expect.any(Number),
      decision: expect.stringMatching(/^(allow|review|deny)$/),
      reasons: expect.any(Array),
      rulesetVersion: BASE_RULESET_VERSION,
    });
  }
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'vigil-e2e-'));
  file('mixed.ndjson', MIXED);
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe.concurrent('vigil replay', { timeout: 60_000 }, () => {
  let stdoutRun: Run;

  beforeAll(async () => {
    stdoutRun = await vigil(['replay', 'mixed.ndjson']);
  }, 60_000);

  it('writes one line per non-blank input line, in input order, to stdout', async () => {
    // Prepare
    const run = stdoutRun;

    // Act
    const lines = run.stdout.split('\n').filter((l) => l !== '');

    // Assess
    expect(run.status).toBe(0);
    expect(lines).toHaveLength(MIXED_LINES.filter((l) => l.trim() !== '').length);
    assessMixedOutput(run.stdout);
  });

  it('ends with a summary on stderr, with events per second', async () => {
    // Prepare
    const run = stdoutRun;

    // Act
    const summary = run.stderr;

    // Assess
    expect(summary).toMatch(
      new RegExp(
        `^replay: 8 events in \\d+\\.\\d s \\([\\d,]+ events/s\\), ruleset ${BASE_RULESET_VERSION}$`,
        'm',
      ),
    );
    expect(summary).toMatch(/invalid 3\s+duplicates 1/);
    expect(summary).not.toContain('\u001b[');
  });

  it('writes no key file when VIGIL_PSEUDONYM_KEY is set', async () => {
    // Prepare
    const run = stdoutRun;

    // Act
    const entries = readdirSync(dir);

    // Assess
    expect(run.status).toBe(0);
    expect(existsSync(join(dir, '.vigil'))).toBe(false);
    expect(entries.some((e) => e.includes('key'))).toBe(false);
  });

  it('writes no raw identifier of the valid events to its output', async () => {
    // Prepare
    const raw = ['C1000231', 'anna@example.nl', '145.53.12.7', 'd-7f3a', 's-91', 'O-88121'];

    // Act
    const text = stdoutRun.stdout + stdoutRun.stderr;

    // Assess
    expect(raw.filter((r) => text.includes(r))).toEqual([]);
  });

  it('writes the same lines to the --out file instead, and nothing to stdout (a second run: stable pseudonyms)', async () => {
    // Prepare
    const out = join(dir, 'decisions.ndjson');

    // Act
    const run = await vigil(['replay', 'mixed.ndjson', '--out', out]);

    // Assess
    expect(run.status).toBe(0);
    expect(run.stdout).toBe('');
    expect(readFileSync(out, 'utf8')).toBe(stdoutRun.stdout);
    expect(run.stderr).toMatch(/^replay: 8 events in .* events\/s/m);
  });

  it('reads gzipped input by its .gz extension', async () => {
    // Prepare
    file('mixed.ndjson.gz', gzipSync(MIXED));

    // Act
    const run = await vigil(['replay', 'mixed.ndjson.gz']);

    // Assess
    expect(run.status).toBe(0);
    expect(run.stdout).toBe(stdoutRun.stdout);
  });

  it('reads standard input for -', async () => {
    // Prepare
    const input = MIXED;

    // Act
    const run = await vigil(['replay', '-'], { input });

    // Assess
    expect(run.status).toBe(0);
    expect(run.stdout).toBe(stdoutRun.stdout);
  });

  it('reads CRLF line endings like LF', async () => {
    // Prepare
    file('mixed-crlf.ndjson', MIXED.replaceAll('\n', '\r\n'));

    // Act
    const run = await vigil(['replay', 'mixed-crlf.ndjson']);

    // Assess
    expect(run.status).toBe(0);
    expect(run.stdout).toBe(stdoutRun.stdout);
  });

  it('reads a last line without a newline', async () => {
    // Prepare
    file('no-final-newline.ndjson', MIXED.trimEnd());

    // Act
    const run = await vigil(['replay', 'no-final-newline.ndjson']);

    // Assess
    expect(run.stdout).toBe(stdoutRun.stdout);
  });

  it('handles an empty input with an empty output and a summary', async () => {
    // Prepare
    file('empty.ndjson', '');

    // Act
    const run = await vigil(['replay', 'empty.ndjson']);

    // Assess
    expect(run.status).toBe(0);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^replay: 0 events in/m);
  });

  it('gives the 1-based physical line number of an unusable line, counting blank lines', async () => {
    // Prepare
    file(
      'blank-first.ndjson',
      `${toLine(aLogin())}\n\n{not json\n${toLine(withField(aLogin(), 'eventId', ''))}\n`,
    );

    // Act
    const run = await vigil(['replay', 'blank-first.ndjson']);

    // Assess
    expect(jsonLines(run.stdout).slice(1)).toEqual([
      { line: 3, error: expect.any(String) },
      { line: 4, error: expect.any(String) },
    ]);
  });

  it('keeps raw text of a broken line out of its error', async () => {
    // Prepare
    file('pii.ndjson', 'anna@example.nl\n');

    // Act
    const run = await vigil(['replay', 'pii.ndjson']);

    // Assess
    expect(jsonLines(run.stdout)).toEqual([
      { line: 1, error: expect.stringMatching(/^\(json\): invalid JSON/) },
    ]);
    expect(run.stdout).not.toContain('anna');
  });
});

describe.concurrent('vigil replay --rules', { timeout: 60_000 }, () => {
  it('applies a valid rules file and carries its ruleset version', async () => {
    // Prepare
    file('rules-ok.json', JSON.stringify({ thresholds: { review: 50, deny: 90 } }));

    // Act
    const run = await vigil(['replay', 'mixed.ndjson', '--rules', 'rules-ok.json']);

    // Assess
    expect(run.status).toBe(0);
    const versions = new Set(
      jsonLines(run.stdout).flatMap((l) => (l.rulesetVersion ? [l.rulesetVersion] : [])),
    );
    expect([...versions]).toEqual([
      expect.stringMatching(new RegExp(`^${BASE_RULESET_VERSION}\\+[0-9a-f]{8}$`)),
    ]);
  });

  it.each([
    ['thresholds out of order', { thresholds: { review: 90, deny: 10 } }, 'thresholds'],
    ['an unknown parameter', { rules: { BRUTE_FORCE: { minFailurez: 3 } } }, 'rules.BRUTE_FORCE.minFailurez'],
    [
      'a parameter of the wrong type',
      { rules: { BRUTE_FORCE: { windowMinutes: '15' } } },
      'rules.BRUTE_FORCE.windowMinutes',
    ],
    ['an unknown top-level field', { threshold: { review: 50 } }, '(root)'],
  ])('exits non-zero on %s, naming the field', async (_what, config, field) => {
    // Prepare
    const rules = file(`rules-bad-${field}.json`, JSON.stringify(config));

    // Act
    const run = await vigil(['replay', 'mixed.ndjson', '--rules', rules]);

    // Assess
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain(`rules config: ${field}`);
    expect(run.stdout).toBe('');
  });

  it('exits non-zero on a rules file that is not JSON, naming the file', async () => {
    // Prepare
    file('rules-broken.json', '{"thresholds": ');

    // Act
    const run = await vigil(['replay', 'mixed.ndjson', '--rules', 'rules-broken.json']);

    // Assess
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain('rules config rules-broken.json');
  });
});

describe.concurrent('vigil command line', { timeout: 60_000 }, () => {
  it.each([[['replay', '--help']], [['help', 'replay']]])(
    'documents the replay options for %j and exits 0',
    async (args) => {
      // Prepare
      const argv = args;

      // Act
      const run = await vigil(argv);

      // Assess
      expect(run.status).toBe(0);
      expect(run.stdout).toMatch(/^Usage: vigil replay \[options\] <file>/);
      for (const option of ['--out <file>', '--rules <file>', '--key-file <file>', '-h, --help']) {
        expect(run.stdout).toContain(option);
      }
      expect(run.stdout).toContain('VIGIL_PSEUDONYM_KEY');
      expect(run.stdout).toContain('{"line":17,"error":');
    },
  );

  it.each([[['--help']], [[]]])('documents the commands for %j and exits 0', async (args) => {
    // Prepare
    const argv = args;

    // Act
    const run = await vigil(argv);

    // Assess
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^Usage: vigil <command> \[options\]/);
    expect(run.stdout).toMatch(/^\s+replay \[options\] <file>\s+backtest a file/m);
    expect(run.stdout).toMatch(/^\s+help \[command\]/m);
  });

  it('exits 2 on an unknown command, naming it, with the usage on stderr', async () => {
    // Prepare
    const argv = ['frobnicate'];

    // Act
    const run = await vigil(argv);

    // Assess
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain("vigil: unknown command 'frobnicate'");
    expect(run.stderr).toContain('Usage: vigil <command>');
  });

  it('exits 2 when replay gets no input file', async () => {
    // Prepare
    const argv = ['replay'];

    // Act
    const run = await vigil(argv);

    // Assess
    expect(run.status).toBe(2);
    expect(run.stderr).toContain("vigil replay: missing required argument 'file'");
  });

  it('exits non-zero with a message naming a missing input file', async () => {
    // Prepare
    const argv = ['replay', 'does-not-exist.ndjson'];

    // Act
    const run = await vigil(argv);

    // Assess
    expect(run.status).not.toBe(0);
    expect(run.stderr).toMatch(/^vigil replay: ENOENT.*does-not-exist\.ndjson/m);
  });

  it.each([['does-not-exist.ndjson.gz'], ['missing/dir/does-not-exist.ndjson']])(
    'exits 1 with a one-line message, not a stack trace, for a missing input %s',
    async (input) => {
      // Prepare
      const argv = ['replay', input];

      // Act
      const run = await vigil(argv);

      // Assess
      expect(run.status).toBe(1);
      expect(run.stderr.trim()).toMatch(
        /^vigil replay: ENOENT: no such file or directory, open '[^']*does-not-exist/,
      );
      expect(run.stderr).not.toContain('    at ');
    },
  );

  it('exits 1 with a one-line message when the --out file cannot be written', async () => {
    // Prepare
    const argv = ['replay', 'mixed.ndjson', '--out', 'no/such/dir/decisions.ndjson'];

    // Act
    const run = await vigil(argv);

    // Assess
    expect(run.status).toBe(1);
    expect(run.stderr.trim()).toMatch(
      /^vigil replay: ENOENT: no such file or directory, open 'no\/such\/dir/,
    );
    expect(run.stderr).not.toContain('    at ');
  });

  it('exits 2 on an unknown option, like other usage errors', async () => {
    // Prepare
    const argv = ['replay', '--bogus', 'mixed.ndjson'];

    // Act
    const run = await vigil(argv);

    // Assess
    expect(run.status).toBe(2);
    expect(run.stderr).toContain("vigil replay: unknown option '--bogus'");
    expect(run.stdout).toBe('');
  });

  it('exits non-zero on a malformed VIGIL_PSEUDONYM_KEY, writing no key file', async () => {
    // Prepare
    const env = { VIGIL_PSEUDONYM_KEY: 'v1:short' };

    // Act
    const run = await vigil(['replay', 'mixed.ndjson'], { env });

    // Assess
    expect(run.status).not.toBe(0);
    expect(run.stderr).toMatch(/^vigil replay: pseudonym key must have at least 32 bytes/m);
    expect(existsSync(join(dir, '.vigil'))).toBe(false);
  });
});
