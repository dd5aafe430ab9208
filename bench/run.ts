/**
 * `npm run bench`: throughput and memory of the detection core.
 *
 * 1. Floor: a loop over the same lines that only does the unavoidable work
 *    (JSON.parse, the HMAC pseudonyms an event needs, the geo lookup).
 * 2. Replay: the full pipeline (validate, pseudonymise, load profiles, rules,
 *    decide, write signals, serialise the decision), in-memory store.
 * 3. The ratio of the two, measured in this one run.
 * 4. Memory: replay of a 1,000,000-event stream (the development set repeated
 *    with fresh ids, customers and addresses each round), printing peak RSS
 *    and how many profiles the bounded store holds.
 */
import { existsSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { resolveConfig } from '../src/shared/config.ts';
import { Detector } from '../src/shared/detector.ts';
import { locate } from '../src/shared/geo.ts';
import { parseClientIp } from '../src/shared/ip.ts';
import { InMemoryProfileStore } from '../src/shared/profile/memory-store.ts';
import { Pseudonymiser } from '../src/shared/pseudonymise.ts';
import { randomBytes } from 'node:crypto';

const DEV_SET = new URL('../../shared/eval/events.ndjson.gz', import.meta.url);
const MEMORY_EVENTS = Number(process.env.BENCH_MEMORY_EVENTS ?? 1_000_000);

function loadLines(): string[] {
  if (!existsSync(DEV_SET)) {
    throw new Error(`bench needs the development set at ${DEV_SET.pathname}`);
  }
  return gunzipSync(readFileSync(DEV_SET)).toString('utf8').split('\n').filter(Boolean);
}

const key = { version: 'v1', secret: randomBytes(32) };

function floor(lines: readonly string[]): number {
  const p = new Pseudonymiser(key);
  let sink = 0;
  const t0 = performance.now();
  for (const line of lines) {
    const e = JSON.parse(line);
    const ip = parseClientIp(e.ip)!;
    sink += p.of('ip', ip.address).length + p.of('network', ip.network).length;
    sink += p.of('session', e.sessionId ?? ip.address).length;
    if (e.customerId) sink += p.of('subject', e.customerId).length;
    if (e.deviceId) sink += p.of('device', e.deviceId).length;
    if (e.userAgent) sink += p.of('userAgent', e.userAgent).length;
    if (e.login) sink += p.of('username', e.login.username).length;
    if (e.order?.paymentFingerprint) sink += p.of('payment', e.order.paymentFingerprint).length;
    if (e.order?.shippingAddressId) sink += p.of('address', e.order.shippingAddressId).length;
    sink += locate(ip)?.lat ?? 0;
  }
  const s = (performance.now() - t0) / 1000;
  if (sink === 42) console.log('');
  return lines.length / s;
}

async function replayAll(
  lines: Iterable<string>,
  store = new InMemoryProfileStore(),
): Promise<{ rate: number; n: number }> {
  const detector = new Detector({ store, pseudonymiser: new Pseudonymiser(key), config: resolveConfig() });
  let bytes = 0;
  let n = 0;
  const t0 = performance.now();
  for (const line of lines) {
    const verdict = await detector.process(JSON.parse(line));
    bytes += JSON.stringify(verdict.kind === 'decision' ? verdict.decision : verdict).length;
    n++;
  }
  const s = (performance.now() - t0) / 1000;
  if (bytes === 42) console.log('');
  return { rate: n / s, n };
}

/** The development set, again and again, as new customers, devices, sessions and addresses each round. */
function* repeated(lines: readonly string[], total: number): Generator<string> {
  const first = Date.parse(JSON.parse(lines[0]!).occurredAt);
  const last = Date.parse(JSON.parse(lines.at(-1)!).occurredAt);
  const span = last - first + 3_600_000;
  for (let round = 0, n = 0; n < total; round++) {
    for (const line of lines) {
      if (n++ >= total) return;
      if (round === 0) {
        yield line;
        continue;
      }
      const e = JSON.parse(line);
      e.eventId = `${e.eventId}.r${round}`;
      e.occurredAt = new Date(Date.parse(e.occurredAt) + round * span).toISOString();
      for (const k of ['customerId', 'deviceId', 'sessionId'] as const) if (e[k]) e[k] = `${e[k]}.r${round}`;
      if (e.login) e.login.username = `r${round}.${e.login.username}`;
      if (!e.ip.includes(':'))
        e.ip = e.ip.replace(/^\d+/, (o: string) => String((Number(o) + round) % 224 || 1));
      yield JSON.stringify(e);
    }
  }
}

const fmt = (n: number) => Math.round(n).toLocaleString('en');

const lines = loadLines();
console.log(`events: ${fmt(lines.length)} (../shared/eval/events.ndjson.gz), node ${process.version}`);
// Warm up both paths once so the JIT has seen them, then measure each in turn.
floor(lines.slice(0, 20_000));
await replayAll(lines.slice(0, 20_000));
const floorRate = floor(lines);
const replay = await replayAll(lines);
console.log(`floor  (parse + HMAC pseudonyms + geo): ${fmt(floorRate)} events/s`);
console.log(`replay (full pipeline, in-memory store): ${fmt(replay.rate)} events/s`);
console.log(`ratio replay/floor: ${(replay.rate / floorRate).toFixed(2)} (target >= 0.50)`);

const store = new InMemoryProfileStore();
let peakRss = process.memoryUsage().rss;
const timer = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 100);
const big = await replayAll(
  (function* () {
    let i = 0;
    for (const l of repeated(lines, MEMORY_EVENTS)) {
      if (++i % 50_000 === 0) peakRss = Math.max(peakRss, process.memoryUsage().rss);
      yield l;
    }
  })(),
  store,
);
clearInterval(timer);
console.log(
  `memory: ${fmt(big.n)} events at ${fmt(big.rate)} events/s, peak RSS ${fmt(peakRss / 2 ** 20)} MiB, ` +
    `${fmt(store.size)} profiles held (bounded at ${fmt(400_000)})`,
);
