import type { Command } from 'commander';
import { loadConfigFile, resolveConfig } from '../rules/config.ts';
import { Detector } from '../pipeline/detector.ts';
import { resolveLocalKey } from '../shared/keys.ts';
import { InMemoryDecisionLog } from '../shared/memory/decisions.ts';
import { InMemoryProfileStore } from '../shared/memory/profiles.ts';
import { Pseudonymiser } from '../shared/pseudonymise.ts';

/** The options of every command that runs the detector on this machine. */
export interface DetectorOptions {
  rules?: string;
  keyFile?: string;
}

/** Adds `--rules` and `--key-file`, read by {@link localDetector}, to a command. */
export const withDetectorOptions = (command: Command): Command =>
  command
    .option('--rules <file>', 'JSON overrides of thresholds, retention and rule settings')
    .option(
      '--key-file <file>',
      'pseudonymisation key (default: .vigil/pseudonym-key.json, generated on first use; VIGIL_PSEUDONYM_KEY overrides)',
    );

/**
 * A detector with the in-memory profile store, the configuration of `--rules`
 * (or the defaults) and the local key (`VIGIL_PSEUDONYM_KEY`, `--key-file` or
 * the generated default).
 *
 * @example
 * ```ts
 * const detector = localDetector(command.opts<DetectorOptions>());
 * const verdict = await detector.processLine(line);
 * ```
 */
export function localDetector(options: DetectorOptions, now?: () => number): Detector {
  return new Detector({
    store: new InMemoryProfileStore(),
    decisions: new InMemoryDecisionLog(now ? { now } : {}),
    pseudonymiser: new Pseudonymiser(resolveLocalKey(options.keyFile)),
    config: options.rules ? loadConfigFile(options.rules) : resolveConfig(),
    ...(now ? { now } : {}),
  });
}
