/**
 * The API bench's checks beside its runs: that the history landed (no dead letters, every profile
 * of an order stored), the profile read alone, and the score endpoint's degraded drill.
 */
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { startLocalStack } from '../src/local/stack.ts';
import { parseEventLine } from '../src/shared/contract/events.ts';
import { toFacts } from '../src/pipeline/enrich.ts';
import { compileKnownClients } from '../src/rules/known-clients.ts';
import { profileKeysOf } from '../src/pipeline/observe.ts';
import { quantile } from './load-client.ts';
import { benchOrder, scoreOrders } from './orders.ts';

const KNOWN_CLIENTS = compileKnownClients();

/** One decimal under 100 ms: around the 10 ms target, 9.96 and 10.3 must not both print as 10. */
export const ms = (n: number) => `${n.toFixed(n < 100 ? 1 : 0)} ms`;

/**
 * Throws when the consumer dead-lettered any of the history: the scores would read empty profiles
 * and the figures be those of a lighter read.
 */
export async function noDeadLetters(stack: Awaited<ReturnType<typeof startLocalStack>>): Promise<void> {
  const { Items = [] } = await stack
    .dynamoClient()
    .send(new ScanCommand({ TableName: stack.dynamodb.tables.deadLetters, Limit: 1 }));
  const letter = Items[0] as { eventId?: string; reason?: string } | undefined;
  if (letter)
    throw new Error(
      `API bench: the consumer dead-lettered history order ${letter.eventId}: ${letter.reason}`,
    );
}

const STORE_READS = 500;

/**
 * What the score endpoint waits for: the profile reads of {@link STORE_READS} of the runs' orders,
 * one after the other, as the handler makes them (its own dependencies, built from the stack's
 * environment: the pseudonymised keys of the order's profiles, the store with its client). Throws
 * when a read misses any of the order's profiles: the history did not land.
 */
export async function profileReads(): Promise<{ p50: number; p99: number; profiles: number }> {
  const { scoreDepsFromEnv } = await import('../src/api/deps.ts');
  const { store, pseudonymiser } = await scoreDepsFromEnv();
  const orders = scoreOrders().slice(0, STORE_READS);
  const times: number[] = [];
  let profiles = 0;
  for (const line of orders) {
    const parsed = parseEventLine(line, Date.now());
    if (!parsed.ok) throw new Error(`API bench: ${parsed.error}`);
    const keys = profileKeysOf(toFacts(parsed.event, parsed.occurredAtMs, pseudonymiser, KNOWN_CLIENTS));
    const started = performance.now();
    const snapshot = await store.load(keys, Date.now(), { shopWide: false });
    times.push(performance.now() - started);
    const missing = keys.filter((key) => !snapshot.profiles.has(key));
    if (missing.length > 0)
      throw new Error(`API bench: no stored profile ${missing.join(', ')} (${parsed.event.eventId})`);
    profiles = keys.length;
  }
  times.sort((a, b) => a - b);
  return { p50: quantile(times, 0.5), p99: quantile(times, 0.99), profiles };
}

const DRILL_REQUESTS = 40;
/** Where the numbers of the drill's orders start: apart from the runs' and the history's. */
const DRILL_FROM = 1_000_000;

export interface DrillFigures {
  p50: number;
  p99: number;
  max: number;
  degraded: number;
  status5xx: number;
}

export const drillLine = (f: DrillFigures) =>
  `p50 ${ms(f.p50)}, p99 ${ms(f.p99)}, max ${ms(f.max)}; ${f.degraded}/${DRILL_REQUESTS} answers 200 ` +
  `and degraded, ${f.status5xx} 5xx`;

/** {@link DRILL_REQUESTS} score requests one after the other: their latency, and how many came back degraded. */
export async function degraded(url: string, token: string): Promise<DrillFigures> {
  const times: number[] = [];
  let degraded = 0;
  let status5xx = 0;
  // fetch (Node's bundled undici) loads on its first call in a process: the client's cost, not
  // the answer's. One untimed call first.
  const warm = await fetch(`${url}/v1/health`, {
    headers: { authorization: `Bearer ${token}` },
    signal: AbortSignal.timeout(5_000),
  });
  await warm.arrayBuffer();
  for (let n = 0; n < DRILL_REQUESTS; n++) {
    const started = performance.now();
    const res = await fetch(`${url}/v1/score`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: benchOrder(n, DRILL_FROM + n),
      signal: AbortSignal.timeout(5_000),
    });
    const body = (await res.json()) as { degraded?: boolean };
    times.push(performance.now() - started);
    if (res.status === 200 && body.degraded === true) degraded++;
    if (res.status >= 500) status5xx++;
  }
  times.sort((a, b) => a - b);
  return { p50: quantile(times, 0.5), p99: quantile(times, 0.99), max: times.at(-1)!, degraded, status5xx };
}
