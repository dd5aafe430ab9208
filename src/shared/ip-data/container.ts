import { closeSync, fstatSync, openSync, readSync, renameSync, writeFileSync } from 'node:fs';
import { endianness } from 'node:os';

/*
 * A file of named typed arrays plus a JSON header, read back without parsing
 * and only where it is looked at. This is how the IP tables (geolocation,
 * hosting and crawler networks) reach a Lambda function: a header read at the
 * first lookup and then the pages the lookups touch, instead of a 140 MB read
 * (geoip-lite's own files) or a JSON parse and sort at every cold start.
 *
 * Why pages and not one read of the whole file: a lookup is a binary search
 * that touches about 20 elements, and a cold start makes a handful of lookups.
 * Reading the 31 MB geolocation table whole took about 20 ms, and its one
 * 31 MB buffer, counted by V8 as external memory, started a full garbage
 * collection of its own (about 20 ms more) inside the first invocation. Pages
 * are small buffers read on first touch and kept: a warm process ends up
 * holding what its lookups visit, at most the file.
 *
 * Layout: the magic `VIGILIP1`, the header's byte length (uint32 LE), the
 * header (UTF-8 JSON: format, byte order, meta, and each array's type, offset
 * and length), then each array at an 8-byte-aligned offset. The arrays are in
 * the writer's byte order, and the reader refuses a file of another order:
 * typed arrays use the platform's, and Lambda's x86_64 and arm64 are both
 * little-endian.
 */

const MAGIC = 'VIGILIP1';
const FORMAT = 1;

/** The typed arrays a container holds. */
export type ContainerArray = Uint32Array | Uint16Array | Int16Array;

const CONSTRUCTORS = { Uint32Array, Uint16Array, Int16Array } as const;
type ArrayType = keyof typeof CONSTRUCTORS;

interface Header {
  format: number;
  endianness: 'LE' | 'BE';
  meta: unknown;
  arrays: { name: string; type: ArrayType; offset: number; length: number }[];
}

/**
 * A column of numbers read by index: a typed array (as the builders make them) or a
 * {@link PagedColumn} of a container file. `at` is the typed arrays' own method.
 */
export interface Column {
  readonly length: number;
  at(index: number): number | undefined;
}

/** What a container file holds: its JSON meta, and its arrays by name, each read page by page. */
export interface Container {
  readonly meta: unknown;
  /**
   * The array `name`, checked to be of `type`; every problem is an error that names the file.
   *
   * @example
   * ```ts
   * openContainer(path).column('v4.starts', Uint32Array).at(0);
   * ```
   */
  column(name: string, type: { readonly name: string; readonly BYTES_PER_ELEMENT: number }): PagedColumn;
  /** The file, its size, and the bytes read from it so far (the header included). */
  readonly file: { readonly path: string; readonly bytes: number; bytesRead(): number };
  /** Closes the file; a later page read throws. */
  close(): void;
}

const align8 = (n: number): number => Math.ceil(n / 8) * 8;

/**
 * Writes `arrays` and `meta` to `path`, atomically (a temporary file renamed
 * over it), so that a reader never sees half a file.
 *
 * @example
 * ```ts
 * writeContainer('/tmp/t.bin', { source: 'test' }, { starts: Uint32Array.of(0, 256) });
 * ```
 */
export function writeContainer(path: string, meta: unknown, arrays: Record<string, ContainerArray>): void {
  const entries = Object.entries(arrays);
  const layout = (start: number): Header['arrays'] => {
    let offset = start;
    return entries.map(([name, array]) => {
      const at = offset;
      offset = align8(offset + array.byteLength);
      return { name, type: array.constructor.name as ArrayType, offset: at, length: array.length };
    });
  };
  // The header's length depends on the offsets it lists, which depend on its length: settle it.
  let start = 0;
  let header = '';
  for (;;) {
    header = JSON.stringify({ format: FORMAT, endianness: endianness(), meta, arrays: layout(start) });
    const needed = align8(MAGIC.length + 4 + Buffer.byteLength(header));
    if (needed <= start) break;
    start = needed;
  }
  const sections = layout(start);
  const last = sections[sections.length - 1];
  const bytes = Buffer.alloc(last ? last.offset + arrays[last.name]!.byteLength : start);
  bytes.write(MAGIC, 0, 'latin1');
  bytes.writeUInt32LE(Buffer.byteLength(header), MAGIC.length);
  bytes.write(header, MAGIC.length + 4, 'utf8');
  for (const { name, offset } of sections) {
    const array = arrays[name]!;
    Buffer.from(array.buffer, array.byteOffset, array.byteLength).copy(bytes, offset);
  }
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, bytes);
  renameSync(temporary, path);
}

/** Elements per page (a power of two): 16 KiB of a Uint32Array, 8 KiB of a 16-bit one. */
const PAGE_SHIFT = 12;
const PAGE_ELEMENTS = 1 << PAGE_SHIFT;
const PAGE_MASK = PAGE_ELEMENTS - 1;

/**
 * One array of a container file, read a page at a time on first touch and kept. `at` has the
 * typed arrays' contract for indexes from 0 to `length - 1` (`undefined` beyond; no negative
 * indexes).
 */
export class PagedColumn implements Column {
  readonly length: number;
  readonly #pages: ContainerArray[] = [];
  readonly #readPage: (page: number) => ContainerArray;

  /** @param readPage reads page `page` (elements `page * 4096` on) of this column. */
  constructor(length: number, readPage: (page: number) => ContainerArray) {
    this.length = length;
    this.#readPage = readPage;
  }

  at(index: number): number | undefined {
    if (!(index >= 0 && index < this.length)) return undefined;
    const page = index >>> PAGE_SHIFT;
    return (this.#pages[page] ??= this.#readPage(page))[index & PAGE_MASK];
  }
}

/**
 * Opens a container written by {@link writeContainer}: reads its header now (checking the magic,
 * format, byte order and that every array lies within the file) and its arrays' pages when they
 * are first read. The file stays open for the process's life (a Lambda function's package, or the
 * build cache): {@link Container.close} is for tests.
 *
 * @example
 * ```ts
 * const geo = openContainer('/var/task/ip-data/geo.bin');
 * const starts = geo.column('v4.starts', Uint32Array);
 * ```
 */
export function openContainer(path: string): Container {
  const fail = (problem: string): never => {
    throw new Error(`${path}: ${problem}`);
  };
  const fd = openSync(path, 'r');
  let bytesRead = 0;
  /** `length` bytes at `position` into `target` (fewer only at the end of the file). */
  const read = (target: NodeJS.ArrayBufferView, length: number, position: number): number => {
    const n = readSync(fd, target, 0, length, position);
    bytesRead += n;
    return n;
  };
  let header: Header;
  let fileBytes = 0;
  try {
    fileBytes = fstatSync(fd).size;
    const prefix = Buffer.alloc(MAGIC.length + 4);
    if (
      read(prefix, prefix.length, 0) < prefix.length ||
      prefix.toString('latin1', 0, MAGIC.length) !== MAGIC
    ) {
      fail(`not a Vigil IP data file (no ${MAGIC} magic)`);
    }
    const text = Buffer.alloc(prefix.readUInt32LE(MAGIC.length));
    if (read(text, text.length, prefix.length) < text.length) fail('truncated header');
    try {
      header = JSON.parse(text.toString('utf8')) as Header;
    } catch {
      return fail('unreadable header');
    }
    if (header.format !== FORMAT) fail(`format ${String(header.format)}, this code reads format ${FORMAT}`);
    if (header.endianness !== endianness()) {
      fail(`written ${header.endianness}, this machine is ${endianness()}: rebuild it here`);
    }
    for (const { name, type, offset, length } of header.arrays) {
      const Constructor = CONSTRUCTORS[type] ?? fail(`array ${name}: unknown type ${type}`);
      if (offset + length * Constructor.BYTES_PER_ELEMENT > fileBytes) fail(`array ${name}: truncated`);
    }
  } catch (error) {
    closeSync(fd);
    throw error;
  }
  const columns = new Map<string, PagedColumn>();
  return {
    meta: header.meta,
    column(name, type) {
      const entry = header.arrays.find((a) => a.name === name);
      if (!entry || entry.type !== type.name) return fail(`no ${type.name} ${name}`);
      const known = columns.get(name);
      if (known) return known;
      const { offset, length } = entry;
      const Constructor = CONSTRUCTORS[entry.type];
      const column = new PagedColumn(length, (page) => {
        const first = page * PAGE_ELEMENTS;
        const array = new Constructor(Math.min(PAGE_ELEMENTS, length - first));
        const position = offset + first * Constructor.BYTES_PER_ELEMENT;
        if (read(array, array.byteLength, position) < array.byteLength) fail(`array ${name}: truncated`);
        return array;
      });
      columns.set(name, column);
      return column;
    },
    file: { path, bytes: fileBytes, bytesRead: () => bytesRead },
    close: () => {
      closeSync(fd);
    },
  };
}
