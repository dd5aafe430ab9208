import {
  KinesisClient,
  type KinesisClientConfig,
  PutRecordsCommand,
  type PutRecordsRequestEntry,
} from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { DEFAULT_REGION } from './aws.ts';
import { AWS_ENV, readEnv } from './env.ts';

export interface KinesisClientOptions {
  /** An explicit endpoint (kinesalite). Without it the SDK honours `AWS_ENDPOINT_URL(_KINESIS)`. */
  endpoint?: string;
  /** Default: `AWS_REGION`, else {@link DEFAULT_REGION}. */
  region?: string;
  /** Static credentials (a local endpoint needs some, any); default: the SDK's provider chain. */
  credentials?: KinesisClientConfig['credentials'];
  /** SDK attempts per request, the first included (standard retry mode, with backoff). Default 4. */
  maxAttempts?: number;
}

/**
 * The one place that configures Kinesis clients.
 *
 * The request handler is the HTTP/1.1 `NodeHttpHandler`: the Kinesis client's
 * default is an HTTP/2 handler (for SubscribeToShard's event streams), and the
 * emulators (kinesalite) speak HTTP/1.1 only, so every call would fail against
 * them. The data-plane calls Vigil makes (PutRecords, GetRecords, …) work the
 * same over HTTP/1.1 against AWS.
 *
 * @example
 * ```ts
 * const client = kinesisClient();                                    // AWS: region and credentials from the environment
 * const local = kinesisClient({ endpoint: 'http://127.0.0.1:4567' }); // kinesalite
 * ```
 */
export function kinesisClient(options: KinesisClientOptions = {}): KinesisClient {
  const config: KinesisClientConfig = {
    region: options.region ?? readEnv(AWS_ENV.region) ?? DEFAULT_REGION,
    maxAttempts: options.maxAttempts ?? 4,
    // Fail a stuck connection fast and let the retry strategy try again.
    requestHandler: new NodeHttpHandler({ connectionTimeout: 2_000, requestTimeout: 10_000 }),
  };
  // The SDK reads these variables too; resolved here so that the choice is visible in one place.
  const endpoint = options.endpoint || readEnv(AWS_ENV.kinesisEndpoint) || readEnv(AWS_ENV.endpoint);
  if (endpoint) config.endpoint = endpoint;
  if (options.credentials) config.credentials = options.credentials;
  return new KinesisClient(config);
}

/**
 * PutRecords limits: at most 500 records and 5 MiB (data plus partition keys)
 * per request. https://docs.aws.amazon.com/kinesis/latest/APIReference/API_PutRecords.html
 */
export const PUT_RECORDS_MAX_RECORDS = 500;
export const PUT_RECORDS_MAX_BYTES = 5 * 1024 * 1024;

export interface PutRecord {
  partitionKey: string;
  data: Uint8Array;
}

export interface PutRecordsOptions {
  /** Attempts per record, the first included, before it counts as failed. Default 8. */
  maxAttempts?: number;
  /** First backoff, ms; doubled per attempt, with full jitter, capped at `maxDelayMs`. Default 50. */
  baseDelayMs?: number;
  /** Default 2,000. */
  maxDelayMs?: number;
  /** Called after every request (progress). */
  onRequest?: (result: PutRecordsResult) => void;
}

export interface PutRecordsResult {
  /** Records accepted by the stream. */
  records: number;
  /** PutRecords requests made, retries included. */
  requests: number;
  /** Record re-sends (a record sent three times counts twice). */
  retried: number;
  /** Records still failing after the last attempt. */
  failed: number;
  /** The error codes of the failed records, counted. */
  failures: Record<string, number>;
}

/** The request size that a record takes up: data plus partition key (UTF-8). */
const recordBytes = (r: PutRecord): number => r.data.byteLength + Buffer.byteLength(r.partitionKey, 'utf8');

/** Splits records into PutRecords-sized batches, in order. */
export function putRecordsBatches<T extends PutRecord>(records: readonly T[]): T[][] {
  const batches: T[][] = [];
  let batch: T[] = [];
  let bytes = 0;
  for (const record of records) {
    const size = recordBytes(record);
    if (
      batch.length > 0 &&
      (batch.length >= PUT_RECORDS_MAX_RECORDS || bytes + size > PUT_RECORDS_MAX_BYTES)
    ) {
      batches.push(batch);
      batch = [];
      bytes = 0;
    }
    batch.push(record);
    bytes += size;
  }
  if (batch.length > 0) batches.push(batch);
  return batches;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Writes `records` to `stream` with PutRecords, batched by the API's limits.
 * PutRecords is not atomic: a request can succeed while some of its records fail
 * (`FailedRecordCount`, a per-record `ErrorCode` such as
 * `ProvisionedThroughputExceededException`). Only those records are sent again,
 * after an exponential backoff with full jitter, up to `maxAttempts` times each;
 * a request that fails as a whole is retried by the SDK's own retry strategy,
 * and if it still fails its error propagates.
 *
 * Records of one partition key keep their order within a batch; a retried record
 * may land after later records of its key (as with any PutRecords producer).
 *
 * @example
 * ```ts
 * const result = await putRecordsAll(kinesisClient(), 'vigil-dev-events', [
 *   { partitionKey: 'C1000231', data: Buffer.from(line) },
 * ]);
 * ```
 */
export async function putRecordsAll(
  client: KinesisClient,
  stream: string,
  records: readonly PutRecord[],
  options: PutRecordsOptions = {},
): Promise<PutRecordsResult> {
  const maxAttempts = options.maxAttempts ?? 8;
  const baseDelayMs = options.baseDelayMs ?? 50;
  const maxDelayMs = options.maxDelayMs ?? 2_000;
  const result: PutRecordsResult = { records: 0, requests: 0, retried: 0, failed: 0, failures: {} };

  for (const batch of putRecordsBatches(records)) {
    let pending = batch;
    for (let attempt = 1; pending.length > 0; attempt++) {
      const entries: PutRecordsRequestEntry[] = pending.map((r) => ({
        PartitionKey: r.partitionKey,
        Data: r.data,
      }));
      const response = await client.send(new PutRecordsCommand({ StreamName: stream, Records: entries }));
      result.requests++;
      const failed: PutRecord[] = [];
      const codes: string[] = [];
      if ((response.FailedRecordCount ?? 0) > 0) {
        // The result entries are in request order, one per record.
        (response.Records ?? []).forEach((entry, i) => {
          if (entry.ErrorCode) {
            failed.push(pending[i]!);
            codes.push(entry.ErrorCode);
          }
        });
      }
      result.records += pending.length - failed.length;
      if (failed.length > 0 && attempt >= maxAttempts) {
        result.failed += failed.length;
        for (const code of codes) result.failures[code] = (result.failures[code] ?? 0) + 1;
        failed.length = 0;
      }
      options.onRequest?.(result);
      pending = failed;
      if (pending.length > 0) {
        result.retried += pending.length;
        // Full jitter: https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/
        await sleep(Math.random() * Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1)));
      }
    }
  }
  return result;
}
