/**
 * Faults dynalite cannot produce, injected into a REAL client that talks to it: throttling
 * errors on a chosen share of request attempts (the SDK's own retry sees them), and batch
 * requests of which only part reaches the server, the rest answered as `UnprocessedItems` /
 * `UnprocessedKeys` (the stores' own loop sees them). Every other request reaches dynalite as is.
 * The choice of faults is seeded and made from each request's own content, not from the order
 * of calls: concurrent requests interleave differently from run to run, yet a run is repeatable.
 */
import { createHash } from 'node:crypto';
import { ProvisionedThroughputExceededException, ThrottlingException } from '@aws-sdk/client-dynamodb';
// The SDK's own strategy (its standard one), only with the pause before a retry set: AWS's
// documented way to tune it (`@smithy/util-retry`, now part of `@smithy/core`, which the clients depend on).
import { ConfiguredRetryStrategy } from '@smithy/core/retry';
import { type DynamoClient, dynamoClient } from '../../src/shared/aws.ts';
import type { RetryPolicy } from '../../src/shared/dynamo/batch.ts';
import { LOCAL_CREDENTIALS } from './local-dynamo.ts';

/** SDK attempts per request (the first included), as in production (`dynamoClient`'s default). */
export const SDK_ATTEMPTS = 4;

/** The stores' unprocessed-items loop as in production (8 requests), without its pauses. */
export const NO_PAUSE: RetryPolicy = { retries: 7, minTimeout: 0 };

export interface FaultPlan {
  /** Share (0–1) of request attempts that fail with a throttling error before reaching dynalite. */
  throttle: number;
  /** Share (0–1) of BatchWriteItem and BatchGetItem requests that are answered in part. */
  partial: number;
  /** How many of the `n` items or keys of a partial request are processed. Default: half, rounded up. */
  keep?: (n: number) => number;
  /** Only these commands get faults (`UpdateItemCommand`, `BatchWriteItemCommand`, …). Default: all. */
  commands?: readonly string[];
}

export interface FaultCounts {
  /** Commands sent, by name (the SDK's retries of one command count once). */
  commands: Record<string, number>;
  /** Throttling errors injected, by command. */
  throttled: Record<string, number>;
  /** Requests answered in part, by command. */
  partial: Record<string, number>;
  /** The most attempts any one command took (the SDK's retries included). */
  maxAttempts: number;
}

export interface Faults {
  client: DynamoClient;
  counts: FaultCounts;
  /** Replaces the plan (`{ throttle: 0, partial: 0 }`: the outage is over). */
  plan(next: FaultPlan): void;
}

/**
 * A number in [0, 1) drawn for one request: a digest of the seed, the command, its content and
 * how often that same content was seen before (a retry is a new draw). It does not depend on
 * which of several concurrent requests comes first.
 */
function seeded(seed: number): (name: string, content: string) => number {
  const seen = new Map<string, number>();
  return (name, content) => {
    const key = `${name}\n${content}`;
    const occurrence = (seen.get(key) ?? 0) + 1;
    seen.set(key, occurrence);
    const digest = createHash('sha256').update(`${seed}\n${occurrence}\n${key}`).digest();
    return digest.readUInt32BE(0) / 4_294_967_296;
  };
}

/** The header the SDK's retry sets once per command, the same on each of its attempts. */
const INVOCATION = 'amz-sdk-invocation-id';

const bump = (counts: Record<string, number>, name: string) => (counts[name] = (counts[name] ?? 0) + 1);

/**
 * A client of the project's own factory for dynalite at `endpoint`, with faults injected by
 * `plan` and the SDK's retries made without a pause.
 *
 * @example
 * ```ts
 * const faults = faultyClient(local.endpoint, { throttle: 0.2, partial: 0.3 });
 * await store.load(keys, at); // some attempts throttled, some batch reads answered in part
 * faults.counts.throttled;    // { BatchGetItemCommand: 3, UpdateItemCommand: 5 }
 * ```
 */
export function faultyClient(endpoint: string, plan: FaultPlan, seed = 20): Faults {
  const client = dynamoClient({
    endpoint,
    region: 'eu-central-1',
    credentials: LOCAL_CREDENTIALS,
    maxAttempts: SDK_ATTEMPTS,
    retryStrategy: new ConfiguredRetryStrategy(SDK_ATTEMPTS, 0),
  });
  const draw = { partial: seeded(seed), throttle: seeded(seed + 1) };
  let current = plan;
  const counts: FaultCounts = { commands: {}, throttled: {}, partial: {}, maxAttempts: 0 };
  const applies = (name: string) => !current.commands || current.commands.includes(name);
  /** Attempts by invocation: the SDK's retries of one command share its `amz-sdk-invocation-id`. */
  const attempts = new Map<string, number>();

  // The document client and its reader (the batch reads) each have a middleware stack.
  for (const stack of [client.middlewareStack, client.reader.middlewareStack]) {
    // Outside the SDK's retry: once per command. A partial answer is a success, not retried by the SDK.
    stack.add(
      (next, context) => async (args) => {
        const name = context.commandName ?? 'unknown';
        bump(counts.commands, name);
        const input = args.input as { RequestItems?: Record<string, unknown> };
        const partial =
          applies(name) && input.RequestItems && draw.partial(name, JSON.stringify(input)) < current.partial
            ? splitBatch(input.RequestItems, current.keep ?? ((n) => Math.ceil(n / 2)))
            : undefined;
        if (!partial) return next(args);
        bump(counts.partial, name);
        const result = await next({ ...args, input: { ...input, RequestItems: partial.sent } });
        Object.assign(result.output as object, partial.unprocessed);
        return result;
      },
      { step: 'initialize', name: 'injectPartialBatches' },
    );
    // Inside the SDK's retry (finalizeRequest, after its high-priority retry middleware): every attempt.
    stack.add(
      (next, context) => async (args) => {
        const name = context.commandName ?? 'unknown';
        const invocation = String((args.request as { headers: Record<string, string> }).headers[INVOCATION]);
        const attempt = (attempts.get(invocation) ?? 0) + 1;
        attempts.set(invocation, attempt);
        counts.maxAttempts = Math.max(counts.maxAttempts, attempt);
        const { body } = args.request as { body?: string | Uint8Array };
        const chance = draw.throttle(
          name,
          typeof body === 'string' ? body : Buffer.from(body ?? []).toString(),
        );
        if (applies(name) && chance < current.throttle) {
          bump(counts.throttled, name);
          // The lower half of the throttled draws one error, the upper half the other.
          const Fault =
            chance < current.throttle / 2 ? ProvisionedThroughputExceededException : ThrottlingException;
          throw new Fault({ message: 'Rate exceeded (injected)', $metadata: { httpStatusCode: 400 } });
        }
        return next(args);
      },
      { step: 'finalizeRequest', priority: 'low', name: 'injectThrottling' },
    );
  }
  return { client, counts, plan: (next) => (current = next) };
}

/**
 * A batch request's items split into what is sent and what is answered unprocessed (one table
 * per request, as the stores send them). Undefined when there is nothing to split: a request of
 * one item that cannot be served fails with a throttling error, not an empty answer.
 */
function splitBatch(
  requestItems: Record<string, unknown>,
  keep: (n: number) => number,
): { sent: Record<string, unknown>; unprocessed: Record<string, unknown> } | undefined {
  const [table, request] = Object.entries(requestItems)[0]!;
  // BatchGetItem: `{ Keys, ConsistentRead }`; BatchWriteItem: the list of write requests.
  const items = Array.isArray(request) ? request : (request as { Keys: unknown[] }).Keys;
  if (items.length < 2) return undefined;
  const n = Math.min(items.length - 1, Math.max(1, keep(items.length)));
  const [sent, left] = [items.slice(0, n), items.slice(n)];
  if (Array.isArray(request)) {
    return { sent: { [table]: sent }, unprocessed: { UnprocessedItems: { [table]: left } } };
  }
  const rest = request as Record<string, unknown>;
  return {
    sent: { [table]: { ...rest, Keys: sent } },
    unprocessed: { UnprocessedKeys: { [table]: { ...rest, Keys: left } } },
  };
}
