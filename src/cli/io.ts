import { createReadStream, createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import type { Readable, Writable } from 'node:stream';

/**
 * The lines of an NDJSON file: plain, gzipped (by the `.gz` extension), or
 * standard input for `-`.
 */
export function readLines(path: string): AsyncIterable<string> {
  const file: Readable = path === '-' ? process.stdin : createReadStream(path);
  let input = file;
  if (path.endsWith('.gz')) {
    const gunzip = createGunzip();
    // pipe() does not forward errors: a missing file must fail the read, not crash the process.
    file.on('error', (err) => gunzip.destroy(err));
    input = file.pipe(gunzip);
  }
  return createInterface({ input, crlfDelay: Infinity });
}

/** A buffered NDJSON writer that respects back-pressure; `-` or no path is standard output. */
export class NdjsonWriter {
  readonly #out: Writable;
  #buffer: string[] = [];
  #size = 0;
  #error: Error | undefined;

  constructor(path?: string) {
    this.#out = path && path !== '-' ? createWriteStream(path) : process.stdout;
    // An unwritable path (missing folder, no permission) surfaces on the next write, not as a crash.
    this.#out.on('error', (err) => (this.#error = err));
  }

  async write(value: unknown): Promise<void> {
    const line = `${JSON.stringify(value)}\n`;
    this.#buffer.push(line);
    this.#size += line.length;
    if (this.#size >= 1 << 16) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.#error) throw this.#error;
    if (this.#buffer.length === 0) return;
    const chunk = this.#buffer.join('');
    this.#buffer = [];
    this.#size = 0;
    if (!this.#out.write(chunk)) await once(this.#out, 'drain');
  }

  async close(): Promise<void> {
    await this.flush();
    if (this.#out === process.stdout) return;
    this.#out.end();
    await once(this.#out, 'finish');
    if (this.#error) throw this.#error;
  }
}
