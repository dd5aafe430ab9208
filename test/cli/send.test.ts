/**
 * The producer side against kinesalite: putRecordsAll's batching and retries,
 * and `vigil send` (the real command in a child process) writing a file.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type KinesisClient,
  type PutRecordsCommand,
  type PutRecordsCommandOutput,
  type _Record as KinesisRecord,
} from '@aws-sdk/client-kinesis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { putRecordsAll } from '../../src/shared/kinesis.ts';
import { partitionKeyOf } from '../../src/cli/send.ts';
import { runVigil, testKey } from '../e2e/support.ts';
import { aBrowse, aLogin, anOrder, toLine } from '../factories/events.ts';
import { type LocalKinesis, startKinesalite } from '../support/kinesalite.ts';

let local: LocalKinesis;
let dir: string;
let streamCount = 0;

beforeAll(async () => {
  local = await startKinesalite();
  dir = mkdtempSync(join(tmpdir(), 'vigil-send-'));
});
afterAll(async () => {
  await local.close();
  rmSync(dir, { recursive: true, force: true });
});

async function aStream(shards = 1): Promise<string> {
  const name = `vigil-send${++streamCount}-events`;
  await local.createStream(name, shards);
  return name;
}

const text = (r: KinesisRecord): string => Buffer.from(r.Data ?? new Uint8Array()).toString('utf8');

describe('putRecordsAll', () => {
  it('sends 1,200 records in 3 requests of at most 500, and they all arrive', async () => {
    // Prepare
    const stream = await aStream(2);
    const records = Array.from({ length: 1_200 }, (_, n) => ({
      partitionKey: `customer-${n % 37}`,
      data: Buffer.from(JSON.stringify({ n })),
    }));

    // Act
    const result = await putRecordsAll(local.client(), stream, records);

    // Assess
    expect(result).toEqual({ records: 1_200, requests: 3, retried: 0, failed: 0, failures: {} });
    const arrived = (await local.readAll(stream)).map((r) => (JSON.parse(text(r)) as { n: number }).n);
    expect(arrived.sort((a, b) => a - b)).toEqual(Array.from({ length: 1_200 }, (_, n) => n));
  });

  it('splits requests at 5 MiB', async () => {
    // Prepare
    const stream = await aStream(1);
    const big = Buffer.alloc(900 * 1024, 'x');
    const records = Array.from({ length: 12 }, () => ({ partitionKey: 'k', data: big }));

    // Act
    const result = await putRecordsAll(local.client(), stream, records);

    // Assess
    expect(result).toMatchObject({ records: 12, requests: 3, failed: 0 });
    expect(await local.readAll(stream)).toHaveLength(12);
  });

  it('retries only the records a response reports as failed, then gives up after maxAttempts', async () => {
    // Prepare: a stub client whose stream throttles record "b" twice and record "c" always.
    const sent: string[][] = [];
    const throttled = new Map([['b', 2]]);
    const client = {
      send: async (command: PutRecordsCommand): Promise<Partial<PutRecordsCommandOutput>> => {
        const keys = (command.input.Records ?? []).map((r) => r.PartitionKey!);
        sent.push(keys);
        const results = keys.map((key) => {
          const left = throttled.get(key) ?? 0;
          if (key === 'c' || left > 0) {
            throttled.set(key, left - 1);
            return { ErrorCode: 'ProvisionedThroughputExceededException', ErrorMessage: 'slow down' };
          }
          return { SequenceNumber: '1', ShardId: 'shardId-000000000000' };
        });
        return { FailedRecordCount: results.filter((r) => 'ErrorCode' in r).length, Records: results };
      },
    } as unknown as KinesisClient;
    const records = ['a', 'b', 'c', 'd'].map((partitionKey) => ({
      partitionKey,
      data: Buffer.from(partitionKey),
    }));

    // Act
    const result = await putRecordsAll(client, 's', records, { maxAttempts: 4, baseDelayMs: 1 });

    // Assess
    expect(sent).toEqual([['a', 'b', 'c', 'd'], ['b', 'c'], ['b', 'c'], ['c']]);
    expect(result).toEqual({
      records: 3,
      requests: 4,
      retried: 5,
      failed: 1,
      failures: { ProvisionedThroughputExceededException: 1 },
    });
  });
});

describe('partitionKeyOf', () => {
  it('reads customerId, else sessionId, else ip, and falls back to invalid without validating the rest', () => {
    // Prepare
    const lines = [
      '{"customerId":"C1","sessionId":"s1","ip":"1.2.3.4","type":"nonsense"}',
      '{"customerId":"","sessionId":"s1"}',
      '{"customerId":42,"ip":"1.2.3.4"}',
      `{"customerId":"${'x'.repeat(257)}","ip":"1.2.3.4"}`,
      '{"type":"login"}',
      '[1,2]',
      'null',
      'not json',
    ];

    // Act
    const keys = lines.map(partitionKeyOf);

    // Assess
    expect(keys).toEqual(['C1', 's1', '1.2.3.4', '1.2.3.4', 'invalid', 'invalid', 'invalid', 'invalid']);
  });
});

describe('vigil send', () => {
  it('writes each line to the stream with customerId, else sessionId, else ip as partition key', async () => {
    // Prepare
    const stream = await aStream(2);
    const lines = [
      toLine(aLogin({ eventId: 'ev-1', customerId: 'C1000231' })),
      toLine(aBrowse({ eventId: 'ev-2', customerId: undefined, sessionId: 's-42' })),
      toLine(aBrowse({ eventId: 'ev-3', customerId: undefined, sessionId: undefined, ip: '145.53.12.9' })),
      toLine(anOrder({ eventId: 'ev-4', customerId: 'C2000001' })),
      '{"eventId":',
      '',
    ];
    const input = join(dir, 'events.ndjson');
    writeFileSync(input, lines.join('\n'));

    // Act
    const run = await runVigil(['send', input, '--endpoint', local.endpoint, '--stream', stream], {
      cwd: dir,
      env: { VIGIL_PSEUDONYM_KEY: testKey('send'), AWS_REGION: 'eu-central-1' },
    });

    // Assess
    expect(run.stderr).toContain(`send: 5 records to ${stream}`);
    expect(run.stderr).toMatch(/requests 1 {2}retried 0 {2}failed 0/);
    expect(run.status).toBe(0);
    const arrived = await local.readAll(stream);
    const byLine = new Map(arrived.map((r) => [text(r), r.PartitionKey]));
    expect(byLine).toEqual(
      new Map([
        [lines[0], 'C1000231'],
        [lines[1], 's-42'],
        [lines[2], '145.53.12.9'],
        [lines[3], 'C2000001'],
        [lines[4], 'invalid'],
      ]),
    );
  });

  it('reaches the local stack through its .vigil/local.json when no endpoint is given', async () => {
    // Prepare
    const stream = await aStream(1);
    const cwd = mkdtempSync(join(dir, 'stack-'));
    mkdirSync(join(cwd, '.vigil'));
    writeFileSync(
      join(cwd, '.vigil', 'local.json'),
      JSON.stringify({ kinesis: { endpoint: local.endpoint, region: local.region, streamName: stream } }),
    );
    const line = toLine(aLogin({ eventId: 'ev-local-json', customerId: 'C3000003' }));

    // Act
    const run = await runVigil(['send', '-'], {
      cwd,
      env: { AWS_ENDPOINT_URL: '', AWS_ENDPOINT_URL_KINESIS: '' },
      input: `${line}\n`,
    });

    // Assess
    expect(run.stderr).toContain(`send: 1 records to ${stream} (${local.endpoint}, via .vigil/local.json)`);
    expect(run.status).toBe(0);
    const arrived = await local.readAll(stream);
    expect(arrived.map((r) => [text(r), r.PartitionKey])).toEqual([[line, 'C3000003']]);
  });

  it('documents its targets in --help', async () => {
    // Prepare
    const args = ['send', '--help'];

    // Act
    const run = await runVigil(args, { cwd: dir, env: {} });

    // Assess
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('AWS_ENDPOINT_URL');
    expect(run.stdout).toContain('.vigil/local.json');
  });
});
