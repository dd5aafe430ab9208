import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/rules/config.ts';
import { type Progress, runDevSet, runOwnSet, runPeerSet, writeScenario } from '../../src/eval/sets.ts';
import { generate } from '../../src/eval/scenario.ts';
import { aBrowse, aLogin } from '../factories/events.ts';

const quiet: Progress = { stage: () => {}, tick: () => {} };
const ndjson = (rows: object[]) => rows.map((r) => JSON.stringify(r)).join('\n') + '\n';

/** A shared folder laid out as ../shared: one dev set and one peer test, a bot and a customer. */
function sharedFolder(): string {
  const root = mkdtempSync(join(tmpdir(), 'vigil-eval-'));
  const bot = aBrowse({ userAgent: 'python-requests/2.32.3' });
  const customer = aLogin();
  const events = ndjson([customer, bot]);
  const labels = ndjson([
    { eventId: customer.eventId, label: 'legit', scenario: 'normal', incident: null },
    { eventId: bot.eventId, label: 'fraud', scenario: 'bot', incident: 'bot-1' },
  ]);
  mkdirSync(join(root, 'eval'));
  writeFileSync(join(root, 'eval', 'events.ndjson.gz'), gzipSync(events));
  writeFileSync(join(root, 'eval', 'labels.ndjson.gz'), gzipSync(labels));
  mkdirSync(join(root, 'peer', 'crowdsec', 't1'), { recursive: true });
  writeFileSync(join(root, 'peer', 'crowdsec', 't1', 'events.ndjson'), events);
  writeFileSync(join(root, 'peer', 'crowdsec', 't1', 'labels.ndjson'), labels);
  return root;
}

describe('the shared sets', () => {
  it('score the development set and the peer tests through the detector', async () => {
    // Prepare
    const root = sharedFolder();

    // Act
    const dev = await runDevSet(root, resolveConfig(), quiet);
    const peer = await runPeerSet(root, resolveConfig(), quiet);

    // Assess
    for (const report of [dev, peer]) {
      expect(report).toMatchObject({ events: 2, incidents: 1, caught: 1, legitFlagRate: 0, invalid: 0 });
    }
  });

  it('are skipped with a message naming the folder when absent', async () => {
    // Prepare
    const root = mkdtempSync(join(tmpdir(), 'vigil-eval-empty-'));

    // Act
    const dev = await runDevSet(root, resolveConfig(), quiet);
    const peer = await runPeerSet(root, resolveConfig(), quiet);

    // Assess
    expect(dev).toMatchObject({ skipped: expect.stringContaining(join(root, 'eval')) });
    expect(peer).toMatchObject({ skipped: expect.stringContaining(join(root, 'peer')) });
  });
});

describe('runOwnSet', () => {
  it('measures the seeds together, incidents kept apart by seed, and each seed alone', async () => {
    // Act
    const own = await runOwnSet(200, [3, 4], 4, resolveConfig(), quiet);

    // Assess
    expect(own.perSeed).toHaveLength(2);
    expect(own.report.incidents).toBe(own.perSeed[0]!.incidents + own.perSeed[1]!.incidents);
    expect(own.report.events).toBe(own.perSeed[0]!.events + own.perSeed[1]!.events);
    expect(own.report.invalid).toBe(0);
  });
});

describe('writeScenario', () => {
  it('writes the events and the labels apart, in the shared layout', async () => {
    // Prepare
    const dir = mkdtempSync(join(tmpdir(), 'vigil-eval-out-'));
    const scenario = generate({ seed: 2, customers: 150, days: 4 });

    // Act
    await writeScenario(dir, 'small', scenario);

    // Assess
    const lines = (file: string) =>
      readFileSync(join(dir, file), 'utf8')
        .trimEnd()
        .split('\n')
        .map((l) => JSON.parse(l));
    const events = lines('small.events.ndjson');
    const labels = lines('small.labels.ndjson');
    expect(events).toEqual(scenario.events);
    expect(labels[0]).toEqual({
      eventId: events[0].eventId,
      label: 'legit',
      scenario: scenario.labels[0]!.family,
      incident: null,
    });
    expect(labels.map((l) => l.eventId)).toEqual(events.map((e) => e.eventId));
    expect(JSON.stringify(events)).not.toContain('"family"');
  });
});
