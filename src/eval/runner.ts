import { createHash } from 'node:crypto';
import { Detector, type ProcessResult } from '../pipeline/detector.ts';
import type { DetectionConfig } from '../rules/config.ts';
import { InMemoryDecisionLog } from '../shared/memory/decisions.ts';
import { InMemoryProfileStore } from '../shared/memory/profiles.ts';
import { Pseudonymiser } from '../shared/pseudonymise.ts';
import type { Scored } from './metrics.ts';

/**
 * A detector as `vigil replay` builds one: the in-memory profile store, the given rules, the
 * event time of each event. Its pseudonymisation key is derived from a label, not secret: the
 * harness only ever pseudonymises generated or published test data, and a fixed key keeps the
 * run repeatable.
 */
export function evalDetector(config: DetectionConfig, keyLabel = 'vigil-eval'): Detector {
  const secret = createHash('sha256').update(keyLabel).digest();
  return new Detector({
    store: new InMemoryProfileStore(),
    decisions: new InMemoryDecisionLog(),
    pseudonymiser: new Pseudonymiser({ version: 'v1', secret }),
    config,
  });
}

/** The detector's answer as the metrics read it; undefined for a rejected event. */
export function scoredOf(verdict: ProcessResult): Scored | undefined {
  if (verdict.kind !== 'decision') return undefined;
  const d = verdict.decision;
  return {
    score: d.score,
    decision: d.decision,
    flagged: d.decision !== 'allow',
    reasons: d.reasons.map((r) => ({ code: r.code, points: r.points })),
  };
}

/**
 * Runs events (decoded objects or NDJSON lines) through one fresh detector in their order, as
 * replay does, and returns each event's answer by eventId. `tick` is called every event for
 * progress.
 */
export async function runDetector(
  events: Iterable<unknown> | AsyncIterable<unknown>,
  config: DetectionConfig,
  tick: () => void = () => {},
): Promise<{ results: Map<string, Scored>; rejected: string[] }> {
  const detector = evalDetector(config);
  const results = new Map<string, Scored>();
  const rejected: string[] = [];
  for await (const event of events) {
    const verdict =
      typeof event === 'string' ? await detector.processLine(event) : await detector.process(event);
    const scored = scoredOf(verdict);
    if (scored && verdict.kind === 'decision') results.set(verdict.decision.eventId, scored);
    else if (verdict.kind === 'invalid') rejected.push(verdict.error);
    tick();
  }
  return { results, rejected };
}
