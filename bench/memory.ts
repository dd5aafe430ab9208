/**
 * The memory figure of `npm run bench`, in a Node process of its own (bench/run.ts starts it), so
 * that its peak RSS is the in-memory store's alone and its million-event heap stalls no other
 * measurement: replay of a generated stream of BENCH_MEMORY_EVENTS events (default 1,000,000;
 * the demo traffic, a growing population with attacks), printing peak RSS and how many profiles
 * the bounded store holds.
 */
import { demoTrafficNdjson } from '../src/demo/traffic.ts';
import { InMemoryProfileStore, MEMORY_PROFILES_DEFAULTS } from '../src/shared/memory/profiles.ts';
import { replay } from './replay.ts';

const events = Number(process.env.BENCH_MEMORY_EVENTS ?? 1_000_000);
const fmt = (n: number) => Math.round(n).toLocaleString('en');
const store = new InMemoryProfileStore();
let peakRss = process.memoryUsage().rss;
const sample = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);
const stream = function* () {
  let i = 0;
  for (const line of demoTrafficNdjson({ customers: 20_000, days: 6 })) {
    if (i++ >= events) return;
    if (i % 25_000 === 0) peakRss = Math.max(peakRss, process.memoryUsage().rss);
    yield line;
  }
};
const big = await replay(stream(), store);
clearInterval(sample);
console.log(
  `memory: ${fmt(big.n)} generated events at ${fmt(big.rate)} events/s (generation included), ` +
    `peak RSS ${fmt(peakRss / 2 ** 20)} MiB, ${fmt(store.size)} profiles held (bound ${fmt(MEMORY_PROFILES_DEFAULTS.maxProfiles)})`,
);
