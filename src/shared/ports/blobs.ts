/**
 * The blob-store port (adapters in src/shared/blobs.ts). A store of opaque blobs by key: where a record too large for a DynamoDB item (400 KB at most:
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ServiceQuotas.html) is kept,
 * with only its key in the item. S3 in AWS, a folder in the local stack.
 */
export interface BlobStore {
  /** Writes the blob; the same key again replaces it. */
  put(key: string, body: Buffer | string): Promise<void>;
  /** The blob, or `undefined` when there is none under the key. */
  get(key: string): Promise<Buffer | undefined>;
  /** Deletes the blob; a missing one is no error. */
  delete(key: string): Promise<void>;
}
