import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { NdjsonWriter, readLines } from '../cli/io.ts';
import type { DetectionConfig } from '../rules/config.ts';
import { rfc3339ToMs } from '../shared/contract/events.ts';
import { type SetReport, type Scored, measure } from './metrics.ts';
import type { Label } from './model.ts';
import { runDetector } from './runner.ts';
import { type Scenario, generate } from './scenario.ts';

/** Progress of a run: a stage message, and one tick per scored event. */
export interface Progress {
  stage(text: string, total: number): void;
  tick(): void;
}

/** A set that could not be run, and why. */
export interface Skipped {
  name: string;
  skipped: string;
}

export interface OwnSetResult {
  report: SetReport;
  perSeed: SetReport[];
}

/**
 * The harness's own traffic at one population size over several seeds: each seed generated and
 * scored by a fresh detector, then all of them measured together (incidents keep their seed).
 */
export async function runOwnSet(
  customers: number,
  seeds: readonly number[],
  days: number,
  config: DetectionConfig,
  progress: Progress,
  /** Called with each generated scenario before it is scored (to write it out). */
  onGenerated: (seed: number, scenario: Scenario) => Promise<void> = async () => {},
): Promise<OwnSetResult> {
  const labels: Label[] = [];
  const results: (Scored | undefined)[] = [];
  const times: number[] = [];
  const perSeed: SetReport[] = [];
  for (const seed of seeds) {
    progress.stage(`generating ${customers.toLocaleString('en')} customers, seed ${seed}`, 0);
    const scenario = generate({ seed, customers, days });
    await onGenerated(seed, scenario);
    progress.stage(
      `scoring ${customers.toLocaleString('en')} customers, seed ${seed}`,
      scenario.events.length,
    );
    const { results: byId, rejected } = await runDetector(scenario.events, config, progress.tick);
    if (rejected.length)
      throw new Error(`generated events rejected by the contract parser (seed ${seed}): ${rejected[0]}`);
    const seedResults = scenario.labels.map((l) => byId.get(l.eventId));
    const seedTimes = scenario.events.map((e) => rfc3339ToMs(e.occurredAt));
    perSeed.push(
      measure(`own ${customers} customers, seed ${seed}`, scenario.labels, seedResults, seedTimes),
    );
    // One push per event: spreading a large array into push() overflows the call stack.
    scenario.labels.forEach((l, i) => {
      labels.push(l.incident === null ? l : { ...l, incident: `${seed}:${l.incident}` });
      results.push(seedResults[i]);
      times.push(seedTimes[i]!);
    });
  }
  return {
    report: measure(`own ${customers} customers, seeds ${seeds.join(',')}`, labels, results, times),
    perSeed,
  };
}

interface SharedLabel {
  eventId: string;
  label: 'fraud' | 'legit';
  scenario: string;
  incident: string | null;
}

async function readSharedLabels(path: string): Promise<Label[]> {
  const out: Label[] = [];
  for await (const line of readLines(path)) {
    if (!line.trim()) continue;
    const l = JSON.parse(line) as SharedLabel;
    out.push({ eventId: l.eventId, label: l.label, family: l.scenario, incident: l.incident });
  }
  return out;
}

/** Scores one events file with its labels (the shared sets' layout) through a fresh detector. */
async function scoreFiles(
  eventsPath: string,
  labelsPath: string,
  config: DetectionConfig,
  progress: Progress,
  label: string,
) {
  const labels = await readSharedLabels(labelsPath);
  const timeOf = new Map<string, number>();
  async function* events() {
    for await (const line of readLines(eventsPath)) {
      if (!line.trim()) continue;
      const event = JSON.parse(line) as { eventId?: unknown; occurredAt?: unknown };
      if (typeof event.eventId === 'string' && typeof event.occurredAt === 'string')
        timeOf.set(event.eventId, rfc3339ToMs(event.occurredAt));
      yield event;
    }
  }
  progress.stage(label, labels.length);
  const { results } = await runDetector(events(), config, progress.tick);
  return {
    labels,
    results: labels.map((l) => results.get(l.eventId)),
    times: labels.map((l) => timeOf.get(l.eventId) ?? NaN),
  };
}

/** The development set `<shared>/eval` (events and labels gzipped). */
export async function runDevSet(
  shared: string,
  config: DetectionConfig,
  progress: Progress,
): Promise<SetReport | Skipped> {
  const dir = join(shared, 'eval');
  const events = join(dir, 'events.ndjson.gz');
  const labels = join(dir, 'labels.ndjson.gz');
  const name = `shared eval (${dir})`;
  if (!existsSync(events) || !existsSync(labels))
    return { name, skipped: `no events.ndjson.gz and labels.ndjson.gz in ${dir}` };
  const run = await scoreFiles(events, labels, config, progress, 'scoring the shared eval set');
  return measure(name, run.labels, run.results, run.times);
}

/**
 * The peer suite `<shared>/peer`: each CrowdSec test scored by its own fresh detector (their
 * addresses and times overlap, see its README), then measured together.
 */
export async function runPeerSet(
  shared: string,
  config: DetectionConfig,
  progress: Progress,
): Promise<SetReport | Skipped> {
  const dir = join(shared, 'peer', 'crowdsec');
  const name = `shared peer (${dir})`;
  if (!existsSync(dir)) return { name, skipped: `no ${dir}` };
  const labels: Label[] = [];
  const results: (Scored | undefined)[] = [];
  const times: number[] = [];
  for (const test of readdirSync(dir).sort()) {
    const events = join(dir, test, 'events.ndjson');
    const labelFile = join(dir, test, 'labels.ndjson');
    if (!existsSync(events) || !existsSync(labelFile)) continue;
    const run = await scoreFiles(events, labelFile, config, progress, `scoring peer test ${test}`);
    run.labels.forEach((l, i) => {
      labels.push(l);
      results.push(run.results[i]);
      times.push(run.times[i]!);
    });
  }
  if (labels.length === 0) return { name, skipped: `no tests (events.ndjson + labels.ndjson) under ${dir}` };
  return measure(name, labels, results, times);
}

/**
 * Writes a generated set in the shared sets' layout, so that `vigil replay` and
 * `../shared/eval/score.mjs` read it: `<name>.events.ndjson`, and `<name>.labels.ndjson` with one
 * `{"eventId","label","scenario","incident"}` per event (`scenario` is the family).
 */
export async function writeScenario(dir: string, name: string, scenario: Scenario): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const events = new NdjsonWriter(join(dir, `${name}.events.ndjson`));
  for (const e of scenario.events) await events.write(e);
  await events.close();
  const labels = new NdjsonWriter(join(dir, `${name}.labels.ndjson`));
  for (const l of scenario.labels) {
    await labels.write({ eventId: l.eventId, label: l.label, scenario: l.family, incident: l.incident });
  }
  await labels.close();
}
