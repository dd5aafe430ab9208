import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { endianness } from 'node:os';

/*
 * A file of named typed arrays plus a JSON header, read back without parsing:
 * the arrays are views on the file's own bytes. This is how the IP tables
 * (geolocation, hosting and crawler networks) reach a Lambda function: a
 * 30 MB read and a few views instead of a 140 MB read (geoip-lite's own files)
 * or a JSON parse and sort at every cold start.
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

/** What a container file holds: its JSON meta and its arrays by name. */
export interface Container {
  readonly meta: unknown;
  readonly arrays: ReadonlyMap<string, ContainerArray>;
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

/**
 * Reads a container written by {@link writeContainer}. One file read, no
 * copy of the arrays (unless the read buffer is misaligned); every problem is
 * an error that names the file.
 *
 * @example
 * ```ts
 * const { meta, arrays } = readContainer('/var/task/ip-data/geo.bin');
 * ```
 */
export function readContainer(path: string): Container {
  const fail = (problem: string): never => {
    throw new Error(`${path}: ${problem}`);
  };
  let bytes = readFileSync(path);
  if (bytes.length < MAGIC.length + 4 || bytes.toString('latin1', 0, MAGIC.length) !== MAGIC) {
    fail(`not a Vigil IP data file (no ${MAGIC} magic)`);
  }
  // Typed array views need aligned offsets; small files may come from Buffer's shared pool.
  if (bytes.byteOffset % 8 !== 0) bytes = Buffer.from(new Uint8Array(bytes));
  const headerLength = bytes.readUInt32LE(MAGIC.length);
  let header: Header;
  try {
    header = JSON.parse(bytes.toString('utf8', MAGIC.length + 4, MAGIC.length + 4 + headerLength)) as Header;
  } catch {
    return fail('unreadable header');
  }
  if (header.format !== FORMAT) fail(`format ${String(header.format)}, this code reads format ${FORMAT}`);
  if (header.endianness !== endianness()) {
    fail(`written ${header.endianness}, this machine is ${endianness()}: rebuild it here`);
  }
  const arrays = new Map<string, ContainerArray>();
  for (const { name, type, offset, length } of header.arrays) {
    const Constructor = CONSTRUCTORS[type] ?? fail(`array ${name}: unknown type ${type}`);
    if (offset + length * Constructor.BYTES_PER_ELEMENT > bytes.length) fail(`array ${name}: truncated`);
    arrays.set(name, new Constructor(bytes.buffer, bytes.byteOffset + offset, length));
  }
  return { meta: header.meta, arrays };
}

/**
 * The array `name` of `container`, checked to be of `type`.
 *
 * @example
 * ```ts
 * const starts = arrayOf(readContainer(path), 'v4.starts', Uint32Array);
 * ```
 */
export function arrayOf<T extends ContainerArray>(
  container: Container,
  name: string,
  type: { new (length: number): T; name: string },
): T {
  const array = container.arrays.get(name);
  if (!(array instanceof type)) throw new Error(`IP data: no ${type.name} ${name}`);
  return array;
}
