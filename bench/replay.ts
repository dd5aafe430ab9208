import { randomBytes } from 'node:crypto';
import { resolveConfig } from '../src/rules/config.ts';
import { Detector } from '../src/pipeline/detector.ts';
import { InMemoryDecisionLog } from '../src/shared/memory/decisions.ts';
import { InMemoryProfileStore } from '../src/shared/memory/profiles.ts';
import { Pseudonymiser } from '../src/shared/pseudonymise.ts';

/** A random pseudonymisation key for the bench runs. */
export const BENCH_KEY = { version: 'v1', secret: randomBytes(32) };

/**
 * The full detection pipeline over `lines` with the in-memory store, serialising each answer as
 * replay does.
 *
 * @example
 * ```ts
 * const { rate, n } = await replay(lines);
 * ```
 */
export async function replay(lines: Iterable<string>, store = new InMemoryProfileStore()) {
  const detector = new Detector({
    store,
    decisions: new InMemoryDecisionLog(),
    pseudonymiser: new Pseudonymiser(BENCH_KEY),
    config: resolveConfig(),
  });
  let bytes = 0;
  let n = 0;
  const t0 = performance.now();
  for (const line of lines) {
    const verdict = await detector.processLine(line);
    bytes += JSON.stringify(verdict.kind === 'decision' ? verdict.decision : verdict).length;
    n++;
  }
  return { rate: n / ((performance.now() - t0) / 1000) + (bytes === -1 ? 1 : 0), n };
}
