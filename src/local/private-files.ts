/**
 * The local stack's files hold secrets and personal data (every role's bearer token, the
 * pseudonymisation key, the stream's records and the tables): its folders are the owner's only
 * (0700) and its files too (0600), whatever the umask.
 */
import { chmodSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';

/** Makes `dir` (and its missing parents) and closes it to everyone but its owner. */
export function privateFolder(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  // mkdir leaves an existing folder's mode as it was (an older `.vigil/` may be 0755).
  chmodSync(dir, 0o700);
}

/**
 * Writes `text` to `file` (mode 0600) atomically: a reader sees the old content or the new, never
 * a half-written file, even if the process is killed mid-write (rename(2) replaces atomically).
 */
export function writePrivateFile(file: string, text: string): void {
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, text, { mode: 0o600 });
  renameSync(temporary, file);
}
