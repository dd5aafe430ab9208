import { existsSync, readFileSync } from 'node:fs';
import type { KinesisClient, KinesisClientConfig } from '@aws-sdk/client-kinesis';
import { Command } from 'commander';
import { LOCAL_STACK_FILE } from '../local/stack.ts';
import { DEFAULT_REGION } from '../shared/aws.ts';
import {
  PUT_RECORDS_MAX_BYTES,
  PUT_RECORDS_MAX_RECORDS,
  type PutRecord,
  type PutRecordsResult,
  kinesisClient,
  putRecordsAll,
} from '../shared/kinesis.ts';
import { streamName } from '../shared/streams.ts';
import { readLines } from './io.ts';
import { withExitStatus } from './options.ts';
import { startProgress } from './progress.ts';

/** The partition key of a line that is not a JSON object with a usable key field. */
export const INVALID_PARTITION_KEY = 'invalid';

/** A record's data and partition key together may not exceed 1 MiB (the classic Kinesis record limit). */
const MAX_RECORD_BYTES = 1024 * 1024;

/** `vigil send <file>`: a producer that writes an NDJSON file to the event stream. */
export const sendCommand = (): Command =>
  new Command('send')
    .summary('write a file of events to the Kinesis stream (local stack or AWS)')
    .description(
      `Writes every non-blank line of the file, as it is, to the event stream with
PutRecords (batches of at most 500 records and 5 MiB), partition key
customerId, else sessionId, else ip. Lines are not validated here: the consumer
does, and dead-letters what is invalid (a line that is not JSON goes with the
partition key '${INVALID_PARTITION_KEY}'). Records that PutRecords reports as failed are sent
again with exponential backoff; a summary goes to stderr, progress too on a
terminal. Exit status 1 when records could not be sent.

Where it sends, first match wins:
  --endpoint, else AWS_ENDPOINT_URL_KINESIS / AWS_ENDPOINT_URL, else the local
  stack's ${LOCAL_STACK_FILE} (kinesis.endpoint, region, streamName) when that
  file exists in this directory, else real AWS (credentials from the usual
  chain). Loopback endpoints get placeholder credentials when none are set.`,
    )
    .argument('<file>', 'the events, NDJSON, gzipped when it ends in .gz; - for standard input')
    .option('--stream <name>', "stream name (default: the local stack's, else vigil-<stage>-events)")
    .option('--stage <stage>', 'stage of the default stream name (default: local)')
    .option('--endpoint <url>', 'Kinesis endpoint, e.g. http://127.0.0.1:4567')
    .option('--region <region>', `default: the local stack's, else AWS_REGION, else ${DEFAULT_REGION}`)
    .action(withExitStatus(send));

/** Where `vigil send` (and a redrive) sends: the stream, and how to reach it. */
export interface TargetOptions {
  stream?: string | undefined;
  stage?: string | undefined;
  endpoint?: string | undefined;
  region?: string | undefined;
}

interface LocalStackFile {
  kinesis?: { endpoint?: string; region?: string; streamName?: string };
}

interface Target {
  endpoint: string | undefined;
  region: string;
  stream: string;
  /** Where the endpoint came from, for the summary. */
  via: string;
}

/** Resolves where to send: options, then the environment, then the local stack's file, then AWS. */
export function resolveTarget(values: TargetOptions): Target {
  // Empty counts as unset.
  const envEndpoint = process.env.AWS_ENDPOINT_URL_KINESIS || process.env.AWS_ENDPOINT_URL || undefined;
  let local: LocalStackFile['kinesis'];
  if (!values.endpoint && !envEndpoint && existsSync(LOCAL_STACK_FILE)) {
    local = (JSON.parse(readFileSync(LOCAL_STACK_FILE, 'utf8')) as LocalStackFile).kinesis;
  }
  const endpoint = values.endpoint ?? envEndpoint ?? local?.endpoint;
  return {
    endpoint,
    region: values.region ?? local?.region ?? process.env.AWS_REGION ?? DEFAULT_REGION,
    stream: values.stream ?? local?.streamName ?? streamName(values.stage ?? 'local'),
    via: values.endpoint
      ? '--endpoint'
      : envEndpoint
        ? 'AWS_ENDPOINT_URL'
        : local?.endpoint
          ? LOCAL_STACK_FILE
          : 'AWS',
  };
}

/**
 * A refused connection, told in words: which endpoint, where it came from and, when it is the
 * local stack's (from `.vigil/local.json`), that the stack is not running and how to start it.
 * Any other error is returned as it is.
 *
 * @example
 * ```ts
 * try { await putRecordsAll(client, target.stream, records); } catch (err) { throw explainRefused(err, target); }
 * ```
 */
export function explainRefused(err: unknown, target: { endpoint: string | undefined; via: string }): unknown {
  if ((err as { code?: unknown }).code !== 'ECONNREFUSED') return err;
  const where = target.endpoint ?? 'AWS';
  return new Error(
    target.via === LOCAL_STACK_FILE
      ? `the local stack of ${LOCAL_STACK_FILE} is not running (nothing answers at ${where}): start it ` +
          `with 'npm start' (or 'vigil start') in this directory and try again, or give --endpoint`
      : `nothing answers at ${where} (the endpoint from ${target.via})`,
  );
}

/**
 * The partition key of a line: customerId, else sessionId, else ip, read
 * without validating anything else; `invalid` for a line that is not a JSON
 * object with one of them as a usable key (1–256 characters).
 */
export function partitionKeyOf(line: string): string {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return INVALID_PARTITION_KEY;
  }
  if (typeof value !== 'object' || value === null) return INVALID_PARTITION_KEY;
  const fields = value as Record<string, unknown>;
  for (const name of ['customerId', 'sessionId', 'ip']) {
    const key = fields[name];
    if (typeof key === 'string' && key.length > 0 && [...key].length <= 256) return key;
  }
  return INVALID_PARTITION_KEY;
}

const isLoopback = (endpoint: string): boolean => {
  try {
    return ['127.0.0.1', 'localhost', '[::1]'].includes(new URL(endpoint).hostname);
  } catch {
    return false;
  }
};

async function send(input: string, options: TargetOptions): Promise<number> {
  const target = resolveTarget(options);
  let credentials: KinesisClientConfig['credentials'];
  // Any key works against the emulators, but the SDK insists on having one.
  if (target.endpoint && isLoopback(target.endpoint) && !process.env.AWS_ACCESS_KEY_ID)
    credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
  const client = kinesisClient({
    region: target.region,
    ...(target.endpoint ? { endpoint: target.endpoint } : {}),
    ...(credentials ? { credentials } : {}),
  });
  const started = performance.now();
  let sent: Sent;
  try {
    sent = await sendLines(client, target.stream, readLines(input));
  } catch (err) {
    throw explainRefused(err, target);
  } finally {
    client.destroy();
  }
  process.stderr.write(formatSummary(sent, target, (performance.now() - started) / 1000));
  return sent.total.failed + sent.tooLarge.length > 0 ? 1 : 0;
}

interface Sent {
  total: PutRecordsResult;
  /** The line numbers of the lines over the record size limit, not sent. */
  tooLarge: number[];
}

/** Sends the non-blank lines in PutRecords requests within the API's limits, with progress. */
async function sendLines(client: KinesisClient, stream: string, lines: AsyncIterable<string>): Promise<Sent> {
  const total: PutRecordsResult = { records: 0, requests: 0, retried: 0, failed: 0, failures: {} };
  const tooLarge: number[] = [];
  const current = { records: 0, failed: 0 };
  const progress = startProgress(
    () => `${current.records.toLocaleString('en')} records sent, ${current.failed} failed`,
  );
  const flush = async (chunk: PutRecord[]): Promise<void> => {
    const result = await putRecordsAll(client, stream, chunk, {
      onRequest: (r) => {
        current.records = total.records + r.records;
        current.failed = total.failed + r.failed;
        progress.update();
      },
    });
    addTo(total, result);
  };
  try {
    let chunk: PutRecord[] = [];
    let chunkBytes = 0;
    let lineNumber = 0;
    for await (const line of lines) {
      lineNumber++;
      if (line.trim() === '') continue;
      const partitionKey = partitionKeyOf(line);
      const data = Buffer.from(line, 'utf8');
      const size = data.byteLength + Buffer.byteLength(partitionKey, 'utf8');
      if (size > MAX_RECORD_BYTES) {
        tooLarge.push(lineNumber);
        continue;
      }
      if (chunk.length >= PUT_RECORDS_MAX_RECORDS || chunkBytes + size > PUT_RECORDS_MAX_BYTES) {
        await flush(chunk);
        chunk = [];
        chunkBytes = 0;
      }
      chunk.push({ partitionKey, data });
      chunkBytes += size;
    }
    if (chunk.length > 0) await flush(chunk);
  } finally {
    progress.stop();
  }
  return { total, tooLarge };
}

function addTo(total: PutRecordsResult, result: PutRecordsResult): void {
  total.records += result.records;
  total.requests += result.requests;
  total.retried += result.retried;
  total.failed += result.failed;
  for (const [code, n] of Object.entries(result.failures))
    total.failures[code] = (total.failures[code] ?? 0) + n;
}

function formatSummary({ total, tooLarge }: Sent, target: Target, seconds: number): string {
  const failed = total.failed + tooLarge.length;
  const codes = Object.entries(total.failures).map(([code, n]) => `${code} ${n}`);
  return [
    `send: ${total.records.toLocaleString('en')} records to ${target.stream} (${target.endpoint ?? 'AWS'}, via ${target.via}) in ${seconds.toFixed(1)} s (${Math.round(total.records / Math.max(seconds, 1e-3)).toLocaleString('en')} records/s)`,
    `  requests ${total.requests}  retried ${total.retried}  failed ${failed}${codes.length ? ` (${codes.join(', ')})` : ''}`,
    ...(tooLarge.length
      ? [`  too large for a record (over 1 MiB), not sent: lines ${tooLarge.slice(0, 20).join(', ')}`]
      : []),
    '',
  ].join('\n');
}
