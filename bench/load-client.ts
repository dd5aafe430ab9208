/**
 * The paced load client of the API bench (bench/api.ts): an open-loop run at a steady rate, in a
 * Node.js process of its own, over raw keep-alive TCP connections.
 *
 * Why its own process: a worker thread shares the process's V8 platform threads (garbage
 * collection and compile tasks of every thread queue on them: two on this 2-core machine) and its
 * tail showed in the figures: p99 15 to 49 ms against 8 to 20 ms from a process, in the same hour.
 *
 * Why raw sockets: on this 2-core machine the client competes with the gateway and dynalite for
 * the same cores, and whatever it spends per request is taken from them. Measured at 200
 * requests/s against the score endpoint, in CPU time per request: node:http with a keep-alive
 * agent 0.9 ms, undici 7's Pool 1.0 ms, these sockets 0.44 ms. The requests are encoded once;
 * a response is read as far as its status, the end of its body (`content-length`, or chunked)
 * and a look for `"degraded":true` in the body.
 */
import { fork } from 'node:child_process';
import { type Socket, connect } from 'node:net';
import { fileURLToPath } from 'node:url';

/** One request of a run: its method, path and JSON body. */
export interface PacedRequest {
  method: 'GET' | 'POST';
  path: string;
  body?: string;
}

export interface PacedJob {
  /** `http://127.0.0.1:PORT` */
  url: string;
  token: string;
  /** Sent in turn, request i being `requests[i % requests.length]`. */
  requests: PacedRequest[];
  /** Requests per second. */
  rate: number;
  seconds: number;
  /**
   * Seconds at the same rate, on the same connections, before the measured `seconds`, reported
   * apart (`RunFigures.warmup`). Default 0.
   */
  warmupSeconds?: number;
  /** A request with no answer after this long counts as an error, ms. Default 10,000. */
  timeoutMs?: number;
}

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
  /** The warm-up's own figures, when the run had one (`PacedJob.warmupSeconds`). */
  warmup?: Omit<RunFigures, 'warmup'>;
}

/** The answers of one phase of a run (the warm-up or the measured part) as they come. */
class Tally {
  readonly times: number[] = [];
  degraded = 0;
  non2xx = 0;
  errors = 0;

  answered(started: number, { status, degraded }: Answer): void {
    this.times.push(performance.now() - started);
    if (status < 200 || status > 299) this.non2xx++;
    if (degraded) this.degraded++;
  }

  /** The figures of the phase, over `seconds` of sending (once its answers are all in). */
  figures(seconds: number): Omit<RunFigures, 'warmup'> {
    const times = this.times.sort((a, b) => a - b);
    return {
      requests: times.length,
      perSecond: times.length / seconds,
      p50: quantile(times, 0.5),
      p99: quantile(times, 0.99),
      max: times.at(-1) ?? NaN,
      degraded: this.degraded,
      non2xx: this.non2xx,
      errors: this.errors,
    };
  }
}

/**
 * The requests a job sends before its measured ones.
 *
 * @example
 * ```ts
 * warmupRequests({ rate: 200, warmupSeconds: 2 }); // → 400
 * ```
 */
export function warmupRequests(job: Pick<PacedJob, 'rate' | 'warmupSeconds'>): number {
  return Math.round(job.rate * (job.warmupSeconds ?? 0));
}

const REQUEST_TIMEOUT_MS = 10_000;
/** Connections opened before the first request, so that the first ones wait for no handshake. */
const PREOPENED = 8;
const HEAD_END = Buffer.from('\r\n\r\n');
const LAST_CHUNK = Buffer.from('\r\n0\r\n\r\n');
const DEGRADED = Buffer.from('"degraded":true');

interface Answer {
  status: number;
  degraded: boolean;
}

/** One keep-alive connection, one request at a time (no pipelining, as a browser or SDK sends). */
class Connection {
  readonly #socket: Socket;
  #buffered: Buffer = Buffer.alloc(0);
  #waiting: { resolve: (answer: Answer) => void; reject: (err: Error) => void } | undefined;

  private constructor(socket: Socket, timeoutMs: number) {
    this.#socket = socket;
    socket.setNoDelay(true);
    // An idle connection may stay idle; one that waits this long for its answer has failed.
    socket.setTimeout(timeoutMs, () => this.#waiting && socket.destroy(new Error('timeout')));
    socket.on('data', (chunk: Buffer) => this.#read(chunk));
    socket.on('error', (err) => this.#fail(err));
    socket.on('close', () => this.#fail(new Error('connection closed')));
  }

  static open(host: string, port: number, timeoutMs: number): Promise<Connection> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, host);
      socket.once('connect', () => {
        socket.off('error', reject);
        resolve(new Connection(socket, timeoutMs));
      });
      socket.once('error', reject);
    });
  }

  get open(): boolean {
    return !this.#socket.destroyed;
  }

  send(request: Buffer): Promise<Answer> {
    return new Promise((resolve, reject) => {
      if (!this.open) return reject(new Error('connection closed'));
      this.#waiting = { resolve, reject };
      this.#socket.write(request);
    });
  }

  close(): void {
    this.#socket.destroy();
  }

  #read(chunk: Buffer): void {
    this.#buffered = this.#buffered.length === 0 ? chunk : Buffer.concat([this.#buffered, chunk]);
    const headEnd = this.#buffered.indexOf(HEAD_END);
    if (headEnd < 0) return;
    const head = this.#buffered.toString('latin1', 0, headEnd);
    const bodyStart = headEnd + HEAD_END.length;
    // A body of a known length, or chunks up to the last, empty one (no trailers: JSON holds no raw CRLF).
    const length = /\r\ncontent-length: *(\d+)/i.exec(head)?.[1];
    const chunked = length === undefined && /\r\ntransfer-encoding: *chunked/i.test(head);
    const lastChunk = chunked ? this.#buffered.indexOf(LAST_CHUNK, bodyStart - 2) : -1;
    const end = chunked
      ? lastChunk < 0
        ? -1
        : lastChunk + LAST_CHUNK.length
      : bodyStart + Number(length ?? 0);
    if (end < 0 || this.#buffered.length < end) return;
    const body = this.#buffered.subarray(bodyStart, end);
    this.#buffered = this.#buffered.subarray(end);
    const waiting = this.#waiting;
    this.#waiting = undefined;
    waiting?.resolve({ status: Number(head.slice(9, 12)), degraded: body.includes(DEGRADED) });
  }

  #fail(err: Error): void {
    const waiting = this.#waiting;
    this.#waiting = undefined;
    waiting?.reject(err);
  }
}

/** The bytes of one HTTP/1.1 request, encoded once per run. */
function encode(request: PacedRequest, host: string, token: string): Buffer {
  const body = Buffer.from(request.body ?? '');
  const head =
    `${request.method} ${request.path} HTTP/1.1\r\nhost: ${host}\r\nauthorization: Bearer ${token}\r\n` +
    `content-type: application/json\r\ncontent-length: ${body.length}\r\n\r\n`;
  return Buffer.concat([Buffer.from(head, 'latin1'), body]);
}

/**
 * An open-loop run at a steady `rate`: request i is sent at start + i / rate, whatever the
 * earlier ones are doing, and its latency counted from when it was sent (a late timer of the
 * generator shows as a lower achieved rate, not as server latency). autocannon's own rate
 * limit releases each second's quota at once, and each connection waits for its answer before
 * the next request (closed loop): a burst at the start of every second rather than a steady
 * rate, and a slow answer hides the requests that would have queued behind it.
 *
 * With `warmupSeconds`, the schedule starts that much earlier and the requests sent before the
 * measured part are counted apart, as wrk2 and autocannon's `warmup` do: the figures are those
 * of the steady rate, not of the client's and the server's first moments at it.
 *
 * @example
 * ```ts
 * const figures = await paced({ url, token, requests: [{ method: 'GET', path: '/v1/health' }], rate: 200, seconds: 10 });
 * ```
 */
export async function paced(job: PacedJob): Promise<RunFigures> {
  const url = new URL(job.url);
  const port = Number(url.port);
  const timeoutMs = job.timeoutMs ?? REQUEST_TIMEOUT_MS;
  const encoded = job.requests.map((request) => encode(request, url.host, job.token));
  const idle = await Promise.all(
    Array.from({ length: PREOPENED }, () => Connection.open(url.hostname, port, timeoutMs)),
  );
  const all: Connection[] = [...idle];
  const warmup = warmupRequests(job);
  const total = Math.round(job.rate * job.seconds);
  const warming = new Tally();
  const measured = new Tally();
  const inFlight: Promise<void>[] = [];
  /** One request on an idle connection (a new one when none is), its connection back to the pool after. */
  const send = async (request: Buffer): Promise<Answer> => {
    let connection = idle.pop();
    // One the server closed while it was idle (its keep-alive timeout) is dropped.
    while (connection && !connection.open) connection = idle.pop();
    if (!connection) {
      connection = await Connection.open(url.hostname, port, timeoutMs);
      all.push(connection);
    }
    const answer = await connection.send(request);
    if (connection.open) idle.push(connection);
    return answer;
  };
  const start = performance.now() + 10;
  const measuredFrom = start + (warmup * 1000) / job.rate;
  for (let i = 0; i < warmup + total; i++) {
    const wait = start + (i * 1000) / job.rate - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const tally = i < warmup ? warming : measured;
    const sent = performance.now();
    inFlight.push(
      send(encoded[i % encoded.length]!).then(
        (answer) => tally.answered(sent, answer),
        () => void tally.errors++,
      ),
    );
  }
  await Promise.all(inFlight);
  for (const connection of all) connection.close();
  const figures: RunFigures = measured.figures((performance.now() - measuredFrom) / 1000);
  if (warmup > 0) figures.warmup = warming.figures((measuredFrom - start) / 1000);
  return figures;
}

/** Marks the child process {@link pacedInClient} starts. */
const CLIENT_ENV = 'VIGIL_BENCH_LOAD_CLIENT';

/**
 * A paced run from a load client process of its own; its figures when it is done.
 *
 * @example
 * ```ts
 * const figures = await pacedInClient({ url, token, requests: [{ method: 'GET', path: '/v1/health' }], rate: 200, seconds: 10 });
 * figures.p99; // → 3.4
 * ```
 */
export function pacedInClient(job: PacedJob): Promise<RunFigures> {
  return new Promise((resolve, reject) => {
    // This TypeScript module again, loaded through tsx as `npm run bench` loads it.
    const client = fork(fileURLToPath(import.meta.url), [], {
      execArgv: ['--import', 'tsx'],
      env: { ...process.env, [CLIENT_ENV]: '1' },
    });
    client.once('message', (figures: RunFigures) => {
      resolve(figures);
      client.disconnect();
    });
    client.once('error', reject);
    client.once('exit', (code) => code !== 0 && reject(new Error(`load client exited with ${code}`)));
    client.send(job);
  });
}

// This module as the load client: run the job it is sent, report, and end.
if (process.env[CLIENT_ENV] && process.send) {
  process.once('message', (job: PacedJob) => {
    void paced(job).then((figures) => process.send!(figures));
  });
}

/**
 * The nearest-rank quantile of ascending `sorted` values: the smallest value that at least a share
 * `q` of them are at or below; NaN when there are none.
 *
 * @example
 * ```ts
 * quantile([1, 2, 3, 4], 0.5);  // → 2
 * quantile([1, 2, 3, 4], 0.99); // → 4
 * ```
 */
export function quantile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? NaN;
}
