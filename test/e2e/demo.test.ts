/**
 * End to end: `vigil demo` through its command function, with standard output
 * and error captured, in a temporary directory, with the pseudonymisation key
 * handed in through VIGIL_PSEUDONYM_KEY so that no key file is ever written
 * into the repository. The events it writes are then replayed by the real
 * `vigil replay` command, which must decide exactly as the demo did.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ATTACK_SCENARIOS } from '../../src/demo/traffic.ts';
import { vigilInProcess } from '../support/vigil.ts';
import { type Run, runVigil, testKey } from './support.ts';

const TEST_KEY = testKey('vigil-e2e-demo-key-0123456789abc');

let dir: string;
let previousKey: string | undefined;

/** Runs `vigil demo <args>` in this process, capturing what it writes. */
const runDemo = (args: string[]): Promise<Run> => vigilInProcess(['demo', ...args]);

/** Runs the real `vigil` command in a child process. */
const vigil = (args: string[]): Promise<Run> =>
  runVigil(args, { cwd: dir, env: { VIGIL_PSEUDONYM_KEY: TEST_KEY } });

const lines = (path: string): string[] => readFileSync(path, 'utf8').split('\n').filter(Boolean);

/** The report's row for `name` in a table section: the numbers after it. */
function row(report: string, name: string): string {
  const match = new RegExp(`^  ${name} +(.*)$`, 'm').exec(report);
  if (!match) throw new Error(`no row ${name} in:\n${report}`);
  return match[1]!;
}

/** The section of the report from `heading` to the next blank line. */
function section(report: string, heading: string): string {
  const start = report.indexOf(heading);
  if (start < 0) throw new Error(`no section ${heading} in:\n${report}`);
  const end = report.indexOf('\n\n', start);
  return report.slice(start, end < 0 ? undefined : end);
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'vigil-demo-'));
  previousKey = process.env.VIGIL_PSEUDONYM_KEY;
  process.env.VIGIL_PSEUDONYM_KEY = TEST_KEY;
});

afterAll(() => {
  if (previousKey === undefined) delete process.env.VIGIL_PSEUDONYM_KEY;
  else process.env.VIGIL_PSEUDONYM_KEY = previousKey;
  rmSync(dir, { recursive: true, force: true });
});

describe('vigil demo', () => {
  let run: Run;
  const files = () => ({
    decisions: join(dir, 'decisions.ndjson'),
    events: join(dir, 'events.ndjson'),
    labels: join(dir, 'labels.ndjson'),
  });

  beforeAll(async () => {
    const { decisions, events, labels } = files();
    run = await runDemo(['--out', decisions, '--write-events', events, '--write-labels', labels]);
  }, 120_000);

  it('runs the default demo and exits 0', () => {
    // Prepare
    const { status, stdout } = run;

    // Act
    const header = stdout.split('\n')[0];

    // Assess
    expect(status).toBe(0);
    expect(header).toMatch(
      /^vigil demo: [\d,]+ events of a Dutch web shop \(seed 1: 1,500 customers, 3 days/,
    );
  });

  it('catches every incident of every attack scenario', () => {
    // Prepare
    const attacks = section(run.stdout, 'attacks:');

    // Act
    const caught = ATTACK_SCENARIOS.map((scenario) => {
      const [, hits, total] = /^(\d+)\/(\d+)/.exec(row(attacks, scenario))!;
      return { scenario, hits: Number(hits), total: Number(total) };
    });

    // Assess
    for (const { scenario, hits, total } of caught) {
      expect({ scenario, hits }).toEqual({ scenario, hits: total });
      expect(total).toBeGreaterThanOrEqual(1);
    }
  });

  it('names the reason codes that caught them', () => {
    // Prepare
    const alerts = section(run.stdout, 'alerts (review or deny) by reason code');

    // Act
    const codes = [...alerts.matchAll(/^ {2}([A-Z_]+) +[\d,]+$/gm)].map((m) => m[1]);

    // Assess
    expect(codes).toContain('BRUTE_FORCE');
    expect(codes).toContain('BOT_USER_AGENT');
    expect(codes).toContain('CREDENTIAL_STUFFING');
  });

  it('raises false alerts on under 1% of the legitimate traffic', () => {
    // Prepare
    const legit = section(run.stdout, 'legitimate traffic: false alerts');

    // Act
    const [, events, falseAlerts] = /^([\d,]+) +([\d,]+) \(/.exec(row(legit, 'all legitimate'))!;
    const rate = Number(falseAlerts!.replaceAll(',', '')) / Number(events!.replaceAll(',', ''));

    // Assess
    expect(Number(events!.replaceAll(',', ''))).toBeGreaterThan(20_000);
    expect(rate).toBeLessThan(0.01);
  });

  it('writes one decision and one label per event, matching the summary', () => {
    // Prepare
    const { decisions, events, labels } = files();
    const total = Number(/^vigil demo: ([\d,]+) events/.exec(run.stdout)![1]!.replaceAll(',', ''));

    // Act
    const eventIds = lines(events).map((l) => (JSON.parse(l) as { eventId: string }).eventId);
    const labelIds = lines(labels).map((l) => (JSON.parse(l) as { eventId: string }).eventId);
    const decisionIds = lines(decisions).map((l) => (JSON.parse(l) as { eventId: string }).eventId);

    // Assess
    expect(eventIds).toHaveLength(total);
    expect(labelIds).toEqual(eventIds);
    expect(decisionIds).toEqual(eventIds);
    expect(JSON.parse(lines(labels)[0]!)).toMatchObject({ label: expect.stringMatching(/^(legit|fraud)$/) });
  });

  it('writes events that `vigil replay` decides exactly as the demo did', async () => {
    // Prepare
    const { decisions, events } = files();
    const replayed = join(dir, 'replayed.ndjson');

    // Act
    const replay = await vigil(['replay', events, '--out', replayed]);

    // Assess
    expect(replay.status).toBe(0);
    expect(readFileSync(replayed, 'utf8')).toBe(readFileSync(decisions, 'utf8'));
  }, 120_000);
});

describe('vigil demo options', () => {
  it('documents itself with --help', async () => {
    // Prepare
    const args = ['--help'];

    // Act
    const { status, stdout } = await runDemo(args);

    // Assess
    expect(status).toBe(0);
    expect(stdout).toMatch(/^Usage: vigil demo \[options\]/);
    for (const option of ['--events <n>', '--write-events <file>', '--no-attacks', '--rules <file>']) {
      expect(stdout).toContain(option);
    }
    expect(stdout).toContain('one incident of each kind per 2,250');
  });

  it('stops at --events n and sizes the population for it', async () => {
    // Prepare
    const args = ['--events', '3000', '--seed', '9'];

    // Act
    const { status, stdout } = await runDemo(args);

    // Assess
    expect(status).toBe(0);
    expect(stdout).toMatch(/^vigil demo: 3,000 events of a Dutch web shop \(seed 9: \d+ customers, 3 days/);
  }, 60_000);

  it('shows only legitimate traffic with --no-attacks', async () => {
    // Prepare
    const args = ['--no-attacks', '--customers', '100', '--days', '1'];

    // Act
    const { status, stdout } = await runDemo(args);

    // Assess
    expect(status).toBe(0);
    expect(stdout).toMatch(/0 attack incidents/);
    expect(stdout).not.toMatch(/^attacks:/m);
    expect(stdout).toMatch(/^ {2}all legitimate/m);
  }, 60_000);

  it.each([
    [
      ['--customers', 'many'],
      "option '--customers <n>' argument 'many' is invalid. expected a whole number ≥ 1",
    ],
    [['--start', 'yesterday'], 'start: expected YYYY-MM-DD or an RFC 3339 timestamp, got "yesterday"'],
    [['--days', '0'], 'days: expected a number above 0, at most 3660'],
  ])('rejects %j with exit code 2', async (args, message) => {
    // Prepare
    const argv = [...args];

    // Act
    const { status, stdout, stderr } = await runDemo(argv);

    // Assess
    expect(status).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain(`vigil demo: ${message}`);
  });
});
