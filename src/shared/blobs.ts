import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  NoSuchKey,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import type { BlobStore } from './ports/blobs.ts';

/** Keys are paths of `[A-Za-z0-9._-]` segments: safe as S3 keys and as file paths, no `..` escape. */
const KEY_PATTERN = /^(?!.*(?:^|\/)\.\.?(?:\/|$))[A-Za-z0-9._-]+(?:\/[A-Za-z0-9._-]+)*$/;

function checked(key: string): string {
  if (!KEY_PATTERN.test(key)) throw new Error('blob key: expected path segments of [A-Za-z0-9._-]');
  return key;
}

/**
 * Blobs in an S3 bucket, one object per key.
 *
 * @example
 * ```ts
 * const blobs = new S3BlobStore({ bucket: process.env.VIGIL_DEAD_LETTER_BUCKET! });
 * await blobs.put('dead-letters/ab12…', sealed);
 * ```
 */
export class S3BlobStore implements BlobStore {
  readonly #client: S3Client;
  readonly #bucket: string;

  constructor(options: { bucket: string; client?: S3Client }) {
    this.#bucket = options.bucket;
    this.#client = options.client ?? new S3Client({});
  }

  async put(key: string, body: Buffer | string): Promise<void> {
    await this.#client.send(new PutObjectCommand({ Bucket: this.#bucket, Key: checked(key), Body: body }));
  }

  async get(key: string): Promise<Buffer | undefined> {
    try {
      const { Body } = await this.#client.send(
        new GetObjectCommand({ Bucket: this.#bucket, Key: checked(key) }),
      );
      return Body ? Buffer.from(await Body.transformToByteArray()) : undefined;
    } catch (error) {
      if (error instanceof NoSuchKey) return undefined;
      throw error;
    }
  }

  async delete(key: string): Promise<void> {
    // S3 answers 204 for a missing key too.
    await this.#client.send(new DeleteObjectCommand({ Bucket: this.#bucket, Key: checked(key) }));
  }
}

/**
 * Blobs as files under a folder (the local stack), one file per key. A blob is written to a
 * temporary file first and renamed into place, so a reader never sees half of one.
 */
export class FolderBlobStore implements BlobStore {
  constructor(readonly dir: string) {}

  async put(key: string, body: Buffer | string): Promise<void> {
    const path = this.#path(key);
    await mkdir(dirname(path), { recursive: true });
    const temporary = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    await writeFile(temporary, body, { mode: 0o600 });
    await rename(temporary, path);
  }

  async get(key: string): Promise<Buffer | undefined> {
    try {
      return await readFile(this.#path(key));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  async delete(key: string): Promise<void> {
    await rm(this.#path(key), { force: true });
  }

  #path(key: string): string {
    return join(this.dir, checked(key));
  }
}
