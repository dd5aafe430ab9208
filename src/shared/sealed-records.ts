/**
 * The dead letters' sealed records: how an invalid stream record is sealed ({@link RecordSealer})
 * and where the full sealed records are kept (S3 in AWS, a folder locally), apart from the
 * dead-letter items in DynamoDB.
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { FolderBlobStore, S3BlobStore } from './blobs.ts';
import type { BlobStore } from './ports/blobs.ts';
import type { PseudonymKey } from './pseudonymise.ts';
import { ENV, type Environment, readEnv } from './env.ts';

/** AES-256-GCM: a 96-bit random nonce per record and a 128-bit tag (NIST SP 800-38D). */
const NONCE_BYTES = 12;
const TAG_BYTES = 16;

/**
 * Encrypts the raw bytes of an invalid stream record for its dead letter, so that it can be
 * redriven after a fix without the dead-letter table becoming a readable copy of the stream:
 * the record holds customer ids, IPs and user agents in clear. Whoever reads the table (an
 * operator listing dead letters) sees the reason and the hash, not the record; opening it needs
 * the pseudonymisation master key, from which this key is derived (HKDF, its own label, so it is
 * independent of every pseudonym key). Sealed records are kept as briefly as dead letters are
 * ({@link DEAD_LETTER_RETENTION_DAYS}).
 *
 * Text form: `<key version>:<base64url nonce>.<base64url ciphertext and tag>`, the key version
 * first so that a rotated key can still open what its predecessor sealed.
 *
 * @example
 * ```ts
 * const sealer = new RecordSealer(parseKey(process.env.VIGIL_PSEUDONYM_KEY!));
 * const sealed = sealer.seal(Buffer.from(line));
 * sealer.open(sealed).toString('utf8') === line; // true
 * ```
 */
export class RecordSealer {
  readonly version: string;
  readonly #key: Buffer;

  constructor(key: PseudonymKey) {
    this.version = key.version;
    this.#key = Buffer.from(hkdfSync('sha256', key.secret, 'vigil', 'dead-letter/record', 32));
  }

  seal(bytes: Buffer | string): string {
    const nonce = randomBytes(NONCE_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.#key, nonce);
    const body = Buffer.concat([cipher.update(bytes), cipher.final(), cipher.getAuthTag()]);
    return `${this.version}:${nonce.toString('base64url')}.${body.toString('base64url')}`;
  }

  /** @throws Error when the text was sealed under another key version, or altered. */
  open(sealed: string): Buffer {
    const match = /^([^:]+):([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)$/.exec(sealed);
    if (!match) throw new Error('sealed record: not in the form <version>:<nonce>.<ciphertext>');
    const [, version, nonceText, bodyText] = match;
    if (version !== this.version) {
      throw new Error(`sealed record: sealed under key ${version}, this key is ${this.version}`);
    }
    const body = Buffer.from(bodyText!, 'base64url');
    const decipher = createDecipheriv('aes-256-gcm', this.#key, Buffer.from(nonceText!, 'base64url'));
    decipher.setAuthTag(body.subarray(body.length - TAG_BYTES));
    try {
      return Buffer.concat([decipher.update(body.subarray(0, body.length - TAG_BYTES)), decipher.final()]);
    } catch {
      throw new Error('sealed record: authentication failed (wrong key or altered record)');
    }
  }
}

/** The blob key of a dead letter's full sealed record. */
export const recordKey = (sha256: string): string => `dead-letters/${sha256}`;

/** The dead letters' record store the environment names: S3 in AWS, a folder locally. */
export function deadLetterRecordsFromEnv(env: Environment = process.env): BlobStore {
  const bucket = readEnv(ENV.deadLetterBucket, { env });
  if (bucket) return new S3BlobStore({ bucket });
  const dir = readEnv(ENV.deadLetterDir, { env });
  if (dir) return new FolderBlobStore(dir);
  throw new Error(`dead letters: set ${ENV.deadLetterBucket} (AWS) or ${ENV.deadLetterDir} (local)`);
}
