import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { ENV, readEnv } from './env.ts';
import type { PseudonymKey } from './pseudonymise.ts';

/** Where the local stack and replay keep their generated key unless told otherwise. */
export const DEFAULT_LOCAL_KEY_FILE = '.vigil/pseudonym-key.json';

/**
 * Parses `VIGIL_PSEUDONYM_KEY` (`v1:<base64 of at least 32 bytes>`), the way
 * a deployment hands in a key it fetched from its secret store.
 */
export function parseKey(text: string): PseudonymKey {
  const match = /^(v[0-9]{1,4}):([A-Za-z0-9+/_-]+=*)$/.exec(text.trim());
  if (!match) throw new Error('pseudonym key: expected "v<N>:<base64>"');
  return { version: match[1]!, secret: Buffer.from(match[2]!, 'base64') };
}

/**
 * The local default: a random 256-bit key generated on first use into a file
 * only its owner can read, and reused afterwards so pseudonyms stay stable
 * between runs. Never a constant in code.
 *
 * @example
 * ```ts
 * const key = loadOrCreateKeyFile('.vigil/pseudonym-key.json');
 * ```
 */
export function loadOrCreateKeyFile(path: string = DEFAULT_LOCAL_KEY_FILE): PseudonymKey {
  if (!existsSync(path)) {
    mkdirSync(dirname(path), { recursive: true });
    const key = { version: 'v1', secret: randomBytes(32).toString('base64') };
    writeFileSync(path, `${JSON.stringify(key)}\n`, { mode: 0o600, flag: 'wx' });
    chmodSync(path, 0o600);
  }
  const mode = statSync(path).mode;
  if (process.platform !== 'win32' && (mode & 0o077) !== 0) {
    throw new Error(
      `pseudonym key file ${path}: readable by others (mode ${(mode & 0o777).toString(8)}); chmod 600 it`,
    );
  }
  const json = JSON.parse(readFileSync(path, 'utf8')) as { version?: unknown; secret?: unknown };
  if (typeof json.version !== 'string' || typeof json.secret !== 'string') {
    throw new Error(`pseudonym key file ${path}: expected {"version":"v1","secret":"<base64>"}`);
  }
  return parseKey(`${json.version}:${json.secret}`);
}

/** The key from `VIGIL_PSEUDONYM_KEY` when set, else the local key file. */
export function resolveLocalKey(file?: string): PseudonymKey {
  const text = readEnv(ENV.pseudonymKey);
  return text ? parseKey(text) : loadOrCreateKeyFile(file);
}
