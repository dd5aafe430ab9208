/**
 * The API figure of `npm run bench`: `POST /v1/score` on the local stack's HTTP gateway (the
 * real handler, dynalite behind it, profiles written by the real consumer first), beside the
 * same gateway answering the no-op `GET /v1/health` in the same run (the overhead floor of
 * the gateway, middy and Powertools). Both run at a steady 200 requests/s (open loop, paced
 * here), then at the most the machine gives (autocannon, 10 connections); then DynamoDB is made to fail (requests hung, then refused)
 * and the score endpoint is measured degraded, against its time budget.
 *
 * Everything runs in this process on 127.0.0.1 (load generator, gateway, handler, dynalite),
 * so the figures include their competition for the machine's cores. Every run is bounded in
 * time (and the degraded checks in count).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { Agent, request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import autocannon from 'autocannon';
import { partitionKeyOf } from '../src/cli/send.ts';
import { startLocalStack } from '../src/local/stack.ts';
import { putRecordsAll } from '../src/shared/kinesis.ts';
import { DynamoProfileStore } from '../src/shared/profile/dynamo-store.ts';
import type { ProfileKey } from '../src/shared/profile/model.ts';

/** Seconds per measured run. */
const RUN_SECONDS = Number(process.env.BENCH_API_SECONDS ?? 10);
/** The rate of the fixed-rate runs (the target: p99 at most 10 ms at 200 requests/s). */
const RATE = 200;
const CUSTOMERS = 200;
/** The score endpoint's default time budget (src/api/score.ts; not imported: that would set up Powertools before the stack's environment). */
const BUDGET_MS = 150;

export interface RunFigures {
  requests: number;
  /** Score answers with `degraded: true` (the profile read missed the budget). */
  degraded: number;
  perSecond: number;
  p50: number;
  p99: number;
  max: number;
  non2xx: number;
  errors: number;
}

/** An order of customer `i` a minute ago (the handler checks `occurredAt` against its clock). */
function order(i: number, n: number): string {
  return JSON.stringify({
    schemaVersion: 1,
    eventId: `bench-${n}`,
    type: 'order',
    occurredAt: new Date(Date.now() - 60_000).toISOString(),
    ip: `145.53.${i % 250}.${(i * 7) % 250}`,
    customerId: `C9${String(i).padStart(6, '0')}`,
    deviceId: `d-${i}`,
    order: {
      orderId: `O-${n}`,
      amountMinor: 2_000 + (n % 50) * 1_000,
      currency: 'EUR',
      itemCount: 1,
      paymentMethod: 'card',
      paymentFingerprint: `card-${i}`,
      billingCountry: 'NL',
      shippingCountry: 'NL',
      accountCreatedAt: '2024-01-01T00:00:00Z',
    },
  });
}

async function run(
  url: string,
  token: string,
  requests: autocannon.Request[],
  options: { connections: number; seconds: number },
): Promise<RunFigures> {
  let degraded = 0;
  const counted = requests.map((request) => ({
    ...request,
    onResponse: (_status: number, body: string) => {
      if (body.includes('"degraded":true')) degraded++;
    },
  }));
  const result = await autocannon({
    url,
    connections: options.connections,
    duration: options.seconds,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    requests: counted,
  });
  return {
    requests: result.requests.total,
    degraded,
    perSecond: result.requests.total / options.seconds,
    p50: result.latency.p50,
    p99: result.latency.p99,
    max: result.latency.max,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  };
}

/**
 * An open-loop run at a steady `rate`: request i is sent at start + i / rate, whatever the
 * earlier ones are doing, and its latency counted from when it was sent (a late timer of the
 * generator shows as a lower achieved rate, not as server latency). autocannon's own rate
 * limit releases each second's quota at once: a burst at the start of every second rather
 * than a steady 200 requests/s.
 */
async function paced(
  url: string,
  token: string,
  requests: autocannon.Request[],
  rate: number,
  seconds: number,
): Promise<RunFigures> {
  const total = Math.round(rate * seconds);
  const times: number[] = [];
  const figures = { degraded: 0, non2xx: 0, errors: 0 };
  const inFlight: Promise<void>[] = [];
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  /** One request: its status and body, or an error after 10 s. */
  const send = (method: string, path: string, body: string | undefined) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = httpRequest(`${url}${path}`, { method, headers, agent, timeout: 10_000 }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
        res.on('error', reject);
      });
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', reject);
      req.end(body);
    });
  const start = performance.now() + 10;
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const request = requests[i % requests.length]!;
    const sent = performance.now();
    inFlight.push(
      send(
        request.method ?? 'GET',
        request.path ?? '/',
        typeof request.body === 'string' ? request.body : undefined,
      )
        .then(({ status, body }) => {
          times.push(performance.now() - sent);
          if (status < 200 || status > 299) figures.non2xx++;
          if (body.includes('"degraded":true')) figures.degraded++;
        })
        .catch(() => void figures.errors++),
    );
  }
  await Promise.all(inFlight);
  agent.destroy();
  const elapsed = (performance.now() - start) / 1000;
  times.sort((a, b) => a - b);
  const at = (q: number) => times[Math.min(times.length - 1, Math.ceil(q * times.length) - 1)] ?? NaN;
  return {
    requests: times.length,
    perSecond: times.length / elapsed,
    p50: at(0.5),
    p99: at(0.99),
    max: times.at(-1) ?? NaN,
    ...figures,
  };
}

interface PacedJob {
  url: string;
  token: string;
  requests: autocannon.Request[];
  rate: number;
  seconds: number;
}

/**
 * {@link paced} on a worker thread of its own: the load generator's timers and client work do
 * not share the event loop of the gateway, the handler and dynalite (as a client on another
 * machine would not).
 */
function pacedOnWorker(job: PacedJob): Promise<RunFigures> {
  return new Promise((resolve, reject) => {
    // The same TypeScript module, loaded through tsx's API as `npm run bench` loads it.
    const code = `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(import.meta.url)}); });`;
    const worker = new Worker(code, { eval: true, workerData: { pacedJob: job } });
    worker.once('message', (figures: RunFigures) => resolve(figures));
    worker.once('error', reject);
    worker.once('exit', (code) => code !== 0 && reject(new Error(`load worker exited with ${code}`)));
  });
}

// This module on a load worker: run the job it was given and report.
const job = isMainThread ? undefined : (workerData as { pacedJob?: PacedJob } | null)?.pacedJob;
if (job) parentPort!.postMessage(await paced(job.url, job.token, job.requests, job.rate, job.seconds));

const ms = (n: number) => `${n.toFixed(n < 10 ? 1 : 0)} ms`;
const line = (f: RunFigures) =>
  `p50 ${ms(f.p50)}, p99 ${ms(f.p99)}, max ${ms(f.max)}; ${Math.round(f.perSecond).toLocaleString('en')} req/s ` +
  `(${f.requests.toLocaleString('en')} requests, ${f.non2xx} non-2xx, ${f.errors} errors, ${f.degraded} degraded)`;

/**
 * Starts a fresh local stack, writes each bench customer's order history through the
 * stream, and prints the score endpoint's figures beside the floor's.
 *
 * @example
 * ```ts
 * await benchApi(console.log);
 * ```
 */
export async function benchApi(
  print: (line: string) => void,
): Promise<{ scoreAtRate: RunFigures; scoreAtMax: RunFigures }> {
  const loadBefore = loadavg()[0]!;
  // The handlers' degraded-answer warnings are the drill's point, not news; errors still show.
  // The stack passes the level on to the handlers it loads; a logger made earlier in this
  // process (by another bench's stack) is set directly.
  const savedLevel = process.env.POWERTOOLS_LOG_LEVEL;
  process.env.POWERTOOLS_LOG_LEVEL = 'ERROR';
  const cwd = mkdtempSync(join(tmpdir(), 'vigil-bench-api-'));
  const stack = await startLocalStack({ cwd, print: () => {}, idleDelayMs: 50 });
  const { logger } = await import('../src/shared/observability.ts');
  const level = logger.getLevelName();
  logger.setLogLevel('ERROR');
  try {
    // Two earlier orders per customer, consumed by the real consumer: the scores read real profiles.
    const history = Array.from({ length: CUSTOMERS * 2 }, (_, n) => order(n % CUSTOMERS, -n - 1));
    const records = history.map((text) => ({ partitionKey: partitionKeyOf(text), data: Buffer.from(text) }));
    await putRecordsAll(stack.kinesisClient(), stack.kinesis.streamName, records);
    await stack.poller.whenIdle(120_000);
    // The stream is not what is measured: the idle poller's GetRecords calls to the in-process
    // kinesalite would compete with the gateway for this event loop.
    await stack.poller.stop();

    const score = Array.from({ length: 500 }, (_, n) => ({
      method: 'POST' as const,
      path: '/v1/score',
      body: order(n % CUSTOMERS, n),
    }));
    const health = [{ method: 'GET' as const, path: '/v1/health' }];
    const token = stack.tokens['order-flow'];
    // Warm: the handlers' cold starts and the store's cache of past hourly counters.
    await run(stack.apiUrl, token, score, { connections: 4, seconds: 2 });
    await run(stack.apiUrl, token, health, { connections: 4, seconds: 1 });

    const each = { connections: 10, seconds: RUN_SECONDS };
    const storeRead = await profileReads(stack);
    const floorAtRate = await pacedOnWorker({
      url: stack.apiUrl,
      token,
      requests: health,
      rate: RATE,
      seconds: RUN_SECONDS,
    });
    const scoreAtRate = await pacedOnWorker({
      url: stack.apiUrl,
      token,
      requests: score,
      rate: RATE,
      seconds: RUN_SECONDS,
    });
    const floorAtMax = await run(stack.apiUrl, token, health, each);
    const scoreAtMax = await run(stack.apiUrl, token, score, each);

    // Degraded: DynamoDB stops answering, then refuses connections.
    await stack.failDynamo('hang');
    const hung = await degraded(stack.apiUrl, token);
    await stack.failDynamo('refuse');
    const refused = await degraded(stack.apiUrl, token);

    print(
      `API: the local gateway on 127.0.0.1, ${RUN_SECONDS} s per run (paced at ${RATE} req/s, then ${each.connections} connections at max), ` +
        `${CUSTOMERS} customers with order history in dynalite; load average before ${loadBefore.toFixed(1)}, ` +
        `after ${loadavg()[0]!.toFixed(1)} (this machine's other work competes with all of it)`,
    );
    print(
      `  the profile read alone (DynamoProfileStore.load of an order's 6 profiles, one at a time): ` +
        `p50 ${ms(storeRead.p50)}, p99 ${ms(storeRead.p99)}`,
    );
    print(`  no-op floor  GET /v1/health at ${RATE} req/s: ${line(floorAtRate)}`);
    print(`  score        POST /v1/score at ${RATE} req/s: ${line(scoreAtRate)}`);
    print(`  no-op floor  at max, ${each.connections} connections:  ${line(floorAtMax)}`);
    print(`  score        at max, ${each.connections} connections:  ${line(scoreAtMax)}`);
    print(`  score degraded (budget ${BUDGET_MS} ms), DynamoDB hung:     ${drillLine(hung)}`);
    print(`  score degraded (budget ${BUDGET_MS} ms), DynamoDB refusing: ${drillLine(refused)}`);
    return { scoreAtRate, scoreAtMax };
  } finally {
    logger.setLogLevel(level);
    await stack.close();
    if (savedLevel === undefined) delete process.env.POWERTOOLS_LOG_LEVEL;
    else process.env.POWERTOOLS_LOG_LEVEL = savedLevel;
    rmSync(cwd, { recursive: true, force: true });
  }
}

const STORE_READS = 500;

/** What the score endpoint waits for: {@link STORE_READS} profile reads one after the other, as the handler makes them. */
async function profileReads(
  stack: Awaited<ReturnType<typeof startLocalStack>>,
): Promise<{ p50: number; p99: number }> {
  const store = new DynamoProfileStore({ client: stack.dynamoClient(), tables: stack.dynamodb.tables });
  const kinds = ['subject', 'ip', 'client', 'network', 'device', 'payment'] as const;
  const times: number[] = [];
  for (let n = 0; n < STORE_READS; n++) {
    const keys = kinds.map((kind) => `${kind}#v1:bench${n % CUSTOMERS}` as ProfileKey);
    const started = performance.now();
    await store.load(keys, Date.now());
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return { p50: times[Math.floor(STORE_READS / 2)]!, p99: times[Math.ceil(STORE_READS * 0.99) - 1]! };
}

const DRILL_REQUESTS = 40;

interface DrillFigures {
  p50: number;
  p99: number;
  max: number;
  degraded: number;
  status5xx: number;
}

const drillLine = (f: DrillFigures) =>
  `p50 ${ms(f.p50)}, p99 ${ms(f.p99)}, max ${ms(f.max)}; ${f.degraded}/${DRILL_REQUESTS} answers 200 ` +
  `and degraded, ${f.status5xx} 5xx`;

/** {@link DRILL_REQUESTS} score requests one after the other: their latency, and how many came back degraded. */
async function degraded(url: string, token: string): Promise<DrillFigures> {
  const times: number[] = [];
  let degraded = 0;
  let status5xx = 0;
  for (let n = 0; n < DRILL_REQUESTS; n++) {
    const started = performance.now();
    const res = await fetch(`${url}/v1/score`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: order(n, 1_000_000 + n),
      signal: AbortSignal.timeout(5_000),
    });
    const body = (await res.json()) as { degraded?: boolean };
    times.push(performance.now() - started);
    if (res.status === 200 && body.degraded === true) degraded++;
    if (res.status >= 500) status5xx++;
  }
  times.sort((a, b) => a - b);
  const at = (q: number) => times[Math.min(times.length - 1, Math.ceil(q * times.length) - 1)]!;
  return { p50: at(0.5), p99: at(0.99), max: times.at(-1)!, degraded, status5xx };
}
