/**
 * Where the data sets shared beside the repository are: the development set and the peer sets
 * the contract is checked against. `VIGIL_SHARED_DIR` names the folder (relative to the working
 * directory, or absolute); without it, the folder `shared` beside the repository's root.
 * The bench and the contract tests read them when they are there and say so when they are not.
 */
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The environment variable that names the shared data folder. */
export const SHARED_DIR_ENV = 'VIGIL_SHARED_DIR';

/** The folder of the shared data sets, by `env` (the process's environment when not given). */
export function sharedDir(env: NodeJS.ProcessEnv = process.env): string {
  const named = env[SHARED_DIR_ENV];
  return named ? resolve(named) : fileURLToPath(new URL('../../shared', import.meta.url));
}

/** The development set: gzipped NDJSON events. */
export function devSetPath(env?: NodeJS.ProcessEnv): string {
  return join(sharedDir(env), 'eval', 'events.ndjson.gz');
}

/** The crowdsec peer sets: one folder each, holding `events.ndjson`. */
export function crowdsecPeersDir(env?: NodeJS.ProcessEnv): string {
  return join(sharedDir(env), 'peer', 'crowdsec');
}
