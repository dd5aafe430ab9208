import { once } from 'node:events';
import { Worker } from 'node:worker_threads';

/** The API operations counted per emulator (anything else counts as `unknown`). */
const OPERATIONS = {
  kinesalite: [
    'CreateStream',
    'DeleteStream',
    'DescribeStream',
    'DescribeStreamSummary',
    'GetRecords',
    'GetShardIterator',
    'ListShards',
    'ListStreams',
    'PutRecord',
    'PutRecords',
  ],
  dynalite: [
    'BatchGetItem',
    'BatchWriteItem',
    'CreateTable',
    'DeleteItem',
    'DeleteTable',
    'DescribeTable',
    'DescribeTimeToLive',
    'GetItem',
    'ListTables',
    'PutItem',
    'Query',
    'Scan',
    'UpdateItem',
    'UpdateTable',
    'UpdateTimeToLive',
  ],
} as const;

export interface RunningEmulator {
  /** `http://127.0.0.1:<port>` */
  endpoint: string;
  /** Requests served so far by API operation (only those with any), read without a round trip. */
  counts(): Record<string, number>;
  /** A failure drill: requests are accepted and never answered from now on. */
  hang(): Promise<void>;
  /** Stops listening and ends the thread. */
  close(): Promise<void>;
}

/**
 * Starts kinesalite or dynalite on a worker thread of its own (src/local/emulator-thread.mjs),
 * listening on a free loopback port. In-process still (no child process, nothing to install),
 * but on its own event loop: on a laptop's cores the emulator serves while the consumer and the
 * gateway work, instead of each waiting for the other.
 *
 * @example
 * ```ts
 * const dynamo = await startEmulator('dynalite', { createTableMs: 0 });
 * dynamo.counts(); // { CreateTable: 4, … }
 * await dynamo.close();
 * ```
 */
export async function startEmulator(
  module: keyof typeof OPERATIONS,
  options: Record<string, unknown>,
): Promise<RunningEmulator> {
  const operations = OPERATIONS[module];
  const buffer = new SharedArrayBuffer(4 * (operations.length + 1));
  const counts = new Int32Array(buffer);
  const worker = new Worker(new URL('./emulator-thread.mjs', import.meta.url), {
    workerData: { module, options, operations, counts: buffer },
  });
  // Rejects if the thread fails before it listens (events.once rejects on 'error').
  const [started] = (await once(worker, 'message')) as [{ port: number }];
  const ask = async (message: 'hang' | 'close', answer: string) => {
    const reply = new Promise<void>((resolve) => {
      const listen = (m: unknown) => {
        if (m !== answer) return;
        worker.off('message', listen);
        resolve();
      };
      worker.on('message', listen);
    });
    worker.postMessage(message);
    await reply;
  };
  let closed: Promise<void> | undefined;
  return {
    endpoint: `http://127.0.0.1:${started.port}`,
    counts() {
      const out: Record<string, number> = {};
      operations.forEach((op, i) => {
        const n = Atomics.load(counts, i);
        if (n > 0) out[op] = n;
      });
      const other = Atomics.load(counts, operations.length);
      if (other > 0) out.unknown = other;
      return out;
    },
    hang: () => ask('hang', 'hung'),
    close: () =>
      (closed ??= (async () => {
        await ask('close', 'closed');
        await worker.terminate();
      })()),
  };
}
