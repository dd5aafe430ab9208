/**
 * The consumer on generated input: batches that mix contract-valid events (prototype names as
 * ids, customers, usernames and paths; huge ignored fields) with records broken in one known way
 * each (types, ranges, missing fields, truncated JSON, bad UTF-8, UTF-16, deep nesting, records
 * near Kinesis's 1 MiB), put to kinesalite and delivered by the local poller with Lambda's
 * semantics to the consumer on dynalite. Whatever the mix: no batch is given up, every valid
 * record is decided exactly once, every invalid one is dead-lettered with a reason naming its
 * field, and no reason quotes any of the record's values.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FailedRecords, KinesisPoller } from '../../src/local/poller.ts';
import { FolderBlobStore } from '../../src/shared/blobs.ts';
import { putRecordsAll } from '../../src/shared/kinesis.ts';
import { type ConsumeDeps, consumeBatch } from '../../src/pipeline/consume.ts';
import { RecordSealer } from '../../src/shared/sealed-records.ts';
import type { TableRole } from '../../src/shared/tables.ts';
import { consumerOnDynamo } from '../factories/consumer.ts';
import { toStreamRecords } from '../factories/kinesis.ts';
import { type GeneratedRecord, aRecordBatch, quotes } from '../support/generated-records.ts';
import { type LocalKinesis, startKinesalite } from '../support/kinesalite.ts';
import { type LocalDynamo, startDynalite } from '../support/local-dynamo.ts';
import { testKey } from '../factories/pipeline.ts';

type Item = Record<string, unknown>;

/** Records per generated batch, and batches: 10,000 records in all. */
const BATCH_RECORDS = 500;
const RUNS = 20;

let kinesis: LocalKinesis;
let dynamo: LocalDynamo;
let stages = 0;

beforeAll(async () => {
  [kinesis, dynamo] = await Promise.all([startKinesalite(), startDynalite()]);
});
afterAll(async () => {
  await Promise.all([kinesis.close(), dynamo.close()]);
});

/** The consumer's real DynamoDB adapters on the tables of a fresh stage. */
async function aStage() {
  const tables = await dynamo.createTables(`g${++stages}`);
  const client = dynamo.client();
  /** What the consumer logged about records it could not write (why a batch was retried). */
  const errors = new Set<string>();
  const deps = consumerOnDynamo(client, tables, {
    records: new FolderBlobStore(mkdtempSync(join(tmpdir(), 'vigil-generated-'))),
    sealer: new RecordSealer(testKey()),
    log: { error: (message, fields) => void errors.add(`${message}: ${JSON.stringify(fields.error)}`) },
  });
  const scan = async (role: TableRole): Promise<Item[]> => {
    const items: Item[] = [];
    let ExclusiveStartKey: Item | undefined;
    do {
      const page = await client.send(new ScanCommand({ TableName: tables[role], ExclusiveStartKey }));
      items.push(...(page.Items ?? []));
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    return items;
  };
  return { deps, scan, errors };
}

/** Streams the records through a fresh two-shard stream and the poller; counts fresh decisions by eventId. */
async function deliver(deps: ConsumeDeps, records: GeneratedRecord[]) {
  const stream = `vigil-generated${++stages}-events`;
  await kinesis.createStream(stream, 2);
  await putRecordsAll(
    kinesis.client(),
    stream,
    records.map((r) => ({ partitionKey: r.partitionKey, data: r.bytes })),
  );
  const decided = new Map<string, number>();
  const givenUp: FailedRecords[] = [];
  const poller = new KinesisPoller({
    client: kinesis.client(),
    streamName: stream,
    handler: async (event) => {
      const result = await consumeBatch(toStreamRecords(event), deps);
      for (const { decision, duplicate } of result.decisions) {
        if (!duplicate) decided.set(decision.eventId, (decided.get(decision.eventId) ?? 0) + 1);
      }
      return { batchItemFailures: result.batchItemFailures };
    },
    batchSize: 100,
    idleDelayMs: 20,
    retryDelayMs: 1,
    maximumRetryAttempts: 2,
    onFailure: (failure) => void givenUp.push(failure),
  });
  await poller.start();
  // A bound for a stuck stream, not a pace: a drained stream returns as soon as it is idle.
  await poller.whenIdle(600_000);
  await poller.stop();
  return { decided, givenUp };
}

const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

describe('the consumer on generated records (kinesalite, local poller, dynalite)', () => {
  it('gives up no batch, decides every valid record once and dead-letters every invalid one by its field', async () => {
    let delivered = 0;
    await fc.assert(
      fc.asyncProperty(aRecordBatch(BATCH_RECORDS), async (records) => {
        // Prepare
        const stage = await aStage();
        const valid = records.flatMap((r) => (r.expect.valid ? [r.expect] : []));
        const invalid = records.filter((r) => !r.expect.valid);

        // Act
        const { decided, givenUp } = await deliver(stage.deps, records);
        delivered += records.length;

        // Assess
        expect(givenUp.length, [...stage.errors].join('\n')).toBe(0);
        const letters = new Map((await stage.scan('deadLetters')).map((l) => [l.sha256 as string, l]));
        const rejected = new Map([...letters.values()].map((l) => [l.eventId, l.reason]));
        const notOnce = valid
          .filter((v) => decided.get(v.eventId) !== 1)
          .map(
            (v) =>
              `${v.eventId}: decided ${decided.get(v.eventId) ?? 0} times, ${String(rejected.get(v.eventId))}`,
          );
        expect(notOnce, 'valid records not decided exactly once').toEqual([]);
        const decisions = await stage.scan('decisions');
        expect(new Set(decisions.map((d) => d.pk))).toEqual(new Set(valid.map((v) => v.eventId)));
        const globals = (await stage.scan('profiles')).filter((p) => String(p.pk).startsWith('global#'));
        const logins = globals.reduce((sum, g) => sum + Number(g.logins ?? 0), 0);
        expect(logins, 'shop-wide logins counted once each').toBe(
          valid.filter((v) => v.type === 'login').length,
        );

        expect(letters.size).toBe(new Set(invalid.map((r) => sha256(r.bytes))).size);
        for (const record of invalid) {
          const expected = record.expect as Extract<GeneratedRecord['expect'], { valid: false }>;
          const letter = letters.get(sha256(record.bytes));
          expect(letter, `a dead letter for a record breaking ${expected.fields.join(' or ')}`).toBeDefined();
          expect(expected.fields).toContain(letter!.field);
          const reason = String(letter!.reason);
          expect(reason.startsWith(`${String(letter!.field)}: `)).toBe(true);
          const quoted = expected.values.filter((value) => quotes(reason, value));
          expect(quoted, `reason "${reason}" quotes the record`).toEqual([]);
        }
      }),
      { numRuns: RUNS, endOnFailure: true },
    );
    expect(delivered).toBeGreaterThanOrEqual(RUNS * BATCH_RECORDS);
  }, 900_000);
});
