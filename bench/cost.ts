/**
 * What a million events cost on AWS at list prices, from measured usage per
 * event: the pay-per-use part of the bill (requests, capacity units, payload
 * units, compute). Time-based charges (a provisioned shard's or an on-demand
 * stream's hours, storage, PITR, KMS keys, CloudWatch) do not grow with the
 * events and are left out.
 *
 * Prices: Europe (Frankfurt), eu-central-1, in USD, without tax or free tier.
 * They were written down from the public pricing pages in 2025 and could not be
 * re-checked from this offline machine: compare them with the pages before
 * quoting a figure.
 * - Lambda: https://aws.amazon.com/lambda/pricing/
 * - DynamoDB on-demand: https://aws.amazon.com/dynamodb/pricing/on-demand/
 * - Kinesis Data Streams: https://aws.amazon.com/kinesis/data-streams/pricing/
 * - API Gateway (REST APIs): https://aws.amazon.com/api-gateway/pricing/
 */

import { IP_DATA_FUNCTION_MEMORY_MB } from '../infra/api-functions.ts';
import { DEFAULT_CONFIG } from '../infra/config.ts';
import { CONSUMER_EVENT_SOURCE } from '../src/shared/streams.ts';

/** When the prices below were taken (see the module comment). */
export const PRICES_TAKEN = '2025';

/** Lambda requests, USD per invocation ($0.20 per million). */
export const LAMBDA_PRICE_PER_REQUEST = 0.2 / 1e6;
/** Lambda compute on arm64 (Graviton), USD per GB-second (first 6 billion GB-s a month). */
export const LAMBDA_ARM_PRICE_PER_GB_SECOND = 0.0000133334;
/** DynamoDB on-demand, standard table class, USD per write request unit ($0.7625 per million). */
export const DYNAMODB_PRICE_PER_WRITE_UNIT = 0.7625 / 1e6;
/** DynamoDB on-demand, standard table class, USD per read request unit ($0.1525 per million). */
export const DYNAMODB_PRICE_PER_READ_UNIT = 0.1525 / 1e6;
/** Kinesis Data Streams (provisioned mode), USD per PUT payload unit (25 KB chunk of a record; $0.0175 per million). */
export const KINESIS_PRICE_PER_PUT_PAYLOAD_UNIT = 0.0175 / 1e6;

/** API Gateway REST API requests, USD per request ($3.70 per million, the first 333 million a month). */
export const API_GATEWAY_REST_PRICE_PER_REQUEST = 3.7 / 1e6;

/** Usage per million events, as measured (bench/pipeline.ts for DynamoDB) or derived. */
export interface UsagePerMillionEvents {
  /** DynamoDB requests: not billed by themselves on demand, carried for the report. */
  readonly dynamoRequests: number;
  /** DynamoDB read request units (1 per started 4 KB of a strongly consistent read). */
  readonly dynamoReadUnits: number;
  /** DynamoDB write request units (1 per started KB of the larger of the item before and after). */
  readonly dynamoWriteUnits: number;
  /** Kinesis PUT payload units (a record of up to 25 KB is one). */
  readonly kinesisPutPayloadUnits: number;
  /** Lambda invocations (about events / mean batch size). */
  readonly lambdaInvocations: number;
  /** Lambda GB-seconds (memory in GB × billed duration in s, summed). */
  readonly lambdaGbSeconds: number;
}

/** The cost of a million events, USD, per service and in total. */
export interface CostPerMillionEvents {
  readonly dynamodb: number;
  readonly kinesis: number;
  readonly lambda: number;
  readonly total: number;
}

/** Every usage figure must be a finite number >= 0; the error names the first that is not. */
function checkUsage(usage: object): void {
  for (const [field, value] of Object.entries(usage)) {
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      throw new Error(`cost: ${field}: expected a finite number >= 0, got ${String(value)}`);
    }
  }
}

/**
 * The pay-per-use cost of a million events in eu-central-1 at the list prices above.
 *
 * @throws when a figure is negative or not a number (naming it).
 *
 * @example
 * ```ts
 * costPerMillionEvents({
 *   dynamoRequests: 1.5e6, dynamoReadUnits: 1.2e6, dynamoWriteUnits: 2.1e6,
 *   kinesisPutPayloadUnits: 1e6, lambdaInvocations: 2_000, lambdaGbSeconds: 400,
 * }).total; // ≈ 1.81
 * ```
 */
export function costPerMillionEvents(usage: UsagePerMillionEvents): CostPerMillionEvents {
  checkUsage(usage);
  const dynamodb =
    usage.dynamoReadUnits * DYNAMODB_PRICE_PER_READ_UNIT +
    usage.dynamoWriteUnits * DYNAMODB_PRICE_PER_WRITE_UNIT;
  const kinesis = usage.kinesisPutPayloadUnits * KINESIS_PRICE_PER_PUT_PAYLOAD_UNIT;
  const lambda =
    usage.lambdaInvocations * LAMBDA_PRICE_PER_REQUEST +
    usage.lambdaGbSeconds * LAMBDA_ARM_PRICE_PER_GB_SECOND;
  return { dynamodb, kinesis, lambda, total: dynamodb + kinesis + lambda };
}

/** A Kinesis PUT payload unit: each started 25 KB of a record. */
const PUT_PAYLOAD_UNIT_BYTES = 25 * 1024;

/** The pipeline bench's measurements this estimate starts from (bench/pipeline.ts). */
export interface MeasuredPipeline {
  readonly events: number;
  readonly eventsPerSecond: number;
  readonly requestsPerEvent: number;
  readonly readUnitsPerEvent: number;
  readonly writeUnitsPerEvent: number;
}

/**
 * Usage per million events from the pipeline bench: DynamoDB as measured;
 * Kinesis PUT payload units from the sizes of the events themselves; Lambda
 * invocations at full batches of the deployed batch size, and GB-seconds at the
 * deployed memory for the time a batch took end to end on the local stack. That
 * time is dynalite's (about a tenth of DynamoDB's speed): an upper bound.
 *
 * @example
 * ```ts
 * costPerMillionEvents(usageFromPipeline(await benchPipeline(lines, console.log), lines));
 * ```
 */
export function usageFromPipeline(
  measured: MeasuredPipeline,
  lines: readonly string[],
): UsagePerMillionEvents {
  const perMillion = 1e6;
  const units = lines.reduce((n, line) => n + Math.ceil(Buffer.byteLength(line) / PUT_PAYLOAD_UNIT_BYTES), 0);
  const invocations = perMillion / CONSUMER_EVENT_SOURCE.batchSize;
  const secondsPerBatch = CONSUMER_EVENT_SOURCE.batchSize / measured.eventsPerSecond;
  return {
    dynamoRequests: measured.requestsPerEvent * perMillion,
    dynamoReadUnits: measured.readUnitsPerEvent * perMillion,
    dynamoWriteUnits: measured.writeUnitsPerEvent * perMillion,
    kinesisPutPayloadUnits: (units / lines.length) * perMillion,
    lambdaInvocations: invocations,
    lambdaGbSeconds: invocations * secondsPerBatch * (DEFAULT_CONFIG.consumer.memoryMb / 1024),
  };
}

/** Prints the cost per million events of {@link usageFromPipeline}, per service. */
export function printCost(usage: UsagePerMillionEvents, print: (line: string) => void): CostPerMillionEvents {
  const cost = costPerMillionEvents(usage);
  const usd = (n: number) => `$${n.toFixed(n < 0.1 ? 4 : 2)}`;
  print(
    `cost per million events, eu-central-1 list prices (${PRICES_TAKEN}), pay-per-use only: ${usd(cost.total)} = ` +
      `DynamoDB ${usd(cost.dynamodb)} (${(usage.dynamoWriteUnits / 1e6).toFixed(2)} WRU + ${(usage.dynamoReadUnits / 1e6).toFixed(2)} RRU per event) + ` +
      `Kinesis ${usd(cost.kinesis)} (${(usage.kinesisPutPayloadUnits / 1e6).toFixed(2)} PUT payload units per event) + ` +
      `Lambda ${usd(cost.lambda)} (${Math.round(usage.lambdaInvocations).toLocaleString('en')} invocations, ` +
      `${Math.round(usage.lambdaGbSeconds).toLocaleString('en')} GB-s at most)`,
  );
  return cost;
}

/** Usage per million calls of `POST /v1/score`. */
export interface ScoreUsagePerMillion {
  /** REST API requests (one per call). */
  readonly apiRequests: number;
  /** Score function invocations (one per call; the authorizer's answer is cached per API key, so its few invocations are left out). */
  readonly lambdaInvocations: number;
  /** Score function GB-seconds (memory in GB × billed duration in s, summed). */
  readonly lambdaGbSeconds: number;
  /** DynamoDB read request units (one BatchGetItem of strongly consistent reads per call). */
  readonly dynamoReadUnits: number;
}

/** The cost of a million score calls, USD, per service and in total. */
export interface CostPerMillionScoreCalls {
  readonly apiGateway: number;
  readonly lambda: number;
  readonly dynamodb: number;
  readonly total: number;
}

/**
 * The pay-per-use cost of a million `POST /v1/score` calls in eu-central-1 at the list prices above.
 *
 * @throws when a figure is negative or not a number (naming it).
 *
 * @example
 * ```ts
 * costPerMillionScoreCalls({ apiRequests: 1e6, lambdaInvocations: 1e6, lambdaGbSeconds: 20_000, dynamoReadUnits: 8e6 }).total; // ≈ 5.39
 * ```
 */
export function costPerMillionScoreCalls(usage: ScoreUsagePerMillion): CostPerMillionScoreCalls {
  checkUsage(usage);
  const apiGateway = usage.apiRequests * API_GATEWAY_REST_PRICE_PER_REQUEST;
  const lambda =
    usage.lambdaInvocations * LAMBDA_PRICE_PER_REQUEST +
    usage.lambdaGbSeconds * LAMBDA_ARM_PRICE_PER_GB_SECOND;
  const dynamodb = usage.dynamoReadUnits * DYNAMODB_PRICE_PER_READ_UNIT;
  return { apiGateway, lambda, dynamodb, total: apiGateway + lambda + dynamodb };
}

/** What the score figures start from. */
export interface MeasuredScore {
  /** Milliseconds per call: a p50 of the local bench (gateway, dynalite and load generator included: an upper bound of the function's duration). */
  readonly msPerCall: number;
  /** Items each call reads: the order's profiles, the current hour's shop-wide counters and the subject's controls. */
  readonly itemsPerCall: number;
}

/**
 * Usage per million score calls: one request and one invocation each, billed per started
 * millisecond at the score function's memory, and one read request unit per item (a strongly
 * consistent read of up to 4 KB, an absent item included).
 *
 * @example
 * ```ts
 * printScoreCost(usageFromScore({ msPerCall: 12, itemsPerCall: 8 }), console.log);
 * ```
 */
export function usageFromScore(measured: MeasuredScore): ScoreUsagePerMillion {
  const perMillion = 1e6;
  return {
    apiRequests: perMillion,
    lambdaInvocations: perMillion,
    lambdaGbSeconds:
      (perMillion * Math.ceil(measured.msPerCall) * (IP_DATA_FUNCTION_MEMORY_MB / 1024)) / 1000,
    dynamoReadUnits: perMillion * measured.itemsPerCall,
  };
}

/** Prints the cost per million score calls of {@link usageFromScore}, per service. */
export function printScoreCost(
  usage: ScoreUsagePerMillion,
  print: (line: string) => void,
): CostPerMillionScoreCalls {
  const cost = costPerMillionScoreCalls(usage);
  const usd = (n: number) => `$${n.toFixed(n < 0.1 ? 4 : 2)}`;
  print(
    `cost per million POST /v1/score calls, eu-central-1 list prices (${PRICES_TAKEN}), pay-per-use only: ${usd(cost.total)} = ` +
      `API Gateway REST ${usd(cost.apiGateway)} + ` +
      `Lambda ${usd(cost.lambda)} (${Math.round(usage.lambdaGbSeconds).toLocaleString('en')} GB-s at most) + ` +
      `DynamoDB ${usd(cost.dynamodb)} (${(usage.dynamoReadUnits / 1e6).toFixed(1)} RRU per call)`,
  );
  return cost;
}
