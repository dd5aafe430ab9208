/**
 * The local poller's position in each shard, kept in a file so that a restarted stack resumes
 * where consumption stopped. Lambda's event source mapping keeps this checkpoint itself and moves
 * it only once a batch is done (consumed, or given up on to the on-failure destination); a
 * restart resumes after it, so records put but not yet consumed are read then, and at most the
 * batch in flight at a crash is delivered again (the consumer makes that redelivery idempotent).
 * https://docs.aws.amazon.com/lambda/latest/dg/with-kinesis.html (polling and stream starting positions)
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { privateFolder, writePrivateFile } from './private-files.ts';

/** Where a poller keeps the last record it is done with in each shard. */
export interface Checkpoints {
  /** The sequence number of the last record done with in the shard, if any. */
  get(shardId: string): string | undefined;
  /** Records that the shard is done with up to `sequenceNumber`, included. */
  set(shardId: string, sequenceNumber: string): Promise<void>;
}

/**
 * Checkpoints in a JSON file (`{ "<shardId>": "<sequenceNumber>" }`), rewritten atomically on
 * every change, so that a kill at any moment leaves the previous or the new positions.
 *
 * @example
 * ```ts
 * const checkpoints = new FileCheckpoints('.vigil/checkpoints/vigil-local-events.json');
 * new KinesisPoller({ client, streamName, handler, checkpoints });
 * ```
 */
export class FileCheckpoints implements Checkpoints {
  readonly #file: string;
  readonly #positions: Map<string, string>;

  constructor(file: string) {
    this.#file = file;
    privateFolder(dirname(file));
    const stored = existsSync(file)
      ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>)
      : {};
    // A Map, not an object: no key can reach a prototype.
    this.#positions = new Map(
      Object.entries(stored).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
    );
  }

  get(shardId: string): string | undefined {
    return this.#positions.get(shardId);
  }

  // Synchronous inside: two shards' writes cannot interleave, and each writes every position.
  async set(shardId: string, sequenceNumber: string): Promise<void> {
    this.#positions.set(shardId, sequenceNumber);
    writePrivateFile(this.#file, `${JSON.stringify(Object.fromEntries(this.#positions))}\n`);
  }
}
