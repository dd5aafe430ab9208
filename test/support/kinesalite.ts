import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import {
  CreateStreamCommand,
  DescribeStreamSummaryCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type KinesisClient,
  type _Record as KinesisRecord,
  ListShardsCommand,
} from '@aws-sdk/client-kinesis';
import { kinesisClient } from '../../src/shared/kinesis.ts';
import { createStreamInput } from '../../src/shared/streams.ts';
import { LOCAL_CREDENTIALS } from './local-dynamo.ts';

/** kinesalite ships no types: its factory returns a plain `http.Server` (HTTP unless `ssl: true`). */
type Kinesalite = (options: {
  createStreamMs?: number;
  deleteStreamMs?: number;
  updateStreamMs?: number;
  shardLimit?: number;
  path?: string;
  ssl?: boolean;
}) => Server;
const kinesalite = createRequire(import.meta.url)('kinesalite') as Kinesalite;

export const LOCAL_REGION = 'eu-central-1';

export interface LocalKinesis {
  /** `http://127.0.0.1:<port>` */
  endpoint: string;
  region: string;
  /** A client for the endpoint, configured by the project's own factory. */
  client(): KinesisClient;
  /** Creates a stream from the shared definition (with `shardCount` shards) and waits until it is ACTIVE. */
  createStream(name: string, shardCount?: number): Promise<void>;
  /** Every record of the stream, shard by shard, oldest first. */
  readAll(name: string): Promise<KinesisRecord[]>;
  close(): Promise<void>;
}

/**
 * Starts kinesalite in-process (in-memory LevelDB, plain HTTP, streams ACTIVE
 * at once) on a free loopback port. Create one per test file and a stream per
 * test for isolation.
 *
 * @example
 * ```ts
 * const local = await startKinesalite();
 * await local.createStream('vigil-t1-events', 2);
 * await local.close();
 * ```
 */
export async function startKinesalite(): Promise<LocalKinesis> {
  const server = kinesalite({
    createStreamMs: 0,
    deleteStreamMs: 0,
    updateStreamMs: 0,
    shardLimit: 50,
    ssl: false,
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const client = () => kinesisClient({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
  const admin = client();
  return {
    endpoint,
    region: LOCAL_REGION,
    client,
    async createStream(name, shardCount) {
      await admin.send(new CreateStreamCommand(createStreamInput(name, shardCount)));
      for (let attempt = 0; ; attempt++) {
        const { StreamDescriptionSummary: s } = await admin.send(
          new DescribeStreamSummaryCommand({ StreamName: name }),
        );
        if (s?.StreamStatus === 'ACTIVE') return;
        if (attempt >= 100) throw new Error(`stream ${name} not ACTIVE: ${s?.StreamStatus}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    async readAll(name) {
      const out: KinesisRecord[] = [];
      const { Shards = [] } = await admin.send(new ListShardsCommand({ StreamName: name }));
      for (const shard of Shards) {
        let { ShardIterator: iterator } = await admin.send(
          new GetShardIteratorCommand({
            StreamName: name,
            ShardId: shard.ShardId,
            ShardIteratorType: 'TRIM_HORIZON',
          }),
        );
        while (iterator) {
          const page = await admin.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 10_000 }));
          if (!page.Records?.length) break;
          out.push(...page.Records);
          iterator = page.NextShardIterator;
        }
      }
      return out;
    },
    async close() {
      admin.destroy();
      // Idle keep-alive connections of the clients would hold close() open.
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve())));
    },
  };
}
