/**
 * The pipeline figure of `npm run bench`: events end to end through the embedded local stack
 * (PutRecords to kinesalite, the local poller, the real consumer handler, dynalite), beside the
 * raw throughput of the same emulators for plain requests, and what the consumer costs in
 * DynamoDB requests and capacity units per event.
 *
 * Capacity units are what dynalite reports when asked (`ReturnConsumedCapacity: TOTAL`, which
 * the bench adds to every request the process sends): DynamoDB's own accounting, 1 write unit
 * per started KB of the larger of the item before and after, 1 read unit per started 4 KB of a
 * strongly consistent read.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { partitionKeyOf } from '../src/cli/send.ts';
import { startLocalStack } from '../src/local/stack.ts';
import { putRecordsAll } from '../src/shared/kinesis.ts';
import { runLimited } from '../src/shared/run-limited.ts';
import { CONSUMER_EVENT_SOURCE } from '../src/shared/streams.ts';

/** DynamoDB requests per event the pipeline may make: one write per profile a batch touches, the rest batched. */
export const REQUESTS_PER_EVENT_TARGET = 1;

export interface PipelineFigures {
  events: number;
  eventsPerSecond: number;
  requestsPerEvent: number;
  writeUnitsPerEvent: number;
  readUnitsPerEvent: number;
  requestsByOperation: Record<string, number>;
}

interface Capacity {
  CapacityUnits?: number;
  ReadCapacityUnits?: number;
  WriteCapacityUnits?: number;
}

/** Meters every DynamoDB request of this process: asks for and sums the consumed capacity. */
function meterCapacity(): { read: number; write: number; stop(): void } {
  const meter = { read: 0, write: 0, stop: () => {} };
  // Every DynamoDB call of Vigil goes through a document client or its reader (src/shared/aws.ts);
  // neither class inherits from the other, so each gets the meter.
  const restores = [DynamoDBDocumentClient.prototype, DynamoDBClient.prototype].map((prototype) => {
    const proto = prototype as unknown as { send: (command: unknown) => Promise<unknown> };
    const send = proto.send;
    const own = Object.prototype.hasOwnProperty.call(proto, 'send');
    proto.send = async function (this: unknown, command: unknown) {
      const c = command as { input: Record<string, unknown>; constructor: { name: string } };
      c.input.ReturnConsumedCapacity ??= 'TOTAL';
      const output = (await send.call(this, command)) as { ConsumedCapacity?: Capacity | Capacity[] };
      const write = /Put|Update|Delete|Write/.test(c.constructor.name);
      for (const cc of [output.ConsumedCapacity ?? []].flat()) {
        if (write) meter.write += cc.WriteCapacityUnits ?? cc.CapacityUnits ?? 0;
        else meter.read += cc.ReadCapacityUnits ?? cc.CapacityUnits ?? 0;
      }
      return output;
    };
    return () => {
      if (own) proto.send = send;
      else delete (proto as { send?: unknown }).send;
    };
  });
  meter.stop = () => restores.forEach((restore) => restore());
  return meter;
}

const sum = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0);
const diff = (after: Record<string, number>, before: Record<string, number>) =>
  Object.fromEntries(Object.entries(after).map(([op, n]) => [op, n - (before[op] ?? 0)]));

/**
 * Streams `lines` through a fresh local stack and prints the figures.
 *
 * @example
 * ```ts
 * const figures = await benchPipeline(lines.slice(0, 50_000), console.log);
 * ```
 */
export async function benchPipeline(lines: readonly string[], print: (line: string) => void) {
  const cwd = mkdtempSync(join(tmpdir(), 'vigil-bench-'));
  const stack = await startLocalStack({ cwd, print: () => {}, idleDelayMs: 50 });
  const meter = meterCapacity();
  const fmt = (n: number, digits = 0) =>
    n.toLocaleString('en', { minimumFractionDigits: digits, maximumFractionDigits: digits });
  try {
    const records = lines.map((line) => ({ partitionKey: partitionKeyOf(line), data: Buffer.from(line) }));
    const before = { ...stack.requests.dynamodb };
    meter.read = meter.write = 0;

    const t0 = performance.now();
    await putRecordsAll(stack.kinesisClient(), stack.kinesis.streamName, records);
    const putSeconds = (performance.now() - t0) / 1000;
    await stack.poller.whenIdle(600_000);
    const seconds = (performance.now() - t0) / 1000;
    if (stack.poller.counters.records !== records.length) {
      throw new Error(
        `pipeline bench: ${stack.poller.counters.records} of ${records.length} records consumed`,
      );
    }
    const requests = diff(stack.requests.dynamodb, before);
    const total = sum(requests);
    const figures: PipelineFigures = {
      events: records.length,
      eventsPerSecond: records.length / seconds,
      requestsPerEvent: total / records.length,
      writeUnitsPerEvent: meter.write / records.length,
      readUnitsPerEvent: meter.read / records.length,
      requestsByOperation: requests,
    };
    meter.stop();

    // The floor: the same emulator answering the same number of plain requests, 16 in flight
    // (the consumer's write concurrency), and the events as plain BatchWriteItem puts.
    const client = stack.dynamoClient();
    const table = stack.dynamodb.tables.deadLetters;
    const item = (i: number) => ({ pk: `bench#${i}`, payload: 'x'.repeat(300) });
    let t = performance.now();
    await runLimited(
      Array.from(
        { length: total },
        (_, i) => async () => void (await client.send(new PutCommand({ TableName: table, Item: item(i) }))),
      ),
      16,
    );
    const putItemPerSecond = total / ((performance.now() - t) / 1000);
    t = performance.now();
    const chunks = Math.ceil(records.length / 25);
    await runLimited(
      Array.from({ length: chunks }, (_, c) => async () => {
        const items = Array.from({ length: 25 }, (_, j) => item(total + c * 25 + j));
        await client.send(
          new BatchWriteCommand({
            RequestItems: { [table]: items.map((Item) => ({ PutRequest: { Item } })) },
          }),
        );
      }),
      16,
    );
    const batchWriteItemsPerSecond = (chunks * 25) / ((performance.now() - t) / 1000);

    const ops = Object.entries(requests)
      .filter(([, n]) => n > 0)
      .sort((a, b) => b[1] - a[1])
      .map(([op, n]) => `${op} ${fmt(n)}`)
      .join(', ');
    print(
      `pipeline: ${fmt(records.length)} events end to end through the local stack (kinesalite, poller with batches of ` +
        `${CONSUMER_EVENT_SOURCE.batchSize}, the real consumer, dynalite) in ${fmt(seconds, 1)} s: ` +
        `${fmt(figures.eventsPerSecond)} events/s (PutRecords of all of them: ${fmt(putSeconds, 1)} s); ` +
        `${stack.poller.counters.batches} batches`,
    );
    print(
      `pipeline DynamoDB cost: ${fmt(figures.requestsPerEvent, 2)} requests/event (target <= ${REQUESTS_PER_EVENT_TARGET}), ` +
        `${fmt(figures.writeUnitsPerEvent, 2)} write units/event, ${fmt(figures.readUnitsPerEvent, 2)} read units/event; ${ops}`,
    );
    print(
      `emulator floor, same dynalite: ${fmt(total)} plain PutItem at ${fmt(putItemPerSecond)} requests/s ` +
        `(pipeline: ${fmt(total / seconds)} requests/s, ${fmt(total / seconds / putItemPerSecond, 2)} of the floor); ` +
        `${fmt(chunks * 25)} items as BatchWriteItem at ${fmt(batchWriteItemsPerSecond)} items/s ` +
        `(pipeline events/s: ${fmt(figures.eventsPerSecond / batchWriteItemsPerSecond, 2)} of it)`,
    );
    return figures;
  } finally {
    meter.stop();
    await stack.close();
    rmSync(cwd, { recursive: true, force: true });
  }
}
