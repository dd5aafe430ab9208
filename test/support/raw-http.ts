/**
 * One HTTP request exactly as given (any method, path, headers and body bytes, a body on a GET
 * too), which `fetch` would not send: the tests of what the gateway and the handlers do with
 * requests no well-behaved client makes.
 */
import { request } from 'node:http';

export interface RawRequest {
  method: string;
  /** Path and query, sent as is (already encoded). */
  target: string;
  headers?: Record<string, string>;
  body?: Buffer | string;
}

export interface RawAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/**
 * @example
 * ```ts
 * const answer = await rawRequest(api.gateway.url, { method: 'GET', target: '/v1/health?constructor=x' });
 * ```
 */
export function rawRequest(base: string, req: RawRequest): Promise<RawAnswer> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    // The length always: Node frames no body of a GET or DELETE by itself (no chunked encoding).
    const length = req.body === undefined ? {} : { 'content-length': String(Buffer.byteLength(req.body)) };
    const out = request(
      {
        host: url.hostname,
        port: url.port,
        method: req.method,
        path: req.target,
        headers: { ...req.headers, ...length },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            text: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        res.on('error', reject);
      },
    );
    out.on('error', reject);
    out.end(req.body);
  });
}
