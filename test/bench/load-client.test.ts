import { once } from 'node:events';
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { type PacedJob, paced, quantile } from '../../bench/load-client.ts';

/**
 * A loopback server: `/ok` 200, `/slow` 200 after 30 ms, `/degraded` 200 with a degraded body
 * (chunked), `/fail` 500, `/hang` never answers.
 */
async function startServer(
  options: { keepAliveTimeout?: number } = {},
): Promise<{ server: Server; url: string; seen: string[] }> {
  const seen: string[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      seen.push(`${req.method} ${req.url} ${req.headers.authorization} ${body}`);
      if (req.url === '/hang') return;
      const status = req.url === '/fail' ? 500 : 200;
      if (req.url === '/degraded') {
        // No length: chunked, in two chunks
        res.writeHead(status, { 'content-type': 'application/json' });
        res.write('{"decision":"allow",');
        res.end('"degraded":true}');
        return;
      }
      const answer = '{"ok":true}';
      const send = () => {
        res.writeHead(status, { 'content-type': 'application/json', 'content-length': answer.length });
        res.end(answer);
      };
      if (req.url === '/slow') setTimeout(send, 30);
      else send();
    });
  });
  if (options.keepAliveTimeout !== undefined) server.keepAliveTimeout = options.keepAliveTimeout;
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

const job = (url: string, requests: PacedJob['requests'], more: Partial<PacedJob> = {}): PacedJob => ({
  url,
  token: 'tok',
  requests,
  rate: 200,
  seconds: 0.1,
  ...more,
});

describe('paced (the API bench load client)', () => {
  let server: Server | undefined;
  afterEach(() => {
    server?.closeAllConnections();
    server?.close();
    server = undefined;
  });

  it('sends each request with its token and body, and counts answers, non-2xx and degraded ones', async () => {
    // Prepare
    const started = await startServer();
    server = started.server;
    const requests: PacedJob['requests'] = [
      { method: 'POST', path: '/degraded', body: '{"n":1}' },
      { method: 'GET', path: '/ok' },
      { method: 'GET', path: '/fail' },
      { method: 'GET', path: '/ok' },
    ];

    // Act
    const figures = await paced(job(started.url, requests, { seconds: 0.2 }));

    // Assess
    expect(figures).toMatchObject({ requests: 40, non2xx: 10, degraded: 10, errors: 0 });
    expect(figures.p50).toBeGreaterThan(0);
    expect(figures.max).toBeGreaterThanOrEqual(figures.p99);
    expect(started.seen[0]).toBe('POST /degraded Bearer tok {"n":1}');
  });

  it('sends at the rate asked for, whatever the answers are doing (open loop)', async () => {
    // Prepare: answers that take 30 ms, three times the interval between requests
    const started = await startServer();
    server = started.server;

    // Act
    const figures = await paced(
      job(started.url, [{ method: 'GET', path: '/slow' }], { rate: 100, seconds: 0.5 }),
    );

    // Assess
    expect(figures.requests).toBe(50);
    expect(figures.perSecond).toBeGreaterThan(80);
    expect(figures.perSecond).toBeLessThan(110);
  });

  it('sends the warm-up first, at the same rate, and counts it apart from the measured requests', async () => {
    // Prepare: a warm-up of 0.1 s (10 requests at 100/s) before 0.2 s measured (20); one request in four fails
    const started = await startServer();
    server = started.server;
    const requests: PacedJob['requests'] = [
      { method: 'GET', path: '/fail' },
      { method: 'GET', path: '/ok' },
      { method: 'GET', path: '/ok' },
      { method: 'GET', path: '/ok' },
    ];

    // Act
    const figures = await paced(job(started.url, requests, { rate: 100, seconds: 0.2, warmupSeconds: 0.1 }));

    // Assess: 30 requests sent, 10 in the warm-up and 20 measured
    expect(started.seen).toHaveLength(30);
    expect(figures).toMatchObject({ requests: 20, non2xx: 5, errors: 0 });
    expect(figures.warmup).toMatchObject({ requests: 10, non2xx: 3, errors: 0 });
    expect(figures.perSecond).toBeGreaterThan(80);
    expect(figures.perSecond).toBeLessThan(110);
  });

  it('has no warm-up figures when none was asked for', async () => {
    // Prepare
    const started = await startServer();
    server = started.server;

    // Act
    const figures = await paced(job(started.url, [{ method: 'GET', path: '/ok' }]));

    // Assess
    expect(figures.requests).toBe(20);
    expect(figures.warmup).toBeUndefined();
  });

  it('goes on when the server closes idle connections (its keep-alive timeout)', async () => {
    // Prepare: connections idle for longer than the server keeps them
    const started = await startServer({ keepAliveTimeout: 20 });
    server = started.server;

    // Act
    const figures = await paced(
      job(started.url, [{ method: 'GET', path: '/ok' }], { rate: 20, seconds: 0.5 }),
    );

    // Assess
    expect(figures).toMatchObject({ requests: 10, errors: 0 });
  });

  it('counts a request without an answer as an error after the timeout, and still ends', async () => {
    // Prepare
    const started = await startServer();
    server = started.server;

    // Act
    const figures = await paced(
      job(
        started.url,
        [
          { method: 'GET', path: '/ok' },
          { method: 'GET', path: '/hang' },
        ],
        { rate: 100, seconds: 0.1, timeoutMs: 200 },
      ),
    );

    // Assess
    expect(figures).toMatchObject({ requests: 5, errors: 5 });
  });
});

describe('quantile', () => {
  it('is the nearest rank: the smallest value that the share q of the values are at or below', () => {
    // Prepare: 200 values 1..200, as a run's sorted latencies
    const sorted = Array.from({ length: 200 }, (_, i) => i + 1);

    // Act, Assess
    expect(quantile(sorted, 0.5)).toBe(100);
    expect(quantile(sorted, 0.99)).toBe(198);
    expect(quantile(sorted, 1)).toBe(200);
    expect(quantile([7], 0.99)).toBe(7);
    // A rank that is not a whole number rounds up: the 99th percentile of 4 values is the 4th
    expect(quantile([1, 2, 3, 4], 0.99)).toBe(4);
    expect(quantile([1, 2, 3], 0.5)).toBe(2);
    expect(quantile([1, 2, 3], 0)).toBe(1);
    expect(quantile([], 0.5)).toBeNaN();
  });
});
