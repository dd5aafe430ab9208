/**
 * `npm run bench`: throughput and memory of the detection core, measured in
 * one run so that the ratios compare like with like.
 *
 * 1. Floor: a loop over the same lines that does only the unavoidable work:
 *    JSON.parse, an HMAC-SHA256 for every identifier the event carries, and
 *    the geo lookup. Printed twice: as specified (every HMAC and geo lookup
 *    computed), and with the same memo of recent pseudonyms and locations the
 *    pipeline itself uses.
 * 2. Replay: the full pipeline (validate, pseudonymise, load profiles, rules,
 *    decide, write signals, serialise the decision), in-memory store.
 * 3. Memory, in a Node process of its own (bench/memory.ts): replay of a
 *    generated 1,000,000-event stream (the demo traffic:
 *    a growing population with attacks), printing peak RSS and how many
 *    profiles the bounded store holds.
 * 4. Pipeline: the first 50,000 events end to end through the embedded local
 *    stack, beside the same emulators' raw throughput, with DynamoDB requests
 *    and capacity units per event (bench/pipeline.ts).
 *
 * Then the Lambda bundles' cold starts (bench/bundles.ts), the APIs (bench/api.ts), and the
 * analyst console in Chromium: the queue's first-load JavaScript and the script time of opening
 * an alert (bench/console.ts).
 *
 * Input: the development set (eval/events.ndjson.gz in the shared data folder, VIGIL_SHARED_DIR:
 * bench/shared-data.ts) when it is there, else the generated demo traffic.
 *
 * At the end it writes every figure line, with the date, commit, machine and targets, to
 * bench/RESULTS.md (or the file BENCH_RESULTS names: bench/results.ts).
 */
import './quiet.ts';
import { spawnSync } from 'node:child_process';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHmac } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { demoTrafficNdjson } from '../src/demo/traffic.ts';
import { benchPipeline, REQUESTS_PER_EVENT_TARGET } from './pipeline.ts';
import { benchApiInProcess, RATE, TARGET_P99_MS } from './api.ts';
import { BENCH_KEY as key, replay } from './replay.ts';
import { locate } from '../src/shared/geo.ts';
import { geoTables } from '../src/shared/ip-data/load.ts';
import { ownerOf } from '../src/shared/ip-data/range-table.ts';
import type { VigilEvent } from '../src/shared/contract/events.ts';
import { type ClientIp, parseClientIp } from '../src/shared/ip.ts';
import { Pseudonymiser } from '../src/shared/pseudonymise.ts';
import { parseEventLine } from '../src/shared/contract/events.ts';
import { toFacts } from '../src/pipeline/enrich.ts';
import { compileKnownClients } from '../src/rules/known-clients.ts';
import { profileKeysOf } from '../src/pipeline/observe.ts';
import { readsShopWide } from '../src/rules/shop-wide.ts';
import { INIT_TARGET_MS, INIT_TARGET_RSS_MIB, measureBundles } from './bundles.ts';
import { benchConsole, CONSOLE_JS_TARGET_KB, OPEN_ALERT_TARGET_MS } from './console.ts';
import { printCost, printScoreCost, usageFromPipeline, usageFromScore } from './cost.ts';
import { devSetPath } from './shared-data.ts';
import { MEMORY_PROFILES_DEFAULTS } from '../src/shared/memory/profiles.ts';
import { currentCommit, formatResults, machineSummary, ResultsRecorder, resultsDate } from './results.ts';

const KNOWN_CLIENTS = compileKnownClients();

const DEV_SET = devSetPath();
const MEMORY_EVENTS = Number(process.env.BENCH_MEMORY_EVENTS ?? 1_000_000);
const PIPELINE_EVENTS = Number(process.env.BENCH_PIPELINE_EVENTS ?? 50_000);
const RESULTS_FILE = process.env.BENCH_RESULTS ?? fileURLToPath(new URL('./RESULTS.md', import.meta.url));
/** The replay's throughput against the floor as specified. */
const REPLAY_FLOOR_TARGET = 0.5;
const recorder = new ResultsRecorder(console.log);
const log = recorder.log;
/** The sections left out by their setting, for the results file. */
const skipped: string[] = [];
const fmt = (n: number) => Math.round(n).toLocaleString('en');

function input(): { lines: string[]; source: string } {
  if (existsSync(DEV_SET)) {
    const lines = gunzipSync(readFileSync(DEV_SET)).toString('utf8').split('\n').filter(Boolean);
    return { lines, source: `development set, ${relative(process.cwd(), DEV_SET)}` };
  }
  return { lines: [...demoTrafficNdjson()], source: 'generated demo traffic' };
}

/** The identifiers an event carries, as the pipeline pseudonymises them. */
function identifiers(e: VigilEvent, ip: ClientIp): string[] {
  const ids = [ip.address, ip.network, e.sessionId ?? `${ip.address}|${e.userAgent ?? ''}`];
  const login = e.type === 'login' ? e.login : undefined;
  const order = e.type === 'order' ? e.order : undefined;
  const more = [e.customerId, e.deviceId, e.userAgent, login?.username, order?.paymentFingerprint];
  for (const id of [...more, order?.shippingAddressId]) if (id) ids.push(id);
  return ids;
}

/** Floor as specified: every HMAC and every geo lookup computed. */
function floorComputed(lines: readonly string[]): number {
  const secret = key.secret;
  const geo = geoTables();
  let sink = 0;
  const t0 = performance.now();
  for (const line of lines) {
    const e = JSON.parse(line) as VigilEvent;
    const ip = parseClientIp(e.ip)!;
    for (const id of identifiers(e, ip)) sink += createHmac('sha256', secret).update(id).digest()[0]!;
    sink += ownerOf(ip, geo.v4, geo.v6);
  }
  return lines.length / ((performance.now() - t0) / 1000) + (sink === -1 ? 1 : 0);
}

/** Floor with the pipeline's own memo of pseudonyms and locations. */
function floorMemoised(lines: readonly string[]): number {
  const p = new Pseudonymiser(key);
  const kinds = [
    'ip',
    'network',
    'session',
    'subject',
    'device',
    'userAgent',
    'username',
    'payment',
  ] as const;
  let sink = 0;
  const t0 = performance.now();
  for (const line of lines) {
    const e = JSON.parse(line) as VigilEvent;
    const ip = parseClientIp(e.ip)!;
    identifiers(e, ip).forEach((id, i) => (sink += p.of(kinds[Math.min(i, kinds.length - 1)]!, id).length));
    sink += locate(ip)?.lat ?? 0;
  }
  return lines.length / ((performance.now() - t0) / 1000) + (sink === -1 ? 1 : 0);
}

/**
 * Sections 1 to 4 on the input; what the API section's cost estimate needs of the input is
 * returned, so that the input itself (the development set's lines) is garbage before the API
 * section starts.
 */
async function benchDetection(): Promise<{ scoreItemsPerCall: number }> {
  const { lines, source } = input();
  recorder.section('Detection core');
  log(`input: ${fmt(lines.length)} events (${source}); node ${process.version}, ${process.arch}`);
  // Warm every path once so the JIT has seen it, then measure each in turn on the same lines.
  const warm = lines.slice(0, 20_000);
  floorComputed(warm);
  floorMemoised(warm);
  await replay(warm);
  const computed = floorComputed(lines);
  const memoised = floorMemoised(lines);
  const full = await replay(lines);
  log(`floor, as specified (JSON.parse + every HMAC + geo lookup): ${fmt(computed)} events/s`);
  log(`floor, with the pipeline's memo of pseudonyms and locations: ${fmt(memoised)} events/s`);
  log(`replay, full pipeline with the in-memory store:             ${fmt(full.rate)} events/s`);
  log(
    `ratio replay / floor as specified: ${(full.rate / computed).toFixed(2)} ` +
      `(target >= ${REPLAY_FLOOR_TARGET.toFixed(2)}); ` +
      `replay / memoised floor: ${(full.rate / memoised).toFixed(2)}`,
  );

  // Memory in a process of its own: its peak RSS is the store's alone, and its million-event heap
  // stalls none of the latency runs below (bench/memory.ts).
  if (MEMORY_EVENTS > 0) {
    recorder.section('Memory');
    const memory = spawnSync(
      process.execPath,
      ['--import', 'tsx', fileURLToPath(new URL('./memory.ts', import.meta.url))],
      {
        stdio: ['inherit', 'pipe', 'inherit'],
        encoding: 'utf8',
        env: { ...process.env, BENCH_MEMORY_EVENTS: String(MEMORY_EVENTS) },
      },
    );
    memory.stdout.split('\n').filter(Boolean).forEach(log);
  } else skipped.push('Memory (BENCH_MEMORY_EVENTS=0)');

  if (PIPELINE_EVENTS > 0) {
    recorder.section('Pipeline through the local stack');
    const pipelineLines = lines.slice(0, PIPELINE_EVENTS);
    const figures = await benchPipeline(pipelineLines, log);
    // What those figures cost on AWS at list prices (bench/cost.ts).
    printCost(usageFromPipeline(figures, pipelineLines), log);
  } else skipped.push('Pipeline through the local stack (BENCH_PIPELINE_EVENTS=0)');
  return { scoreItemsPerCall: scoreItemsPerCall(lines) };
}

/**
 * A full garbage collection of this process, which then waits, idle, for the API section's
 * process. Left to itself, V8's memory reducer collects the earlier sections' garbage once the
 * process is idle, and its GC threads then take both cores in the middle of paced score runs,
 * which shows in their p99. So `npm run bench` also turns the memory reducer off
 * (`--no-memory-reducer`: V8's, passed on by Node.js) and passes `--expose-gc` for this.
 */
function collectGarbage(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc) gc();
  else console.log('(no --expose-gc: this process may collect its garbage during the API runs)');
}

const { scoreItemsPerCall: itemsPerCall } = await benchDetection();

// Bundles: each Lambda function's bundle size and cold-start init, as `cdk synth` builds them (bench/bundles.ts).
if (process.env.BENCH_BUNDLES !== '0') {
  recorder.section('Bundles and cold starts');
  await measureBundles(log);
} else skipped.push('Bundles and cold starts (BENCH_BUNDLES=0)');

// APIs: the score endpoint beside the no-op floor on the local gateway, and degraded, in a process
// of its own (bench/api.ts).
if (process.env.BENCH_API !== '0') {
  recorder.section('APIs');
  collectGarbage();
  const { scoreAtRate, scoreAtMax } = await benchApiInProcess(log);
  // What a million score calls cost on AWS (bench/cost.ts): the time of a call from the run whose
  // median was lower (queueing in a loaded run is the gateway's, not the function's), the items
  // one call reads from the orders of the input as the score function sees them.
  printScoreCost(usageFromScore({ msPerCall: Math.min(scoreAtRate.p50, scoreAtMax.p50), itemsPerCall }), log);
} else skipped.push('APIs (BENCH_API=0)');

// The analyst console in Chromium over the local stack with the demo traffic (bench/console.ts).
if (process.env.BENCH_CONSOLE !== '0') {
  recorder.section('Analyst console');
  await benchConsole(log);
} else skipped.push('Analyst console (BENCH_CONSOLE=0)');

writeFileSync(
  RESULTS_FILE,
  formatResults({
    date: resultsDate(new Date()),
    commit: currentCommit(),
    machine: machineSummary(),
    node: process.version,
    targets: [
      `replay: at least ${REPLAY_FLOOR_TARGET.toFixed(2)} of the floor as specified`,
      `memory: the in-memory store holds at most ${MEMORY_PROFILES_DEFAULTS.maxProfiles.toLocaleString('en')} profiles`,
      `pipeline: at most ${REQUESTS_PER_EVENT_TARGET} DynamoDB request per event`,
      `cold start of the consumer and the score function: at most ${INIT_TARGET_MS} ms, under ${INIT_TARGET_RSS_MIB} MiB`,
      `score: p99 at most ${TARGET_P99_MS} ms at ${RATE} requests/s, counted on the runs the hypervisor left alone`,
      'score degraded (DynamoDB hung or refusing): every answer 200 and degraded, none 5xx',
      `console: the queue's first load at most ${CONSOLE_JS_TARGET_KB} KB of compressed JavaScript; opening an alert under ${OPEN_ALERT_TARGET_MS} ms of script time`,
    ],
    sections: recorder.sections,
    skipped,
  }),
);
console.log(`figures written to ${RESULTS_FILE}`);

/**
 * The DynamoDB items one score call reads, averaged over the input's orders: the order's profiles
 * (`profileKeysOf`), the current hour's shop-wide counters if a rule for orders reads them (none
 * does: `readsShopWide`), and the subject's controls when the order has a customer.
 */
function scoreItemsPerCall(eventLines: readonly string[]): number {
  const p = new Pseudonymiser(key);
  let orders = 0;
  let items = 0;
  for (const line of eventLines) {
    const parsed = parseEventLine(line, Date.now());
    if (!parsed.ok || parsed.event.type !== 'order') continue;
    const keys = profileKeysOf(toFacts(parsed.event, parsed.occurredAtMs, p, KNOWN_CLIENTS));
    orders++;
    items += keys.length + (readsShopWide('order') ? 1 : 0) + (parsed.event.customerId ? 1 : 0);
    if (orders === 1_000) break;
  }
  return orders > 0 ? items / orders : 0;
}
