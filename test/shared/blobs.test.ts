/**
 * The blob stores of the dead letters' records: the folder one (the local stack) on a real
 * folder; the S3 one against a mocked client, as no S3 emulator runs here (only its answer to a
 * missing key and its key check are its own).
 */
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectCommand, NoSuchKey, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FolderBlobStore, S3BlobStore } from '../../src/shared/blobs.ts';

describe('FolderBlobStore', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'vigil-blobs-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('puts, gets and deletes a blob by key, readable by its owner only, leaving no temporary file', async () => {
    // Prepare
    const blobs = new FolderBlobStore(dir);

    // Act
    await blobs.put('dead-letters/ab12', Buffer.from('sealed'));
    const read = await blobs.get('dead-letters/ab12');
    const mode = statSync(join(dir, 'dead-letters/ab12')).mode & 0o777;
    const files = readdirSync(join(dir, 'dead-letters'));
    await blobs.delete('dead-letters/ab12');
    await blobs.delete('dead-letters/ab12');

    // Assess
    expect(read?.toString('utf8')).toBe('sealed');
    expect(mode).toBe(0o600);
    expect(files).toEqual(['ab12']);
    expect(await blobs.get('dead-letters/ab12')).toBeUndefined();
  });

  it.each(['../outside', 'a/../../b', '/absolute', 'a//b', 'a/./b', 'sp ace', ''])(
    'refuses the key %j, which could leave the folder',
    async (key) => {
      // Prepare
      const blobs = new FolderBlobStore(dir);

      // Act
      const put = blobs.put(key, 'x');

      // Assess
      await expect(put).rejects.toThrow(/blob key: expected path segments/);
    },
  );
});

describe('S3BlobStore', () => {
  it('answers undefined for a missing key and puts to the bucket under the key', async () => {
    // Prepare
    const s3 = mockClient(S3Client);
    s3.on(GetObjectCommand).rejects(new NoSuchKey({ message: 'missing', $metadata: {} }));
    s3.on(PutObjectCommand).resolves({});
    const blobs = new S3BlobStore({ bucket: 'records', client: new S3Client({ region: 'eu-central-1' }) });

    // Act
    const missing = await blobs.get('dead-letters/ab12');
    await blobs.put('dead-letters/ab12', 'sealed');

    // Assess
    expect(missing).toBeUndefined();
    expect(s3.commandCalls(PutObjectCommand)[0]?.args[0].input).toEqual({
      Bucket: 'records',
      Key: 'dead-letters/ab12',
      Body: 'sealed',
    });
    s3.restore();
  });
});
