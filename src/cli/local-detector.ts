import { loadConfigFile, resolveConfig } from '../rules/config.ts';
import { Detector } from '../pipeline/detector.ts';
import { resolveLocalKey } from '../shared/keys.ts';
import { InMemoryDecisionLog } from '../shared/memory/decisions.ts';
import { InMemoryProfileStore } from '../shared/memory/profiles.ts';
import { Pseudonymiser } from '../shared/pseudonymise.ts';

/** The `parseArgs` options of every command that runs the detector on this machine. */
export const DETECTOR_OPTIONS = {
  rules: { type: 'string' },
  'key-file': { type: 'string' },
} as const;

/** Their help lines, with the option column `width` characters wide. */
export const detectorOptionsHelp = (width: number): string =>
  [
    `  ${'--rules <file>'.padEnd(width)}JSON overrides of thresholds, retention and rule settings`,
    `  ${'--key-file <file>'.padEnd(width)}pseudonymisation key (default: .vigil/pseudonym-key.json,`,
    `  ${''.padEnd(width)}generated on first use; VIGIL_PSEUDONYM_KEY overrides)`,
  ].join('\n');

/**
 * A detector with the in-memory profile store, the configuration of `--rules`
 * (or the defaults) and the local key (`VIGIL_PSEUDONYM_KEY`, `--key-file` or
 * the generated default).
 *
 * @example
 * ```ts
 * const detector = localDetector(values);
 * const verdict = await detector.processLine(line);
 * ```
 */
export function localDetector(
  values: { rules?: string | undefined; 'key-file'?: string | undefined },
  now?: () => number,
): Detector {
  return new Detector({
    store: new InMemoryProfileStore(),
    decisions: new InMemoryDecisionLog(now ? { now } : {}),
    pseudonymiser: new Pseudonymiser(resolveLocalKey(values['key-file'])),
    config: values.rules ? loadConfigFile(values.rules) : resolveConfig(),
    ...(now ? { now } : {}),
  });
}
